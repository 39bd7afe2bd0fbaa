// Question: Who provides an input (companies with their headquarters country, and
//   countries), with what market share (newest CSET figures)?  Headquarters: the
//   HEADQUARTERED_IN relationship, else the company registry's country.
// Parameters:
//   input (str) node id of the input [default: input:euv-lithography-tools]
// Example: riskgraph query input-providers --param input=input:photoresists
// Returns: provider, provider_name, provider_kind, headquarters, share, year
MATCH (p:Entity)-[r:PROVIDES]->(i:Input {id: $input})
WHERE coalesce(r.newest, true)
OPTIONAL MATCH (p)-[:HEADQUARTERED_IN]->(hq:Country)
WITH p, r, collect(hq.id)[0] AS hq_id
RETURN p.id AS provider, p.name AS provider_name, p.kind AS provider_kind,
       coalesce(hq_id, CASE WHEN p.kind = 'company' AND p.country IS NOT NULL
                            THEN 'country:' + p.country END) AS headquarters,
       r.weight AS share, r.year AS year
ORDER BY share DESC, provider
