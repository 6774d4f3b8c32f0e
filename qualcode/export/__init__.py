"""Exports for the report: quote lists per theme."""
