"""Shared rendering of CLI results: table, JSON or CSV."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Any

import click

FORMATS = click.Choice(["table", "json", "csv"])


def emit(rows: Sequence[dict[str, Any]], *, fmt: str, payload: Any = None) -> None:
    """Print ``rows`` as an aligned table or CSV, or ``payload`` (default ``rows``) as JSON."""
    if fmt == "json":
        click.echo(json.dumps(rows if payload is None else payload, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("(aucune ligne)")
        return
    columns = list(rows[0])
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    cells = [[_fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:,.1f}".replace(",", " ").replace(".", ",")
        return text[:-2] if text.endswith(",0") else text
    return str(value)
