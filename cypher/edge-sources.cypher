// Question: What are the sources behind the relationships between two nodes (either
//   direction), with their date, confidence and rationale?
// Parameters:
//   from (str) node id of one end [default: country:CN]
//   to (str) node id of the other end [default: mineral:gallium]
// Example: riskgraph query edge-sources --param from=company:tsmc --param to=accelerator:nvidia-gpu
// Returns: type, start, end, key, weight, source, as_of, confidence, rationale
MATCH (a:Entity {id: $from})-[r]-(b:Entity {id: $to})
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end,
       coalesce(r.key, startNode(r).id + '|' + type(r) + '|' + endNode(r).id
                + coalesce('|' + r.key_tail, '')) AS key,
       r.weight AS weight,
       COLLECT { MATCH (src:Source {id: r.source_id})
                 RETURN coalesce(src.head, src.citation)
                        + coalesce(' line ' + toString(r.source_line),
                                   ' lines ' + r.source_lines, '')
                        + coalesce(src.tail, '') }[0] AS source,
       r.as_of AS as_of, r.confidence AS confidence,
       coalesce(COLLECT { MATCH (why:Rationale {id: r.rationale_id})
                          RETURN why.text }[0], '') AS rationale
ORDER BY key
