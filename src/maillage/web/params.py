"""Bounded parsing of the integers a request carries (query string, form field, path segment).

Every view that reads an integer from ``request.GET``/``request.POST`` or from the URL goes
through :func:`parse_int` / :func:`parse_ids`, and the URL patterns use the ``<id:…>`` converter
(:class:`IdConverter`) instead of Django's ``<int:…>``: a value that is not a plain decimal
number inside the given bounds is treated as absent (the view answers 400 or 404), never handed
to the database, where a too large number raises ``OverflowError`` on SQLite (a 500).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import register_converter

# Primary keys are 64-bit signed integers on SQLite and PostgreSQL (BigAutoField).
MAX_ID = 2**63 - 1
# Longest decimal string accepted before converting (int() of a huge string is slow).
_MAX_DIGITS = 20


def parse_int(
    value: object, *, minimum: int = 0, maximum: int = MAX_ID, default: int | None = None
) -> int | None:
    """``value`` as an int when it is ASCII decimal digits (optionally signed, surrounding
    blanks ignored) within ``minimum``..``maximum``; otherwise ``default``.

    ``str.isdigit()`` is not enough: it accepts « ² » or « ١ », and ``int()`` of an unbounded
    string accepts values no database column holds.
    """
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        digits = text[1:] if text[:1] in "+-" else text
        if not digits or len(digits) > _MAX_DIGITS or not (digits.isascii() and digits.isdigit()):
            return default
        number = int(text)
    return number if minimum <= number <= maximum else default


def parse_id(value: object) -> int | None:
    """A database id (1..2⁶³−1), or ``None``."""
    return parse_int(value, minimum=1, maximum=MAX_ID)


def parse_ids(values: Iterable[object], *, limit: int = 100) -> list[int]:
    """The valid ids among ``values`` (e.g. ``request.GET.getlist("s")``), without duplicates,
    in their order, at most ``limit`` of them; invalid ones are dropped."""
    ids: list[int] = []
    for value in values:
        number = parse_id(value)
        if number is not None and number not in ids:
            ids.append(number)
            if len(ids) >= limit:
                break
    return ids


class IdConverter:
    """``<id:pk>``: a database id; a longer or larger number does not match (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the URL resolver tries the next pattern, then 404
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


register_converter(IdConverter, "id")
