"""Restore a territory archive written by :func:`maillage.interop.dump.dump_territory`.

One transaction: the archive is checked (format, version, models, fields, sizes, file names),
then rows are written model by model in dependency order. Shared reference data is matched by
natural key (:data:`maillage.interop.dump.SHARED`) and never duplicated; other rows are created,
keeping their original primary key when it is free (so an empty database receives identical
ids) and taking a new one otherwise, every reference being remapped. Restoring over an existing
territory is refused unless ``replace=True``, which deletes it first.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction

from maillage.territory.models import Territory

from .dump import FORMAT, FORMAT_VERSION, SHARED, DumpError, label

MAX_ARCHIVE_BYTES = 2 * 1024**3
# What malformed rows raise while being built or written (wrong types, broken references).
BROKEN_DATA = (TypeError, ValueError, KeyError, AttributeError, DatabaseError, ValidationError)
MAX_MEMBERS = 100_000
BATCH = 500
# What reading a member of a damaged zip raises: a local header that lies about sizes or names,
# a CRC mismatch, a truncated or corrupt deflate stream, an unknown method, a password.
BROKEN_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)


@dataclass
class RestoreResult:
    territory: str
    created: dict[str, int] = field(default_factory=dict)
    matched: dict[str, int] = field(default_factory=dict)
    media: int = 0
    replaced: bool = False


def _open(source: Path | bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DumpError("Archive illisible : ce n'est pas une sauvegarde Maillage (zip).") from exc
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_ARCHIVE_BYTES:
        raise DumpError("Archive refusée : contenu décompressé trop volumineux.")
    for info in infos:
        path = PurePosixPath(info.filename)
        if path.is_absolute() or ".." in path.parts or "\\" in info.filename:
            raise DumpError(f"Archive refusée : nom de fichier dangereux « {info.filename} ».")
    return archive


def _read_member(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(member)
    except BROKEN_ZIP as exc:
        name = member.filename if isinstance(member, zipfile.ZipInfo) else member
        raise DumpError(
            f"Archive corrompue : « {name} » illisible (zip tronqué ou endommagé : tailles, "
            "en-tête ou somme de contrôle incohérents). Rien n'a été restauré."
        ) from exc


def _read_json(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        return json.loads(_read_member(archive, name).decode("utf-8"))
    except KeyError as exc:
        raise DumpError(f"Archive incomplète : « {name} » manquant.") from exc
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise DumpError(f"Archive corrompue : « {name} » n'est pas un JSON valide.") from exc


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    manifest = _read_json(archive, "manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DumpError("Ce fichier n'est pas une sauvegarde Maillage (manifest.json inconnu).")
    got = manifest.get("format_version")
    if not isinstance(got, int) or got > FORMAT_VERSION or got < 1:
        raise DumpError(
            f"Version de sauvegarde {got!r} non prise en charge (cette version de Maillage "
            f"lit les versions 1 à {FORMAT_VERSION})."
        )
    slug = (manifest.get("territory") or {}).get("slug")
    if not isinstance(slug, str) or not slug:
        raise DumpError("manifest.json : territoire absent.")
    if not isinstance(manifest.get("models"), list):
        raise DumpError("manifest.json : liste des modèles absente.")
    return manifest


def _load_rows(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for entry in manifest["models"]:
        model_label = entry.get("model") if isinstance(entry, dict) else None
        try:
            model = apps.get_model(str(model_label))
        except (LookupError, ValueError) as exc:
            raise DumpError(f"Modèle « {model_label} » inconnu de cette version.") from exc
        data = _read_json(archive, str(entry.get("file")))
        if not isinstance(data, list):
            raise DumpError(f"« {entry.get('file')} » : liste attendue.")
        known = {f.name for f in model._meta.concrete_fields} | {
            f.name for f in model._meta.many_to_many
        }
        for row in data:
            if not isinstance(row, dict) or not isinstance(row.get("fields"), dict):
                raise DumpError(f"« {entry.get('file')} » : enregistrement mal formé.")
            unknown = set(row["fields"]) - known
            if unknown:
                raise DumpError(
                    f"« {entry.get('file')} » : champ(s) inconnu(s) {', '.join(sorted(unknown))}."
                )
        rows[label(model)] = data
    return rows


def _order(labels: list[str]) -> list[str]:
    """Models sorted so that every foreign key target comes first."""
    ordered: list[str] = []
    remaining = set(labels)
    while remaining:
        ready = sorted(
            m
            for m in remaining
            if all(
                label(f.related_model) not in remaining or label(f.related_model) == m
                for f in apps.get_model(m)._meta.concrete_fields
                if isinstance(f, models.ForeignKey)
            )
        )
        if not ready:  # a cycle through nullable keys: take them in name order
            ready = sorted(remaining)[:1]
        ordered += ready
        remaining -= set(ready)
    return ordered


@contextmanager
def _keep_timestamps(model: type[models.Model]):
    """Keep dumped ``auto_now``/``auto_now_add`` values instead of the restore time."""
    fields: list[Any] = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    fields += [f for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


class _Restorer:
    def __init__(self, rows: dict[str, list[dict]], result: RestoreResult) -> None:
        self.rows = rows
        self.result = result
        self.pk_map: dict[str, dict[Any, Any]] = {}
        self.media_names: dict[str, str] = {}
        self.saved_media: list[str] = []
        self._created: set[tuple[str, Any]] = set()

    def _fk_value(self, f: models.ForeignKey, value: Any, where: str) -> Any:
        if value is None:
            return None
        target = label(f.related_model)
        mapped = self.pk_map.get(target, {}).get(value)
        if mapped is None:
            if f.null:
                return None
            raise DumpError(f"{where} : référence « {f.name} » vers {target} {value} absente.")
        return mapped

    def _instance(self, model: type[models.Model], row: dict[str, Any]) -> models.Model:
        where = f"{label(model)} {row.get('pk')}"
        values: dict[str, Any] = {}
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name not in row["fields"]:
                continue
            raw = row["fields"][f.name]
            if isinstance(f, models.ForeignKey):
                values[f.attname] = self._fk_value(f, raw, where)
            elif isinstance(f, models.FileField):
                values[f.attname] = self.media_names.get(raw, raw)
            else:
                try:
                    values[f.attname] = f.to_python(raw)
                except Exception as exc:  # noqa: BLE001 - any field may refuse a value
                    raise DumpError(f"{where} : valeur invalide pour « {f.name} ».") from exc
        return model(**values)

    def _key(self, model: type[models.Model], obj: models.Model) -> tuple:
        out = []
        for name in SHARED[label(model)]:
            f: Any = model._meta.get_field(name)
            out.append(getattr(obj, f.attname))
        return tuple(out)

    def restore_model(self, model_label: str) -> None:
        model = apps.get_model(model_label)
        rows = self.rows[model_label]
        mapping = self.pk_map.setdefault(model_label, {})
        objs = [(row["pk"], self._instance(model, row)) for row in rows]
        to_create = objs
        if model_label in SHARED:
            existing = {self._key(model, o): o for o in model.objects.all()}
            to_create, fill = [], []
            for old_pk, obj in objs:
                found = existing.get(self._key(model, obj))
                if found is None:
                    if model_label == "contenttypes.contenttype":
                        raise DumpError(f"Type de contenu {self._key(model, obj)} inconnu.")
                    to_create.append((old_pk, obj))
                    continue
                mapping[old_pk] = found.pk
                self.result.matched[model_label] = self.result.matched.get(model_label, 0) + 1
                changed = [
                    f.attname
                    for f in model._meta.concrete_fields
                    if f.is_relation
                    and f.null
                    and getattr(found, f.attname) is None
                    and getattr(obj, f.attname) is not None
                ]
                for name in changed:
                    setattr(found, name, getattr(obj, name))
                if changed:
                    fill.append(found)
            fields = {f.name for f in model._meta.concrete_fields if f.is_relation and f.null}
            if fill and fields:
                model.objects.bulk_update(fill, sorted(fields), batch_size=BATCH)
        if model_label == "auth.user":
            for _, user in to_create:
                assert isinstance(user, AbstractBaseUser)
                user.password = user.password or make_password(None)
        taken = set()
        old_pks = [pk for pk, _ in to_create]
        for start in range(0, len(old_pks), BATCH):
            chunk = old_pks[start : start + BATCH]
            taken |= set(model.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        for old_pk, obj in to_create:
            obj.pk = None if old_pk in taken else old_pk
        with _keep_timestamps(model):
            created = model.objects.bulk_create([o for _, o in to_create], batch_size=BATCH)
        for (old_pk, _), obj in zip(to_create, created, strict=True):
            if obj.pk is None:
                raise DumpError(f"{model_label} : clé primaire non attribuée.")  # pragma: no cover
            mapping[old_pk] = obj.pk
        if created:
            self.result.created[model_label] = len(created)
        self._created |= {(model_label, o.pk) for o in created}

    def restore_m2m(self, model_label: str) -> None:
        model = apps.get_model(model_label)
        mapping = self.pk_map[model_label]
        for f in model._meta.many_to_many:
            through = f.remote_field.through
            if not through._meta.auto_created:
                continue
            target_map = self.pk_map.get(label(f.related_model), {})
            source_col = f.m2m_field_name() + "_id"
            target_col = f.m2m_reverse_field_name() + "_id"
            links = []
            for row in self.rows[model_label]:
                new_pk = mapping.get(row["pk"])
                if (model_label, new_pk) not in self._created:
                    continue
                for value in row["fields"].get(f.name) or []:
                    if value in target_map:
                        links.append(through(**{source_col: new_pk, target_col: target_map[value]}))
            through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)

    def restore_media(self, archive: zipfile.ZipFile) -> None:
        for info in archive.infolist():
            if not info.filename.startswith("media/") or info.is_dir():
                continue
            name = info.filename.removeprefix("media/")
            data = _read_member(archive, info)
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as handle:
                    if handle.read() == data:
                        continue
            saved = default_storage.save(name, ContentFile(data))
            self.saved_media.append(saved)
            if saved != name:
                self.media_names[name] = saved
            self.result.media += 1


def restore_territory(*, source: Path | bytes, replace: bool = False) -> RestoreResult:
    """Restore an archive; refuse over an existing territory unless ``replace``."""
    archive = _open(source)
    with archive:
        manifest = read_manifest(archive)
        rows = _load_rows(archive, manifest)
        slug = manifest["territory"]["slug"]
        result = RestoreResult(territory=slug)
        with transaction.atomic():
            existing = Territory.objects.filter(slug=slug).first()
            if existing is not None:
                if not replace:
                    raise DumpError(
                        f"Le territoire « {slug} » existe déjà : relancez avec --replace "
                        "pour le remplacer par la sauvegarde."
                    )
                existing.delete()
                result.replaced = True
            restorer = _Restorer(rows, result)
            try:
                restorer.restore_media(archive)
                order = _order(list(rows))
                for model_label in order:
                    restorer.restore_model(model_label)
                for model_label in order:
                    restorer.restore_m2m(model_label)
                _reset_sequences([apps.get_model(m) for m in order])
            except BaseException as exc:
                for name in restorer.saved_media:
                    default_storage.delete(name)
                if isinstance(exc, DumpError):
                    raise
                if isinstance(exc, BROKEN_DATA):
                    raise DumpError(
                        f"Archive incohérente : données refusées ({type(exc).__name__}). "
                        "Rien n'a été restauré."
                    ) from exc
                raise
    return result


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
