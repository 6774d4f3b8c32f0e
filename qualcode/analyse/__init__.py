"""Analyse a coded project: theme reports, charts, agreement between coders, consensus."""
