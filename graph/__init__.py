"""The graph: schema, GraphData (the one seam between ingest, stores and engine), stores."""

from riskgraph.graph.model import Edge, GraphData, Node

__all__ = ["Edge", "GraphData", "Node"]
