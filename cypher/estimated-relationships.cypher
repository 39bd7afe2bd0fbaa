// Question: Which relationships rest on the team's own estimates rather than a cited
//   figure, and why (their one-line rationale)?  Per relationship type, a page at a time.
// Parameters:
//   type (str) relationship type, or ALL [default: ALL]
//   limit (int) rows per page (the order is type, start, end) [default: 1000]
//   skip (int) rows to skip: the next page starts at skip + limit [default: 0]
// Example: riskgraph query estimated-relationships --param type=SUPPLIES
// Returns: type, start, end, weight, rationale, source
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.confidence = 'estimated' AND ($type = 'ALL' OR type(r) = $type)
RETURN type(r) AS type, a.id AS start, b.id AS end, r.weight AS weight,
       r.rationale AS rationale,
       COLLECT { MATCH (src:Source {id: r.source_id})
                 RETURN coalesce(src.head, src.citation)
                        + coalesce(' line ' + toString(r.source_line),
                                   ' lines ' + r.source_lines, '')
                        + coalesce(src.tail, '') }[0] AS source
ORDER BY type, start, end
SKIP $skip LIMIT $limit
