"""BAN-format files for tests and benchmarks — *exemple fictif*.

Every street written here is invented and says so in its name (« Rue Fictive des Tilleuls »),
every identifier starts with ``fictif``, and positions are spread around a point given by the
caller: these files are never mixed with the real dataset. Same seed, same file.
"""

from __future__ import annotations

import gzip
import io
import random
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .ban_format import BAN_HEADER

LABEL = "exemple fictif"

# (type, name): the names carry « Fictif/Fictive » and exercise accents and abbreviations.
STREETS: tuple[tuple[str, str], ...] = (
    ("Rue", "Fictive des Tilleuls"),
    ("Avenue", "du Général Fictif"),
    ("Boulevard", "de l'Exemple Fictif"),
    ("Place", "Fictive de l'Église"),
    ("Chemin", "Fictif des Prés"),
    ("Impasse", "Fictive du Moulin"),
    ("Allée", "des Érables Fictifs"),
    ("Route", "Fictive de la Gare"),
    ("Faubourg", "Fictif Saint-Exemple"),
    ("Square", "Fictif des Écoles"),
    ("Rue", "Fictive Jean Exemple"),
    ("Quai", "Fictif du Canal"),
)
REPS = ("bis", "bis", "ter", "ter", "a", "b", "quater")


@dataclass(frozen=True)
class Commune:
    code_insee: str
    nom: str
    code_postal: str
    lon: float
    lat: float


def ban_row(
    *,
    commune: Commune,
    nom_voie: str,
    numero: int | None,
    rep: str = "",
    lon: float,
    lat: float,
    ident: str = "",
) -> list[str]:
    """One row of the published BAN CSV (23 fields), positions in WGS84."""
    values = dict.fromkeys(BAN_HEADER, "")
    number = "" if numero is None else str(numero)
    values.update(
        id=ident
        or f"fictif_{commune.code_insee}_{zlib.crc32(nom_voie.encode()) % 10**5:05d}_{number}{rep}",
        numero=number,
        rep=rep,
        nom_voie=nom_voie,
        code_postal=commune.code_postal,
        code_insee=commune.code_insee,
        nom_commune=commune.nom,
        lon=f"{lon:.6f}",
        lat=f"{lat:.6f}",
        type_position="entrée",
        libelle_acheminement=commune.nom.upper(),
        source_position="commune",
        source_nom_voie="commune",
        certification_commune="0",
    )
    return [values[h] for h in BAN_HEADER]


def commune_rows(
    commune: Commune,
    *,
    streets: int = len(STREETS),
    numbers: int = 40,
    seed: int = 15,
) -> Iterator[list[str]]:
    """``numbers`` numbers on each of ``streets`` streets of one commune, a quarter of them with a
    second address « bis », « ter », « a »… beside the plain one, around the commune's point."""
    rng = random.Random(f"{seed}-{commune.code_insee}")
    for s in range(streets):
        kind, name = STREETS[s % len(STREETS)]
        suffix = "" if s < len(STREETS) else f" {s // len(STREETS) + 1}"
        nom_voie = f"{kind} {name}{suffix}"
        lon0 = commune.lon + rng.uniform(-0.015, 0.015)
        lat0 = commune.lat + rng.uniform(-0.01, 0.01)
        for n in range(1, numbers + 1):
            lon, lat = lon0 + n * 0.00012, lat0 + (n % 2) * 0.00015
            yield ban_row(commune=commune, nom_voie=nom_voie, numero=n, lon=lon, lat=lat)
            if n > 1 and rng.random() < 0.25:  # « 21 » and « 21 bis » side by side
                rep = REPS[rng.randrange(len(REPS))]
                yield ban_row(
                    commune=commune,
                    nom_voie=nom_voie,
                    numero=n,
                    rep=rep,
                    lon=lon + 0.00004,
                    lat=lat,
                )


def write_ban_file(path: Path, rows: Iterable[Sequence[str]], *, compress: bool | None = None):
    """Write ``rows`` under the BAN header to ``path`` (gzip when it ends in ``.gz``)."""
    path = Path(path)
    compress = path.suffix == ".gz" if compress is None else compress
    raw = gzip.open(path, "wb", compresslevel=1) if compress else open(path, "wb")  # noqa: SIM115
    with raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as out:
        out.write(";".join(BAN_HEADER) + "\n")
        for row in rows:
            out.write(";".join(row) + "\n")
    return path
