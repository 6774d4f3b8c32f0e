"""qualcode: local-first qualitative coding of interview and focus-group transcripts."""

__version__ = "0.1.0"
