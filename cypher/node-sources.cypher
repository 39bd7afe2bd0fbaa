// Question: Where does a node come from: its source, the other sources that name it, its
//   date, confidence and rationale?
// Parameters:
//   id (str) node id [default: company:tsmc]
// Example: riskgraph query node-sources --param id=mineral:gallium
// Returns: id, name, kind, labels, source, other_sources, as_of, confidence, rationale
MATCH (n:Entity {id: $id})
RETURN n.id AS id, n.name AS name, n.kind AS kind,
       [l IN labels(n) WHERE l <> 'Entity' | l] AS labels, n.source AS source,
       n.other_sources AS other_sources, n.as_of AS as_of, n.confidence AS confidence,
       n.rationale AS rationale
