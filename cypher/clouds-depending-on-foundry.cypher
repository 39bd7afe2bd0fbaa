// Question: Which clouds depend on a foundry, through the accelerator families it
//   manufactures and the clouds own, and how strongly?
//   exposure = foundry's weight for the family x the family's weight in the cloud's compute.
// Parameters:
//   foundry (str) node id of the foundry [default: company:tsmc]
// Example: riskgraph query clouds-depending-on-foundry --param foundry=company:tsmc
// Returns: cloud, cloud_name, accelerator, foundry_weight, cloud_weight, exposure
MATCH (f:Company {id: $foundry})-[m:MANUFACTURES]->(acc:Accelerator)<-[o:OWNS]-(c:Cloud)
WITH c, acc, max(m.weight) AS foundry_weight, max(o.weight) AS cloud_weight
RETURN c.id AS cloud, c.name AS cloud_name, acc.id AS accelerator, foundry_weight,
       cloud_weight, foundry_weight * cloud_weight AS exposure
ORDER BY exposure DESC, cloud, accelerator
