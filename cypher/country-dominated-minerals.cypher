// Question: In which minerals does a country hold at least a given share of world
//   production (USGS default series)?
// Parameters:
//   country (str) node id of the country [default: country:CN]
//   share (float) minimum share of world production, 0-1 [default: 0.5]
// Example: riskgraph query country-dominated-minerals --param country=country:CN --param share=0.6
// Returns: mineral, mineral_name, share, year, hhi
MATCH (c:Country {id: $country})-[r:PRODUCES]->(m:Mineral)
WHERE r.default = true AND r.weight >= $share
RETURN m.id AS mineral, m.name AS mineral_name, r.weight AS share, r.year AS year,
       m.hhi AS hhi
ORDER BY share DESC, mineral
