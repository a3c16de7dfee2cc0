"""Build a territory's dataset folder from the national open-data files (issue 17, ADR 0011)."""

from .builder import BuildReport, build_territory, commune_of

__all__ = ["BuildReport", "build_territory", "commune_of"]
