// Question: On which clouds does each model lab run, and how much of its compute comes
//   from each (RUNS_ON weight)?  One lab, or every lab a page at a time.
// Parameters:
//   min_weight (float) leave out smaller dependencies, 0-1 [default: 0.0]
//   lab (str) node id of one lab, or ALL [default: ALL]
//   limit (int) rows per page (the order is lab, weight, cloud) [default: 1000]
//   skip (int) rows to skip: the next page starts at skip + limit [default: 0]
// Example: riskgraph query lab-clouds --param min_weight=0.3
// Returns: lab, lab_name, cloud, cloud_name, weight, confidence
MATCH (lab:ModelLab)-[r:RUNS_ON]->(c:Company)
WHERE ($lab = 'ALL' OR lab.id = $lab) AND coalesce(r.weight, 0.0) >= $min_weight
RETURN lab.id AS lab, lab.name AS lab_name, c.id AS cloud, c.name AS cloud_name,
       r.weight AS weight, r.confidence AS confidence
ORDER BY lab, weight DESC, cloud
SKIP $skip LIMIT $limit
