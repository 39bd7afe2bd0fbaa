// Question: Where does a node come from: its source, the other sources that name it, its
//   date, confidence and rationale?  (Citations are rebuilt from the shared Source records
//   the node refers to: source_id plus source_line, other_source_refs.)
// Parameters:
//   id (str) node id [default: company:tsmc]
// Example: riskgraph query node-sources --param id=mineral:gallium
// Returns: id, name, kind, labels, source, other_sources, as_of, confidence, rationale
MATCH (n:Entity {id: $id})
RETURN n.id AS id, n.name AS name, n.kind AS kind,
       [l IN labels(n) WHERE l <> 'Entity' | l] AS labels,
       COLLECT { MATCH (src:Source {id: n.source_id})
                 RETURN coalesce(src.head, src.citation)
                        + coalesce(' line ' + toString(n.source_line),
                                   ' lines ' + n.source_lines, '')
                        + coalesce(src.tail, '') }[0] AS source,
       [t IN coalesce(n.other_source_refs, []) |
         COLLECT { MATCH (src:Source {id: split(t, ' ')[0]})
                   RETURN coalesce(src.head, src.citation)
                          + substring(t, size(split(t, ' ')[0])) + coalesce(src.tail, '') }[0]
       ] AS other_sources, n.as_of AS as_of, n.confidence AS confidence,
       coalesce(COLLECT { MATCH (why:Rationale {id: n.rationale_id})
                          RETURN why.text }[0], '') AS rationale
