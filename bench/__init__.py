"""Benchmarks and synthetic knowledge bases: tooling beside opskb, not part of its package.

Run from the repository root: ``python -m bench 1000 5000 10000``.
"""
