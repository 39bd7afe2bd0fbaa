"""riskgraph: the supply chain of artificial intelligence as a knowledge graph.

The import package maps the repository folders ``graph/``, ``ingest/``, ``engine/``,
``cypher/`` and ``cli/`` to ``riskgraph.graph``, ``riskgraph.ingest`` and so on.
"""

__version__ = "0.1.0"
