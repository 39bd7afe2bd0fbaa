// Question: Who supplies a company, with what share?  Covers SUPPLIES, POWERS,
//   MANUFACTURES, PACKAGES and DESIGNS into the company, plus the clouds it runs on
//   (RUNS_ON) and the accelerator families it owns (OWNS), which supply it in the
//   supply-flow sense.
// Parameters:
//   company (str) node id of the company [default: company:openai]
// Example: riskgraph query company-suppliers --param company=company:microsoft
// Returns: supplier, supplier_name, relationship, share, sales_share, confidence, source
MATCH (c:Company {id: $company})
CALL (c) {
  MATCH (s:Entity)-[r:SUPPLIES|POWERS|MANUFACTURES|PACKAGES|DESIGNS]->(c)
  RETURN s, r
  UNION
  MATCH (c)-[r:RUNS_ON|OWNS]->(s:Entity)
  RETURN s, r
}
RETURN s.id AS supplier, s.name AS supplier_name, type(r) AS relationship,
       r.weight AS share, r.sales_share AS sales_share, r.confidence AS confidence,
       COLLECT { MATCH (src:Source {id: r.source_id})
                 RETURN coalesce(src.head, src.citation)
                        + coalesce(' line ' + toString(r.source_line),
                                   ' lines ' + r.source_lines, '')
                        + coalesce(src.tail, '') }[0] AS source
ORDER BY share DESC, supplier, relationship
