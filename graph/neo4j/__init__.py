"""Neo4j as a store of GraphData: connection, error mapping, queries, rows, store, bulk writer."""
