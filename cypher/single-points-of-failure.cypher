// Question: Which inputs have one provider (company or country) holding at least a given
//   market share (newest CSET figures)?
// Parameters:
//   share (float) minimum market share of the single provider, 0-1 [default: 0.8]
// Example: riskgraph query single-points-of-failure --param share=0.9
// Returns: input, input_name, provider, provider_name, provider_kind, share, as_of, source
MATCH (p:Entity)-[r:PROVIDES]->(i:Input)
WHERE r.weight >= $share AND coalesce(r.newest, true)
RETURN i.id AS input, i.name AS input_name, p.id AS provider, p.name AS provider_name,
       p.kind AS provider_kind, r.weight AS share, r.as_of AS as_of,
       COLLECT { MATCH (src:Source {id: r.source_id})
                 RETURN coalesce(src.head, src.citation)
                        + coalesce(' line ' + toString(r.source_line),
                                   ' lines ' + r.source_lines, '')
                        + coalesce(src.tail, '') }[0] AS source
ORDER BY share DESC, input, provider
