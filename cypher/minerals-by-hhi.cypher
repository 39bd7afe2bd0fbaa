// Question: Which minerals are the most concentrated (Herfindahl-Hirschman index of producer
//   shares, 0-10000, USGS default series)?
// Parameters:
//   limit (int) how many minerals [default: 20]
// Example: riskgraph query minerals-by-hhi --param limit=10
// Returns: mineral, name, hhi, year, top_producer, top_share_pct, coverage_pct
// Notes: Shares in percent, as the HHI counts them (HHI = sum of squared shares in %, 0..10000).
//   coverage_pct: the counted countries' share of the reported world total; null when the source
//   gives no world total.  A mineral whose production is partly unknown (no world total and rows
//   without a figure) has no HHI and is not ranked.
MATCH (m:Mineral)
WHERE m.hhi IS NOT NULL
RETURN m.id AS mineral, m.name AS name, m.hhi AS hhi, m.hhi_year AS year,
       m.usgs_top_producer AS top_producer,
       round(1000 * m.usgs_top_share) / 10.0 AS top_share_pct,
       round(1000 * m.hhi_coverage) / 10.0 AS coverage_pct
ORDER BY hhi DESC, mineral
LIMIT $limit
