// Question: Who owns the installed compute of an accelerator family (Epoch AI estimates
//   in H100 equivalents), and what share of the family's units does each take?
// Parameters:
//   accelerator (str) node id of the accelerator family [default: accelerator:nvidia-gpu]
// Example: riskgraph query accelerator-owners --param accelerator=accelerator:google-tpu
// Returns: owner, owner_name, h100e, sales_share, weight
MATCH (o:Company)-[r:OWNS]->(acc:Accelerator {id: $accelerator})
RETURN o.id AS owner, o.name AS owner_name, r.h100e AS h100e, r.sales_share AS sales_share,
       r.weight AS weight
ORDER BY h100e DESC, owner
