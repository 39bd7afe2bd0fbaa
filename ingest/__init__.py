"""Loaders: one per source, each turning raw files into validated tables and a GraphData
fragment."""
