"""Writes and use cases of the registry, one module per use case."""
