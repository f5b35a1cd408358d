"""Benchmarks: ``python -m bench generate`` then ``python -m bench run`` (see docs/bench.md)."""
