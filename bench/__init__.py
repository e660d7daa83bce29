"""Benchmarks of Les emplois de l'inclusion: dataset generator, load and query benchmarks.

See bench/README.md and docs/performance.md.
"""
