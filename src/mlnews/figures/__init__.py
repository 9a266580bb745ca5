"""Figures for the issue: a paper's representative figure from its PDF, and any image made web-sized."""
