"""Load the Base Adresse Nationale CSV into the address table: :func:`ban_load`.

The published file (``adresses-59.csv.gz`` for a département, ``adresses-59017.csv.gz`` for a
commune; separator ``;``, UTF-8, gzip or not) is read as a stream: only the rows of the
territory's communes are kept, written in batches, so memory does not grow with the file
(a département holds ~1.5 M rows). One transaction: the communes' previous addresses are
replaced, or nothing is written at all when a kept row is wrong (French message naming the
file, the row and the field) — so the command is safe to run again.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from maillage.territory.geo import in_france
from maillage.territory.models import Territory
from maillage.territory.services import territory_touch

from .ban_format import BAN_HEADER
from .models import Address, AddressLoad
from .normalize import street_key

# The loader needs these columns of BAN_HEADER, in any order.
REQUIRED = ("id", "numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune")
POSITION = ("lon", "lat")
BATCH = 5000
PROGRESS_EVERY = 20_000  # rows between two progress reports
LIMITS = {"id": 60, "nom_voie": 250, "nom_commune": 200, "rep": 20}


class BanLoadError(Exception):
    """A French message naming the file, and the row and field when one is at fault."""


@dataclass(frozen=True)
class BanLoadReport:
    file_name: str
    rows_read: int
    rows_kept: int
    communes: dict[str, int] = field(default_factory=dict)  # INSEE code → addresses kept
    replaced: int = 0  # addresses of these communes before the load
    seconds: float = 0.0


def _open_text(path: Path) -> tuple[io.BufferedReader, io.TextIOWrapper]:
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
    magic = raw.peek(2)[:2]
    stream = gzip.GzipFile(fileobj=raw, mode="rb") if magic == b"\x1f\x8b" else raw
    return raw, io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")


def _header(name: str, header: list[str] | None) -> dict[str, int]:
    if not header:
        raise BanLoadError(_("Fichier « %(f)s » : il est vide.") % {"f": name})
    columns = {h.strip().lower(): i for i, h in enumerate(header)}
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        raise BanLoadError(
            _("Fichier « %(f)s » : séparateur attendu « ; » (format publié de la BAN).")
            % {"f": name}
        )
    missing = [c for c in (*REQUIRED, *POSITION) if c not in columns]
    if missing:
        raise BanLoadError(
            _(
                "Fichier « %(f)s », ligne 1 : colonnes manquantes %(cols)s ; attendu l'en-tête "
                "de la Base Adresse Nationale (%(header)s…)."
            )
            % {
                "f": name,
                "cols": ", ".join(f"« {c} »" for c in missing),
                "header": ";".join(BAN_HEADER[:8]),
            }
        )
    return columns


def _error(name: str, line: int, column: str, message: str) -> BanLoadError:
    return BanLoadError(
        _("Fichier « %(f)s », ligne %(n)d, champ « %(c)s » : %(m)s")
        % {"f": name, "n": line, "c": column, "m": message}
    )


# Columns written by one INSERT per batch (executemany: the ORM's per-object work would cost
# more than reading the whole file).
COLUMNS = (
    "load_id", "ban_id", "code_insee", "nom_commune", "code_postal", "numero", "rep",
    "nom_voie", "voie_key", "lon", "lat",
)  # fmt: skip
_street_key = lru_cache(maxsize=20_000)(street_key)  # a street has many numbers


def _insert(rows: list[tuple[Any, ...]]) -> None:
    table = connection.ops.quote_name(Address._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _address(
    name: str, line: int, row: list[str], col: dict[str, int], load_id: int
) -> tuple[Any, ...]:
    """The values of COLUMNS for one kept row, checked field by field."""

    def value(column: str) -> str:
        text = row[col[column]].strip()
        if column in LIMITS and len(text) > LIMITS[column]:
            raise _error(name, line, column, _("plus de %(n)d caractères.") % {"n": LIMITS[column]})
        return text

    numero_text = value("numero")
    try:
        numero = int(numero_text) if numero_text else None
    except ValueError:
        raise _error(
            name, line, "numero", _("« %(v)s » n'est pas un numéro.") % {"v": numero_text}
        ) from None
    if numero is not None and not 0 <= numero <= 99999:
        raise _error(name, line, "numero", _("« %(v)s » hors limites.") % {"v": numero_text})
    position = []
    for column in POSITION:
        text = value(column)
        if not text:
            raise _error(name, line, column, _("vide (la position est obligatoire)."))
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise _error(name, line, column, _("« %(v)s » n'est pas un nombre.") % {"v": text})
        position.append(number)
    lon, lat = position
    if not in_france(lon, lat):
        raise _error(
            name,
            line,
            "lon, lat",
            _("la position %(lon)s, %(lat)s n'est pas en France.") % {"lon": lon, "lat": lat},
        )
    voie = value("nom_voie")
    if not voie:
        raise _error(name, line, "nom_voie", _("vide."))
    ban_id = value("id")
    if not ban_id:
        raise _error(name, line, "id", _("vide."))
    return (
        load_id,
        ban_id,
        value("code_insee"),
        value("nom_commune"),
        value("code_postal")[:5],
        numero,
        value("rep").lower(),
        voie,
        _street_key(voie),
        lon,
        lat,
    )


def _rows(name: str, text: io.TextIOWrapper) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(text, delimiter=";")
    try:
        for row in reader:
            yield reader.line_num, row
    except UnicodeDecodeError:
        raise BanLoadError(
            _("Fichier « %(f)s », vers la ligne %(n)d : le texte n'est pas en UTF-8.")
            % {"f": name, "n": reader.line_num + 1}
        ) from None
    except (EOFError, gzip.BadGzipFile, zlib.error):
        raise BanLoadError(
            _("Fichier « %(f)s », vers la ligne %(n)d : archive gzip illisible ou tronquée.")
            % {"f": name, "n": reader.line_num + 1}
        ) from None
    except csv.Error as exc:
        raise BanLoadError(
            _("Fichier « %(f)s », ligne %(n)d : ligne CSV mal formée (%(e)s).")
            % {"f": name, "n": reader.line_num, "e": exc}
        ) from None


def ban_load(
    *,
    territory: Territory,
    path: Path,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
) -> BanLoadReport:
    """Replace the addresses of the territory's communes by those of the BAN file ``path``.

    ``progress(bytes_read)`` is called now and then with the position in the file (compressed
    bytes for a gzip file), for a progress bar. Raises :class:`BanLoadError` (nothing written).
    """
    path = Path(path)
    name = path.name
    codes = set(territory.communes.values_list("insee_code", flat=True))
    if not codes:
        raise BanLoadError(_("Le territoire « %(t)s » n'a pas de commune.") % {"t": territory})
    started = time.perf_counter()
    try:
        raw, text = _open_text(path)
    except OSError as exc:
        raise BanLoadError(
            _("Fichier « %(f)s » : lecture impossible (%(e)s).") % {"f": name, "e": exc.strerror}
        ) from None
    kept: Counter[str] = Counter()
    read = 0
    with raw, text, transaction.atomic():
        rows = _rows(name, text)
        col = _header(name, next(rows, (1, None))[1])
        width = len(col)
        insee = col["code_insee"]
        replaced = Address.objects.filter(code_insee__in=codes).count()
        Address.objects.filter(code_insee__in=codes).delete()
        load = AddressLoad.objects.create(
            territory=territory, file_name=name[:300], insee_codes=sorted(codes)
        )
        batch: list[tuple[Any, ...]] = []
        for line, row in rows:
            read += 1
            if progress and read % PROGRESS_EVERY == 0:
                progress(raw.tell())
            if len(row) != width:
                if not row:
                    continue
                raise BanLoadError(
                    _("Fichier « %(f)s », ligne %(n)d : %(got)d champs au lieu de %(want)d.")
                    % {"f": name, "n": line, "got": len(row), "want": width}
                )
            if row[insee] not in codes:
                continue
            batch.append(_address(name, line, row, col, load.pk))
            kept[row[insee]] += 1
            if len(batch) >= batch_size:
                _insert(batch)
                batch = []
        if batch:
            _insert(batch)
        if not kept:
            raise BanLoadError(
                _(
                    "Fichier « %(f)s » : aucune adresse des communes du territoire (%(codes)s) "
                    "parmi ses %(n)d lignes ; rien n'a été modifié."
                )
                % {"f": name, "codes": ", ".join(sorted(codes)), "n": read}
            )
        load.rows_read, load.rows_kept = read, sum(kept.values())
        load.save(update_fields=["rows_read", "rows_kept"])
        # Every territory with one of these communes (an EPCI holds its communes' addresses
        # too) now geocodes locally: its cached « BAN available » answer is renewed.
        for concerned in Territory.objects.filter(communes__insee_code__in=codes).distinct():
            territory_touch(territory=concerned)
        territory.refresh_from_db(fields=["data_version"])
    if progress:
        progress(path.stat().st_size)
    return BanLoadReport(
        file_name=name,
        rows_read=read,
        rows_kept=sum(kept.values()),
        communes=dict(sorted(kept.items())),
        replaced=replaced,
        seconds=time.perf_counter() - started,
    )
