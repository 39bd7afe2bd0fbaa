// Question: Which countries hold what share of the inputs of an accelerator family?
//   Inputs are everything upstream along INPUT_TO of the accelerator (the chip product) or of
//   a firm that MANUFACTURES or PACKAGES it (a foundry's wafers and photoresists); shares are
//   the countries' CSET market shares (PROVIDES, newest figures).
// Parameters:
//   accelerator (str) node id of the accelerator family [default: accelerator:nvidia-gpu]
//   min_share (float) leave out smaller shares, 0-1 [default: 0.0]
// Example: riskgraph query accelerator-country-shares --param accelerator=accelerator:google-tpu
// Returns: input, input_name, country, country_name, share
MATCH (i:Input)-[:INPUT_TO*1..10]->(x)
WHERE x.id = $accelerator
   OR EXISTS { (x)-[:MANUFACTURES|PACKAGES]->(:Accelerator {id: $accelerator}) }
WITH DISTINCT i
MATCH (c:Country)-[r:PROVIDES]->(i)
WHERE coalesce(r.newest, true) AND r.weight IS NOT NULL AND r.weight >= $min_share
RETURN i.id AS input, i.name AS input_name, c.id AS country, c.name AS country_name,
       r.weight AS share
ORDER BY input, share DESC, country
