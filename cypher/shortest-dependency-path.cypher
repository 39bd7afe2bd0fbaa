// Question: What is the shortest chain of supply relationships between two nodes (either
//   direction, supply relationships only: no HEADQUARTERED_IN, PART_OF, IS_TYPE_OF,
//   INVESTS_IN)?
// Parameters:
//   from (str) node id where the path starts [default: mineral:gallium]
//   to (str) node id where the path ends [default: company:openai]
// Example: riskgraph query shortest-dependency-path --param from=mineral:gallium --param to=company:openai
// Returns: hops, path (node ids), types (relationship types along the path)
MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
MATCH p = shortestPath((a)-[:PRODUCES|INPUT_TO|PROVIDES|SUPPLIES|MANUFACTURES|DESIGNS|PACKAGES|POWERS|OWNS|RUNS_ON*..12]-(b))
RETURN length(p) AS hops, [n IN nodes(p) | n.id] AS path,
       [r IN relationships(p) | type(r)] AS types
