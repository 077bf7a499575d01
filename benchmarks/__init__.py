"""Benchmarks of the import path; see benchmarks/README.md."""
