"""Dump a whole territory into a versioned archive (zip), to restore it elsewhere without loss.

The archive holds ``manifest.json`` (format name and version, territory, per-model counts, media
files), one JSON file per model (``data/<app>.<model>.json``, Django's serializer format with the
original primary keys) and the territory's uploaded files under ``media/``.

What is carried: every model of Maillage's apps that belongs to the territory — it has a
foreign key to :class:`Territory`, or a required foreign key to such a model, found by walking
the models, so a model added later is carried without code here — plus the shared reference
data the territory uses (communes, zones, population cells, statistics, typologies,
organisations, activity kinds, users and content types), matched on restore by natural keys
(:data:`SHARED`). Users are carried without password unless asked (``include_passwords``).
Models that belong to no territory (API tokens, invitations, login attempts) are not carried;
the manifest lists them.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from maillage.territory.models import Territory

FORMAT = "maillage-dump"
FORMAT_VERSION = 1
MAILLAGE_APPS = ("territory", "directory", "plan", "network", "accounts", "diagnostic")

# Shared reference data: matched by these natural keys on restore (never duplicated).
SHARED: dict[str, tuple[str, ...]] = {
    "contenttypes.contenttype": ("app_label", "model"),
    "auth.user": ("username",),
    "territory.commune": ("insee_code",),
    "territory.zone": ("kind", "code"),
    "territory.populationcell": ("cell_id",),
    "territory.cellzone": ("cell", "zone"),
    "territory.statistic": ("territory", "commune", "zone", "key", "vintage", "label"),
    "directory.typology": ("code",),
    "directory.organisation": ("slug",),
    "plan.activitykind": ("slug",),
}
USER_PRIVATE_FIELDS = ("password", "is_staff", "is_superuser", "last_login")
USER_DROPPED_M2M = ("groups", "user_permissions")


class DumpError(ValueError):
    """A dump cannot be written or restored; the message is French."""


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def maillage_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.app_label in MAILLAGE_APPS]


def _relations(model: type[models.Model]) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def owned_models(territory: Territory) -> dict[type[models.Model], models.QuerySet]:
    """Every non-shared Maillage model belonging to ``territory``, with its rows."""
    owned: dict[type[models.Model], models.QuerySet] = {
        Territory: Territory.objects.filter(pk=territory.pk)
    }
    candidates = [m for m in maillage_models() if label(m) not in SHARED and m is not Territory]
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model in owned:
                continue
            fks = _relations(model)
            direct = [f for f in fks if f.related_model is Territory]
            required = [f for f in fks if f.related_model in owned and not f.null]
            chosen = (direct or required or [None])[0]  # type: ignore[list-item]
            if chosen is None:
                # A row hanging on one of several optional parents (a gap link: an activity or
                # an échéance), once every parent model of the territory is known.
                parents = [f for f in fks if label(f.related_model) not in SHARED]
                optional = [f for f in parents if f.null and f.related_model in owned]
                if not optional or len(optional) < len(parents):
                    continue
                either = Q()
                for f in optional:
                    either |= Q(**{f"{f.name}__in": owned[f.related_model]})
                owned[model] = model._default_manager.filter(either)
                changed = True
                continue
            target = owned[chosen.related_model]
            owned[model] = model._default_manager.filter(**{f"{chosen.name}__in": target})
            changed = True
    return owned


def not_carried(territory: Territory) -> list[str]:
    owned = owned_models(territory)
    return sorted(label(m) for m in maillage_models() if m not in owned and label(m) not in SHARED)


def _shared_base(territory: Territory) -> dict[str, models.QuerySet]:
    t_models = {label(m): m for m in maillage_models()}
    Commune, Zone = t_models["territory.commune"], t_models["territory.zone"]
    PopulationCell = t_models["territory.populationcell"]
    Statistic = t_models["territory.statistic"]
    communes = Commune._default_manager.filter(
        Q(territories=territory) | Q(neighbour_of=territory)
    ).distinct()
    zones = Zone._default_manager.filter(Q(commune__in=communes) | Q(territory=territory))
    return {
        "territory.commune": communes,
        "territory.zone": zones,
        "territory.populationcell": PopulationCell._default_manager.filter(commune__in=communes),
        "territory.statistic": Statistic._default_manager.filter(
            Q(territory=territory) | Q(commune__in=communes) | Q(zone__in=zones)
        ),
        "directory.typology": t_models["directory.typology"]._default_manager.all(),
        "plan.activitykind": t_models["plan.activitykind"]._default_manager.all(),
    }


@dataclass
class DumpResult:
    """What a dump holds: rows per model, media files, models not carried."""

    territory: str
    counts: dict[str, int] = field(default_factory=dict)
    media: list[str] = field(default_factory=list)
    not_carried: list[str] = field(default_factory=list)
    missing_media: list[str] = field(default_factory=list)


def _serialize(queryset: Iterable[models.Model]) -> list[dict[str, Any]]:
    return serializers.serialize("python", queryset)


def _collect(territory: Territory) -> dict[str, list[dict[str, Any]]]:
    """Rows by model label: owned rows, then shared rows closed over every reference."""
    rows: dict[str, dict[Any, dict[str, Any]]] = {}
    for model, queryset in owned_models(territory).items():
        rows[label(model)] = {r["pk"]: r for r in _serialize(queryset.order_by("pk"))}
    for key, queryset in _shared_base(territory).items():
        rows.setdefault(key, {}).update({r["pk"]: r for r in _serialize(queryset.order_by("pk"))})
    # close over references (foreign keys and many-to-many) to shared models
    pending = True
    while pending:
        pending = False
        wanted: dict[str, set[Any]] = {}
        for model_label, by_pk in rows.items():
            model = apps.get_model(model_label)
            fks = {f.name: f.related_model for f in _relations(model)}
            m2m = {f.name: f.related_model for f in model._meta.many_to_many}
            for row in by_pk.values():
                for name, value in row["fields"].items():
                    target = fks.get(name) or m2m.get(name)
                    if target is None or value in (None, []):
                        continue
                    values = value if isinstance(value, list) else [value]
                    wanted.setdefault(label(target), set()).update(values)
        for target_label, pks in wanted.items():
            missing = pks - set(rows.get(target_label, {}))
            if missing and target_label in SHARED:
                target = apps.get_model(target_label)
                rows.setdefault(target_label, {}).update(
                    {r["pk"]: r for r in _serialize(target.objects.filter(pk__in=missing))}
                )
                pending = True
    cells = set(rows.get("territory.populationcell", {}))
    zones = set(rows.get("territory.zone", {}))
    CellZone = apps.get_model("territory.cellzone")
    rows["territory.cellzone"] = {
        r["pk"]: r
        for r in _serialize(
            CellZone.objects.filter(cell_id__in=cells, zone_id__in=zones).order_by("pk")
        )
    }
    return {k: list(v.values()) for k, v in rows.items()}


def _strip_users(rows: list[dict[str, Any]], include_passwords: bool) -> None:
    for row in rows:
        for name in USER_DROPPED_M2M:
            row["fields"].pop(name, None)
        for name in USER_PRIVATE_FIELDS:
            if include_passwords and name == "password":
                continue
            row["fields"].pop(name, None)


def file_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def maillage_version() -> str:
    try:
        return version("maillage")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "inconnue"


def dump_territory(
    *, territory: Territory, output: Path | io.BytesIO, include_passwords: bool = False
) -> DumpResult:
    """Write the territory's archive to ``output`` (a path or a binary buffer)."""
    rows = _collect(territory)
    if "auth.user" in rows:
        _strip_users(rows["auth.user"], include_passwords)
    result = DumpResult(territory=territory.slug, not_carried=not_carried(territory))
    media: list[str] = []
    for model_label, model_rows in rows.items():
        names = file_fields(apps.get_model(model_label))
        for row in model_rows:
            media += [row["fields"][n] for n in names if row["fields"].get(n)]
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        files = []
        for model_label in sorted(rows):
            name = f"data/{model_label}.json"
            archive.writestr(
                name, json.dumps(rows[model_label], cls=DjangoJSONEncoder, ensure_ascii=False)
            )
            files.append({"model": model_label, "file": name, "count": len(rows[model_label])})
            result.counts[model_label] = len(rows[model_label])
        for name in sorted(set(media)):
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as handle:
                    archive.writestr(f"media/{name}", handle.read())
                result.media.append(name)
            else:
                result.missing_media.append(name)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "maillage_version": maillage_version(),
            "created_at": timezone.now().isoformat(),
            "database_engine": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "territory": {"slug": territory.slug, "name": territory.name},
            "models": files,
            "media": result.media,
            "missing_media": result.missing_media,
            "not_carried": result.not_carried,
            "users_with_passwords": include_passwords,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return result
