// Question: What does a model lab depend on most, upstream of its compute?
//   Paths run lab -RUNS_ON-> cloud (or the lab itself) -OWNS-> accelerator family, then
//   upstream along MANUFACTURES, PACKAGES, SUPPLIES, DESIGNS, INPUT_TO and PRODUCES.
//   exposure = the product of the edge weights on the strongest path (an edge without a
//   weight, such as INPUT_TO, counts as 1).
// Parameters:
//   lab (str) node id of the lab [default: company:openai]
//   limit (int) how many suppliers [default: 15]
// Example: riskgraph query lab-top-exposures --param lab=company:anthropic --param limit=10
// Returns: supplier, name, kind, exposure, hops
MATCH (lab:ModelLab {id: $lab})
MATCH p = (lab)-[:RUNS_ON*0..1]->(:Company)-[:OWNS]->(:Accelerator)
          <-[:MANUFACTURES|PACKAGES|SUPPLIES|DESIGNS|INPUT_TO|PRODUCES*1..4]-(s:Entity)
WHERE s <> lab
WITH s, p, reduce(x = 1.0, r IN relationships(p) | x * coalesce(r.weight, 1.0)) AS exposure
WITH s, max(exposure) AS exposure, min(length(p)) AS hops
RETURN s.id AS supplier, s.name AS name, s.kind AS kind, exposure, hops
ORDER BY exposure DESC, hops, supplier
LIMIT $limit
