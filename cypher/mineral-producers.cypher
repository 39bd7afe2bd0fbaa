// Question: Which countries produce a mineral, with what share of world production (the
//   USGS default series: newest release, the mineral's default production type)?
// Parameters:
//   mineral (str) node id of the mineral [default: mineral:gallium]
// Example: riskgraph query mineral-producers --param mineral=mineral:germanium
// Returns: country, country_name, share, year, production_type, release, source
MATCH (c:Country)-[r:PRODUCES]->(m:Mineral {id: $mineral})
WHERE r.default = true
RETURN c.id AS country, c.name AS country_name, r.weight AS share, r.year AS year,
       r.production_type AS production_type, r.release AS release,
       COLLECT { MATCH (src:Source {id: r.source_id})
                 RETURN coalesce(src.head, src.citation)
                        + coalesce(' line ' + toString(r.source_line),
                                   ' lines ' + r.source_lines, '')
                        + coalesce(src.tail, '') }[0] AS source
ORDER BY share DESC, country
