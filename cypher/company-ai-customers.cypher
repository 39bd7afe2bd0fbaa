// Question: Who pays a company for AI infrastructure, how much a year, and on what evidence?
//   The AI spend flows (SELLS_TO, USD million a year) behind `riskgraph exposure` and the
//   money model of upstream shocks: one row per flow, with its range, basis, contract term,
//   confidence, source and rationale.  A company without rows is not measured, not zero.
// Parameters:
//   company (str) node id of the selling company [default: company:vertiv]
// Example: riskgraph query company-ai-customers --param company=company:arista
// Returns: customer, customer_name, category, year, start, end, amount_usd_m, amount_low_usd_m, amount_high_usd_m, basis, confidence, source, rationale
MATCH (c:Company {id: $company})-[r:SELLS_TO]->(k:Entity)
RETURN k.id AS customer, k.name AS customer_name, r.category AS category, r.year AS year,
       r.start AS start, r.end AS end, r.amount AS amount_usd_m,
       r.amount_low AS amount_low_usd_m, r.amount_high AS amount_high_usd_m,
       r.basis AS basis, r.confidence AS confidence,
       COLLECT { MATCH (src:Source {id: r.source_id})
                 RETURN coalesce(src.head, src.citation)
                        + coalesce(' line ' + toString(r.source_line),
                                   ' lines ' + r.source_lines, '')
                        + coalesce(src.tail, '') }[0] AS source,
       coalesce(COLLECT { MATCH (why:Rationale {id: r.rationale_id})
                          RETURN why.text }[0], '') AS rationale
ORDER BY year, amount_usd_m DESC, customer, category
