// Question: Which relationships rest on the team's own estimates rather than a cited
//   figure, and why (their one-line rationale)?  Per relationship type, a page at a time.
//   Each type is read in the order of its key index (the uniqueness constraint on r.kid), so
//   a page costs its skip + limit rows per type, not a scan and sort of every relationship.
// Parameters:
//   type (str) relationship type, or ALL [default: ALL]
//   limit (int) rows per page (the order is type, then kid: the key's hash) [default: 1000]
//   skip (int) rows to skip: the next page starts at skip + limit [default: 0]
// Example: riskgraph query estimated-relationships --param type=SUPPLIES
// Returns: type, start, end, key, weight, rationale, source
CALL () {
  MATCH ()-[r:DESIGNS]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'DESIGNS' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'DESIGNS'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:GOES_INTO]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'GOES_INTO' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'GOES_INTO'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:HEADQUARTERED_IN]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'HEADQUARTERED_IN' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'HEADQUARTERED_IN'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:INPUT_TO]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'INPUT_TO' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'INPUT_TO'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:INVESTS_IN]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'INVESTS_IN' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'INVESTS_IN'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:IS_TYPE_OF]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'IS_TYPE_OF' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'IS_TYPE_OF'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:LOCATED_IN]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'LOCATED_IN' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'LOCATED_IN'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:MANUFACTURES]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'MANUFACTURES' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'MANUFACTURES'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:OWNS]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'OWNS' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'OWNS'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:PACKAGES]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'PACKAGES' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'PACKAGES'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:PART_OF]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'PART_OF' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'PART_OF'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:POWERS]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'POWERS' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'POWERS'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:PRODUCES]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'PRODUCES' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'PRODUCES'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:PROVIDES]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'PROVIDES' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'PROVIDES'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:RUNS_ON]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'RUNS_ON' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'RUNS_ON'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:SELLS_TO]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'SELLS_TO' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'SELLS_TO'] THEN $skip + $limit ELSE 0 END
  UNION ALL
  MATCH ()-[r:SUPPLIES]->() WHERE r.kid IS NOT NULL AND r.confidence = 'estimated'
  RETURN 'SUPPLIES' AS type, r ORDER BY r.kid
  LIMIT CASE WHEN $type IN ['ALL', 'SUPPLIES'] THEN $skip + $limit ELSE 0 END
}
WITH type, r ORDER BY type, r.kid SKIP $skip LIMIT $limit
MATCH (a:Entity)-[r]->(b:Entity)
RETURN type, a.id AS start, b.id AS end,
       coalesce(r.key, a.id + '|' + type + '|' + b.id + coalesce('|' + r.key_tail, '')) AS key,
       r.weight AS weight,
       coalesce(COLLECT { MATCH (why:Rationale {id: r.rationale_id})
                          RETURN why.text }[0], '') AS rationale,
       COLLECT { MATCH (src:Source {id: r.source_id})
                 RETURN coalesce(src.head, src.citation)
                        + coalesce(' line ' + toString(r.source_line),
                                   ' lines ' + r.source_lines, '')
                        + coalesce(src.tail, '') }[0] AS source
ORDER BY type, r.kid
