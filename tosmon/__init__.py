"""tosmon: watch platforms' terms, keep every version, flag AI-training clauses, alert."""

__version__ = "0.1.0"
