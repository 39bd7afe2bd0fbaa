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
// Cost: the owners of accelerators are found first (none: no row, nothing expanded); then one
//   INPUT_TO step per level, aggregated per node (chains counted, the least chain kept), so it
//   grows with the nodes and links reached, not with the number of paths (which is exponential
//   in the hops).  Chains are counted as walks, as the SPARQL twin counts them: on an acyclic
//   INPUT_TO graph (the shipped one) they are the paths.
MATCH (m:Mineral {id: $mineral})
// owners of deployed accelerators first: none, no exposure (and no expansion at all)
CALL () {
  MATCH (acc:Accelerator)
  MATCH (acc)<-[:OWNS]-(o:Company)
  RETURN collect(DISTINCT o.id) AS owners
}
WITH m, owners WHERE size(owners) > 0
// one INPUT_TO step per level, aggregated per node: chains counted, least chain kept
WITH m, owners, [{n: m, c: 1, s: [m.id]}] AS f0
CALL (f0) { UNWIND f0 AS x WITH x.n AS a, x.c AS c, x.s AS s
  MATCH (a)-[:INPUT_TO]->(y) WITH y, sum(c) AS c, min(s + y.id) AS s
  RETURN collect({n: y, c: c, s: s}) AS f1 }
CALL (f1) { UNWIND f1 AS x WITH x.n AS a, x.c AS c, x.s AS s
  MATCH (a)-[:INPUT_TO]->(y) WITH y, sum(c) AS c, min(s + y.id) AS s
  RETURN collect({n: y, c: c, s: s}) AS f2 }
CALL (f2) { UNWIND f2 AS x WITH x.n AS a, x.c AS c, x.s AS s
  MATCH (a)-[:INPUT_TO]->(y) WITH y, sum(c) AS c, min(s + y.id) AS s
  RETURN collect({n: y, c: c, s: s}) AS f3 }
CALL (f3) { UNWIND f3 AS x WITH x.n AS a, x.c AS c, x.s AS s
  MATCH (a)-[:INPUT_TO]->(y) WITH y, sum(c) AS c, min(s + y.id) AS s
  RETURN collect({n: y, c: c, s: s}) AS f4 }
CALL (f4) { UNWIND f4 AS x WITH x.n AS a, x.c AS c, x.s AS s
  MATCH (a)-[:INPUT_TO]->(y) WITH y, sum(c) AS c, min(s + y.id) AS s
  RETURN collect({n: y, c: c, s: s}) AS f5 }
CALL (f5) { UNWIND f5 AS x WITH x.n AS a, x.c AS c, x.s AS s
  MATCH (a)-[:INPUT_TO]->(y) WITH y, sum(c) AS c, min(s + y.id) AS s
  RETURN collect({n: y, c: c, s: s}) AS f6 }
CALL (f6) { UNWIND f6 AS x WITH x.n AS a, x.c AS c, x.s AS s
  MATCH (a)-[:INPUT_TO]->(y) WITH y, sum(c) AS c, min(s + y.id) AS s
  RETURN collect({n: y, c: c, s: s}) AS f7 }
CALL (f7) { UNWIND f7 AS x WITH x.n AS a, x.c AS c, x.s AS s
  MATCH (a)-[:INPUT_TO]->(y) WITH y, sum(c) AS c, min(s + y.id) AS s
  RETURN collect({n: y, c: c, s: s}) AS f8 }
UNWIND range(1, 8) AS k
UNWIND [f1, f2, f3, f4, f5, f6, f7, f8][k - 1] AS x
WITH x.n AS owner, k, x.c AS c, x.s AS s, owners WHERE owner.id IN owners
CALL (owner, k, c, s) {
  MATCH (owner:ModelLab) RETURN owner AS lab, k AS len, s AS chain
  UNION ALL
  MATCH (owner)<-[:RUNS_ON]-(lab:ModelLab)
  RETURN lab, k + 1 AS len, s + lab.id AS chain
}
WITH lab, len, c, chain WHERE len <= $hops
WITH lab, len, sum(c) AS paths, min(chain) AS chain
ORDER BY lab, len
WITH lab, collect({len: len, paths: paths, chain: chain}) AS byl
RETURN lab.id AS lab, lab.name AS lab_name, byl[0].len AS hops,
       reduce(t = 0, b IN byl | t + b.paths) AS paths, byl[0].chain AS path
ORDER BY hops, lab
