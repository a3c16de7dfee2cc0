"""Load a territory's dataset folder, described by its ``manifest.yaml``.

The load runs in two phases: every file is read and validated first (nothing is written when
one fails), then every record is written in one transaction. Writes are upserts on natural keys,
so that loading twice changes nothing; ``dry_run`` rolls the transaction back and reports what
would change.

Each file has a *kind*; apps register the kinds they know with :func:`register_kind`
(the territory kinds live in :mod:`maillage.territory.dataset_kinds`).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.db import models, transaction

from maillage.interop.tabular import Limits, TableError, read_table

from .errors import DatasetError
from .models import Commune, DatasetSource, Territory

DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"
REQUIRED_FILE_KEYS = ("path", "kind", "title", "licence")
# Dataset tables are read from disk by an administrator, not uploaded: wider limits than uploads,
# so that a national file (e.g. INSEE RP by IRIS, ~50 000 rows) can be given as is and filtered
# to the perimeter by its kind.
# Trusted files: no cell limit below what a 100 MB CSV can hold (2 bytes a cell at least).
DATASET_TABLE_LIMITS = Limits(
    max_bytes=100 * 1024 * 1024, max_rows=200_000, max_columns=1_000, max_cells=50_000_000
)


# Municipal arrondissements of Paris, Lyon and Marseille: INSEE and Éducation nationale files
# often give them where ADMIN EXPRESS gives the commune (national facts, not a territory's).
ARRONDISSEMENTS = {
    **{str(75100 + i): "75056" for i in range(1, 21)},
    **{str(69380 + i): "69123" for i in range(1, 10)},
    **{str(13200 + i): "13055" for i in range(1, 17)},
}


def commune_of(code: str) -> str:
    """The commune of an INSEE code (a municipal arrondissement gives its commune)."""
    return ARRONDISSEMENTS.get(code, code)


@dataclass(frozen=True)
class FileSpec:
    """One entry of the manifest's ``files`` list."""

    path: str
    kind: str
    title: str
    licence: str
    producer: str = ""
    source_url: str = ""
    origin: str = ""
    vintage: str = ""
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    directory: Path
    slug: str
    name: str
    description: str
    communes: tuple[str, ...]
    neighbours: tuple[str, ...]
    period: tuple[int, int]
    files: tuple[FileSpec, ...]

    @property
    def perimeter_codes(self) -> set[str]:
        return set(self.communes) | set(self.neighbours)


@dataclass
class LoadContext:
    """What handlers share during a load."""

    manifest: Manifest
    territory: Territory | None = None
    sources: dict[str, DatasetSource] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    progress: Callable[[str], None] | None = None

    def source(self, spec: FileSpec) -> DatasetSource:
        return self.sources[spec.path]

    def count(self, model: type[models.Model], outcome: str, n: int = 1) -> None:
        self.counts[(str(model._meta.verbose_name_plural), outcome)] += n


@dataclass(frozen=True)
class KindHandler:
    parse: Callable[[FileSpec, Path, Manifest], Any]
    write: Callable[[FileSpec, Any, LoadContext], None]
    order: int


_KINDS: dict[str, KindHandler] = {}


def register_kind(
    name: str,
    *,
    parse: Callable[[FileSpec, Path, Manifest], Any],
    write: Callable[[FileSpec, Any, LoadContext], None],
    order: int,
) -> None:
    """Register a file kind: ``parse`` validates (no DB write), ``write`` upserts."""
    _KINDS[name] = KindHandler(parse=parse, write=write, order=order)


def known_kinds() -> list[str]:
    return sorted(_KINDS)


@dataclass(frozen=True)
class LoadReport:
    territory: str
    dry_run: bool
    counts: dict[tuple[str, str], int]

    @property
    def changed(self) -> int:
        return sum(n for (_, outcome), n in self.counts.items() if outcome != "inchangé")

    def lines(self) -> list[str]:
        by_model: dict[str, Counter] = {}
        for (model, outcome), n in sorted(self.counts.items()):
            by_model.setdefault(model, Counter())[outcome] += n
        return [
            f"{model} : " + ", ".join(f"{n} {outcome}" for outcome, n in sorted(c.items()))
            for model, c in by_model.items()
        ]


# --------------------------------------------------------------------------- reading helpers


def read_text(path: Path, name: str) -> str:
    if not path.is_file():
        raise DatasetError("fichier introuvable.", file=name)
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DatasetError(
            "le fichier n'est pas encodé en UTF-8.", file=name, location=f"ligne {line}"
        ) from exc


def read_json(path: Path, name: str) -> Any:
    text = read_text(path, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"JSON invalide ({exc.msg}).", file=name, location=f"ligne {exc.lineno}"
        ) from exc


def read_features(path: Path, name: str) -> list[dict]:
    data = read_json(path, name)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise DatasetError("ce n'est pas une FeatureCollection GeoJSON.", file=name)
    features = data.get("features")
    if not isinstance(features, list):
        raise DatasetError("la liste « features » manque.", file=name)
    for i, feat in enumerate(features, start=1):
        if not isinstance(feat, dict) or not isinstance(feat.get("properties"), dict):
            raise DatasetError("entité sans propriétés.", file=name, location=f"entité n° {i}")
        geom = feat.get("geometry")
        if not isinstance(geom, dict) or "type" not in geom or "coordinates" not in geom:
            raise DatasetError(
                "géométrie absente ou invalide.",
                file=name,
                location=f"entité n° {i}",
                field="geometry",
            )
    return features


def dataset_error(exc: TableError, *, name: str) -> DatasetError:
    """The one mapping of a :class:`TableError` onto the loader's :class:`DatasetError`.

    ``name`` is the file's path in the manifest (the table error only knows its base name).
    """
    return DatasetError(
        exc.located_detail,
        file=name,
        location=f"ligne {exc.row}" if exc.row is not None else None,
        field=exc.field,
    )


def read_csv_rows(
    path: Path, name: str, required: Iterable[str]
) -> list[tuple[int, dict[str, str]]]:
    """Read a dataset table and return ``(line number, row)`` pairs; values are stripped text.

    Reading goes through :func:`maillage.interop.tabular.read_table`, like every other import:
    CSV in UTF-8 (with or without BOM) or Windows-1252, ``;``, ``,`` or tab delimited (XLSX and
    ODS by their extension). Every ``required`` column must be in the header.
    """
    if not path.is_file():
        raise DatasetError("fichier introuvable.", file=name)
    limits = DATASET_TABLE_LIMITS
    with path.open("rb") as handle:  # one byte past the limit is enough for tabular to refuse
        data = handle.read(limits.max_bytes + 1)
    try:
        table = read_table(data, filename=name, limits=limits)
    except TableError as exc:
        raise dataset_error(exc, name=name) from exc
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise DatasetError(
            "colonne absente de l'en-tête.",
            file=name,
            location=f"ligne {table.header_line}",
            field=", ".join(missing),
        )
    return table.rows


def to_float(value: Any, *, name: str, location: str, field_name: str) -> float:
    try:
        number = float(str(value).replace(",", ".")) if value not in (None, "") else None
    except ValueError:
        number = None
    if number is None or number != number:
        raise DatasetError(
            f"nombre attendu, trouvé « {value} ».", file=name, location=location, field=field_name
        )
    return number


def prop(feature: dict, key: str, *, name: str, index: int, required: bool = True) -> Any:
    value = feature["properties"].get(key)
    if required and value in (None, ""):
        raise DatasetError("valeur manquante.", file=name, location=f"entité n° {index}", field=key)
    return value


# --------------------------------------------------------------------------- upsert


M = TypeVar("M", bound=models.Model)


def _same(obj: models.Model, name: str, value: Any) -> bool:
    """Whether ``obj.name`` equals ``value``; a foreign key is compared by its id, without
    fetching the related row (one query per row saved on every reload)."""
    field = obj._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        if value is None or isinstance(value, models.Model):
            return getattr(obj, field.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value


def upsert(ctx: LoadContext, model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """Create or update one row; count it as « créé », « modifié » or « inchangé »."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
        ctx.count(model, "créé")
        return obj
    changed = [k for k, v in values.items() if not _same(obj, k, v)]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        ctx.count(model, "modifié")
    else:
        ctx.count(model, "inchangé")
    return obj


# --------------------------------------------------------------------------- manifest


def resolve_dataset(name_or_path: str) -> Path:
    """Return the folder of an embedded dataset (``armentieres``) or of a path."""
    candidate = Path(name_or_path)
    if candidate.is_dir():
        return candidate.resolve()
    embedded = DATASETS_DIR / name_or_path
    if embedded.is_dir():
        return embedded
    raise DatasetError(f"jeu de données « {name_or_path} » introuvable (ni dossier, ni intégré).")


def read_manifest(directory: Path) -> Manifest:
    name = "manifest.yaml"
    text = read_text(directory / name, name)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = f"ligne {mark.line + 1}" if mark else None
        raise DatasetError("YAML invalide.", file=name, location=loc) from exc
    if not isinstance(data, dict):
        raise DatasetError("le manifeste doit être un dictionnaire.", file=name)
    terr = data.get("territory")
    if not isinstance(terr, dict):
        raise DatasetError("section absente.", file=name, field="territory")
    for key in ("slug", "name", "communes", "period"):
        if not terr.get(key):
            raise DatasetError("valeur manquante.", file=name, location="territory", field=key)
    period = terr["period"]
    if not (
        isinstance(period, list) and len(period) == 2 and all(isinstance(p, int) for p in period)
    ):
        raise DatasetError(
            "deux années attendues, ex. [2023, 2026].",
            file=name,
            location="territory",
            field="period",
        )
    files = []
    for i, entry in enumerate(data.get("files") or [], start=1):
        loc = f"fichier n° {i} de la liste"
        if not isinstance(entry, dict):
            raise DatasetError("entrée invalide.", file=name, location=loc)
        for key in REQUIRED_FILE_KEYS:
            if not entry.get(key):
                raise DatasetError("valeur manquante.", file=name, location=loc, field=key)
        if entry["kind"] not in _KINDS:
            raise DatasetError(
                f"type « {entry['kind']} » inconnu (connus : {', '.join(known_kinds())}).",
                file=name,
                location=loc,
                field="kind",
            )
        known = {f for f in FileSpec.__dataclass_fields__ if f != "options"}
        files.append(
            FileSpec(
                **{k: str(entry.get(k) or "") for k in known},
                options={k: v for k, v in entry.items() if k not in known},
            )
        )
    return Manifest(
        directory=directory,
        slug=str(terr["slug"]),
        name=str(terr["name"]),
        description=str(terr.get("description") or ""),
        communes=tuple(str(c) for c in terr["communes"]),
        neighbours=tuple(str(c) for c in terr.get("neighbours") or ()),
        period=(period[0], period[1]),
        files=tuple(files),
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _DryRunRollback(Exception):
    pass


def load_dataset(
    name_or_path: str,
    *,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Validate then load a dataset; nothing is written if any file is invalid."""
    directory = resolve_dataset(name_or_path)
    manifest = read_manifest(directory)
    ordered = sorted(manifest.files, key=lambda s: _KINDS[s.kind].order)
    parsed = []
    for spec in ordered:
        if progress:
            progress(f"Lecture de {spec.path}")
        parsed.append((spec, _KINDS[spec.kind].parse(spec, directory / spec.path, manifest)))
    ctx = LoadContext(manifest=manifest, progress=progress)
    try:
        with transaction.atomic():
            _write_territory(ctx, directory)
            for spec, records in parsed:
                if progress:
                    progress(f"Enregistrement de {spec.path}")
                _KINDS[spec.kind].write(spec, records, ctx)
            if ctx.counts and any(o != "inchangé" for (_, o) in ctx.counts):
                assert ctx.territory is not None  # written first, by _write_territory
                Territory.objects.filter(pk=ctx.territory.pk).update(
                    data_version=models.F("data_version") + 1
                )
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return LoadReport(territory=manifest.slug, dry_run=dry_run, counts=dict(ctx.counts))


def _write_territory(ctx: LoadContext, directory: Path) -> None:
    m = ctx.manifest
    ctx.territory = upsert(
        ctx,
        Territory,
        {"slug": m.slug},
        {
            "name": m.name,
            "description": m.description,
            "period_start": m.period[0],
            "period_end": m.period[1],
        },
    )
    for spec in m.files:
        ctx.sources[spec.path] = upsert(
            ctx,
            DatasetSource,
            {"territory": ctx.territory, "path": spec.path},
            {
                "title": spec.title,
                "producer": spec.producer,
                "source_url": spec.source_url,
                "licence": spec.licence,
                "vintage": spec.vintage,
                "sha256": _sha256(directory / spec.path),
            },
        )


def link_territory_communes(ctx: LoadContext) -> None:
    """Attach the manifest's communes and neighbours to the territory (after communes load)."""
    m = ctx.manifest
    for field_name, codes in (("communes", m.communes), ("neighbours", m.neighbours)):
        wanted = set(Commune.objects.filter(insee_code__in=codes))
        missing = set(codes) - {c.insee_code for c in wanted}
        if missing:
            raise DatasetError(
                f"commune(s) {', '.join(sorted(missing))} absente(s) des contours chargés.",
                file="manifest.yaml",
                location="territory",
                field=field_name,
            )
        manager = getattr(ctx.territory, field_name)
        if set(manager.all()) != wanted:
            manager.set(wanted)
            ctx.count(Territory, "modifié")
