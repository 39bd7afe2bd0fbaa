// Question: Which model labs depend on a mineral within N hops, and along which paths?
//   The path follows the supply flow: mineral -INPUT_TO-> inputs -INPUT_TO-> the deployed AI
//   compute of an owner of accelerators (an OWNS company: servers, networking, power and
//   cooling are requirements of deployment, docs/model.md), which is a cloud the lab runs on
//   (RUNS_ON), or the lab itself.
// Parameters:
//   mineral (str) node id of the mineral [default: mineral:gallium]
//   hops (int) longest path counted (at most 10) [default: 8]
// Example: riskgraph query labs-exposed-to-mineral --param mineral=mineral:gallium --param hops=8
// Returns: lab, lab_name, hops (shortest), paths (how many), path (node ids of one shortest path)
MATCH p = (m:Mineral {id: $mineral})-[:INPUT_TO*1..8]->(owner:Company)
          <-[:RUNS_ON*0..1]-(lab:ModelLab)
WHERE length(p) <= $hops AND EXISTS { (owner)-[:OWNS]->(:Accelerator) }
WITH lab, p
ORDER BY length(p), [n IN nodes(p) | n.id]
WITH lab, collect(p) AS ps
RETURN lab.id AS lab, lab.name AS lab_name, length(ps[0]) AS hops, size(ps) AS paths,
       [n IN nodes(ps[0]) | n.id] AS path
ORDER BY hops, lab
