"""Benchmarks for reex-research: a synthetic corpus generator and a timing script (see README.md)."""
