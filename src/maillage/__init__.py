"""Maillage: a platform to run a French Convention Territoriale Globale (CTG)."""

__version__ = "0.1.0"
