"""Benchmarks: a generator that grows the graph with synthetic data, and a side-by-side benchmark runner."""
