// Question: Which minerals are the most concentrated (Herfindahl-Hirschman index of producer
//   shares, 0-10000, USGS default series)?
// Parameters:
//   limit (int) how many minerals [default: 20]
// Example: riskgraph query minerals-by-hhi --param limit=10
// Returns: mineral, name, hhi, year, top_producer, top_share
MATCH (m:Mineral)
WHERE m.hhi IS NOT NULL
RETURN m.id AS mineral, m.name AS name, m.hhi AS hhi, m.hhi_year AS year,
       m.usgs_top_producer AS top_producer, m.usgs_top_share AS top_share
ORDER BY hhi DESC, mineral
LIMIT $limit
