"""Whoosh search: Vietnamese analysis, indexes and queries. Built in its own issue."""
