// Question: On which clouds does each model lab run, and how much of its compute comes
//   from each (RUNS_ON weight)?
// Parameters:
//   min_weight (float) leave out smaller dependencies, 0-1 [default: 0.0]
// Example: riskgraph query lab-clouds --param min_weight=0.3
// Returns: lab, lab_name, cloud, cloud_name, weight, confidence
MATCH (lab:ModelLab)-[r:RUNS_ON]->(c:Company)
WHERE coalesce(r.weight, 0.0) >= $min_weight
RETURN lab.id AS lab, lab.name AS lab_name, c.id AS cloud, c.name AS cloud_name,
       r.weight AS weight, r.confidence AS confidence
ORDER BY lab, weight DESC, cloud
