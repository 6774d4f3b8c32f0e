"""Codings: what coders applied to turns, and moving them in and out."""
