"""De-duplication and record linkage of persons (Splink 5, DuckDB by default).

Django-free core. See docs/matching.md for the model and its figures.
"""
