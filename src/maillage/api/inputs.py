"""Request bodies of the write endpoints, built from the models' own fields.

Each body is a pydantic model whose fields mirror the model fields the services accept
(``EDITABLE_*_FIELDS``): same names, the models' maximum lengths, choices
and integer ranges, the French ``verbose_name`` as description. Unknown fields are refused
(``extra="forbid"``), texts may not hold control characters or invalid Unicode, numbers must be
finite: a malformed request gets a 422 naming the field, never a database error.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from pydantic import AfterValidator, ConfigDict, Field, WithJsonSchema, create_model
from pydantic import BaseModel as PydanticModel

TEXT_MAX = 20_000  # characters of a free text (TextField) sent through the API
LIST_MAX = 100  # items of a list of slugs (thématiques, publics…)
SLUG_MAX = 200
ALLOWED_CONTROLS = frozenset("\t\n\r")


def clean_text(value: str) -> str:
    """Refuse control characters (tab and line breaks allowed) and lone surrogates."""
    if any((ord(c) < 32 and c not in ALLOWED_CONTROLS) or ord(c) == 127 for c in value):
        raise ValueError("caractères de contrôle interdits.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("texte Unicode invalide.") from exc
    return value


def text(max_length: int, **extra: Any) -> Any:
    return Annotated[str, Field(max_length=max_length, **extra), AfterValidator(clean_text)]


if TYPE_CHECKING:  # a validated, cleaned text
    Slug = str
else:
    Slug = text(SLUG_MAX)
# A numeric identifier in the path, read as text (a malformed one gets a French 400) but
# documented as digits, so that generated requests match what the endpoint accepts.
IdText = Annotated[str, WithJsonSchema({"type": "string", "pattern": "^[0-9]{1,18}$"})]
Finite = Annotated[float, Field(allow_inf_nan=False)]


def _date_in_range(value: dt.date) -> dt.date:
    if not 1900 <= value.year <= 2200:
        raise ValueError("date entre 1900 et 2200 attendue.")
    return value


Date = Annotated[dt.date, AfterValidator(_date_in_range)]

# What the services accept for a relation (see ``directory.services._resolve``).
RELATION_HELP = {
    "organisation": "identifiant (slug) de l'organisation",
    "typology": "code de la typologie CTG (ex. eaje-multi-accueil)",
    "commune": "code INSEE de la commune (ex. 59017)",
}


def _annotation(field: models.Field) -> tuple[Any, dict[str, Any]]:
    """The pydantic type of a model field and its ``Field`` options."""
    extra: dict[str, Any] = {"description": str(field.verbose_name)}
    if field.is_relation:
        extra["description"] += f" : {RELATION_HELP.get(field.name, 'identifiant')}"
        return text(SLUG_MAX) | None, extra
    if field.choices:
        values = tuple(str(v) for v, _ in field.flatchoices)
        if field.blank and "" not in values:
            values = ("", *values)
        return Literal[values], extra
    internal = field.get_internal_type()
    if internal in BaseDatabaseOperations.integer_field_ranges:
        low, high = BaseDatabaseOperations.integer_field_ranges[internal]
        kind: Any = Annotated[int, Field(ge=low, le=high)]
    elif isinstance(field, models.FloatField):
        if field.name in ("lon", "lat"):
            bound = 180 if field.name == "lon" else 90
            kind = Annotated[float, Field(ge=-bound, le=bound, allow_inf_nan=False)]
        else:
            kind = Finite
    elif isinstance(field, models.BooleanField):
        kind = bool
    elif isinstance(field, models.DateField):
        kind = Date
    elif isinstance(field, models.JSONField):
        kind = Annotated[list[Slug], Field(max_length=LIST_MAX)]
    elif isinstance(field, models.TextField):
        kind = text(TEXT_MAX)
    else:
        kind = text(field.max_length or TEXT_MAX)
    return (kind | None if field.null else kind), extra


def model_input(
    name: str,
    model: type[models.Model],
    fields: frozenset[str] | set[str],
    *,
    required: frozenset[str] = frozenset(),
    extra_fields: dict[str, tuple[Any, Any]] | None = None,
    doc: str = "",
) -> type[PydanticModel]:
    """A request body with ``fields`` of ``model`` (all optional except ``required``)."""
    definitions: dict[str, Any] = dict(extra_fields or {})
    for field_name in sorted(fields):
        field = model._meta.get_field(field_name)
        assert isinstance(field, models.Field)  # bodies carry concrete fields only
        kind, options = _annotation(field)
        default = ... if field_name in required else None
        definitions[field_name] = (kind, Field(default, **options))
    body = create_model(
        name, __config__=ConfigDict(extra="forbid", title=name), __doc__=doc, **definitions
    )
    return body


def given(body: PydanticModel) -> dict[str, Any]:
    """The fields the caller really sent (``PATCH`` semantics)."""
    return body.model_dump(exclude_unset=True)


def check_model_validators(model: type[models.Model], values: dict[str, Any]) -> None:
    """Run the model fields' own validators (e-mail, URL…) on the texts sent; 422 in French."""
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        if not isinstance(value, str) or not value:
            continue
        field = model._meta.get_field(key)
        if field.is_relation or not isinstance(field, models.Field):
            continue
        try:
            field.run_validators(value)
        except ValidationError as exc:
            errors[key] = [str(m) for m in exc.messages]
    if errors:
        raise ValidationError(errors)
