"""Benchmark scripts (not tests); each writes its section of ``docs/benchmarks.md``."""
