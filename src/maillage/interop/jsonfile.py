"""Safe reading of JSON and GeoJSON files: size, encoding and nesting limits, French errors."""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

MAX_JSON_BYTES = 30 * 1024 * 1024
MAX_DEPTH = 64
MAX_RECORDS = 50_000


class JsonFileError(ValueError):
    """A JSON file cannot be used; the message is French and names the file."""

    def __init__(self, message: str, *, filename: str) -> None:
        self.filename, self.detail = filename, message
        super().__init__(f"Fichier « {filename} » : {message}")


def read_json(data: bytes, *, filename: str) -> Any:
    """Parse JSON (UTF-8, with or without BOM) after checking size and nesting."""
    name = PurePath(filename).name or "fichier"
    if len(data) > MAX_JSON_BYTES:
        raise JsonFileError(
            f"fichier trop volumineux (plus de {MAX_JSON_BYTES // 1024 // 1024} Mo).",
            filename=name,
        )
    if not data.strip():
        raise JsonFileError("le fichier est vide.", filename=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JsonFileError(
            f"encodage invalide (octet {exc.start}) : le JSON doit être en UTF-8.", filename=name
        ) from exc
    # Reject absurd nesting before parsing: counting brackets is linear and cannot recurse.
    level = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                raise JsonFileError(
                    f"structure trop imbriquée (plus de {MAX_DEPTH} niveaux).", filename=name
                )
        elif char in "]}":
            level -= 1
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonFileError(
            f"JSON invalide ligne {exc.lineno}, colonne {exc.colno} ({exc.msg}).", filename=name
        ) from exc
    except (RecursionError, ValueError) as exc:
        raise JsonFileError(f"JSON illisible ({type(exc).__name__}).", filename=name) from exc


def read_json_array(data: bytes, *, filename: str) -> list[Any]:
    """Read a JSON array of records; JSON lines (one object per line) are accepted too."""
    name = PurePath(filename).name or "fichier"
    try:
        value = read_json(data, filename=filename)
    except JsonFileError:
        lines = [line for line in data.splitlines() if line.strip()]
        if len(lines) < 2:
            raise
        value = [read_json(line, filename=filename) for line in lines]
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        value = value["items"]  # the data·inclusion API wraps its pages in « items »
    if not isinstance(value, list):
        raise JsonFileError("une liste JSON d'enregistrements est attendue.", filename=name)
    if len(value) > MAX_RECORDS:
        raise JsonFileError(f"trop d'enregistrements (plus de {MAX_RECORDS}).", filename=name)
    return value
