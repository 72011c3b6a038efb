"""Transformer Playground: a compact Transformer you can train, step through and sample from."""

__version__ = "0.1.0"
