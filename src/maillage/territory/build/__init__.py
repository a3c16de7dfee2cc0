"""Build a territory's dataset folder from the national open-data files (issue 17, ADR 0011).

``builder`` (entry point) → ``sources`` (which file is what) → ``perimeter`` (communes and
neighbours) → ``extracts`` (one per national file, read by ``vector`` or ``tables``) →
``writing`` (manifest.yaml, SOURCES.md); ``catalogue`` knows the national files; ``bpe`` cuts
the INSEE BPE with the verified TYPEQU table of ``maillage.territory.bpe_codes``
(``maillage.directory.dataset_kinds_bpe`` loads its extract).
"""

from maillage.territory.loader import commune_of

from .builder import build_territory
from .common import BuildReport

__all__ = ["BuildReport", "build_territory", "commune_of"]
