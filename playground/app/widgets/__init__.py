"""Reusable Qt widgets of the panels: plots, token views, small editors."""
