"""The local Neo4j server launcher (Maven Central jars, no Docker): tooling beside the graph model."""
