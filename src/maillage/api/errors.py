"""Errors of the API, in French, with one JSON shape per status.

- 400, 401, 403, 404: ``{"detail": "message"}``;
- 422: ``{"detail": "message", "errors": {"field": ["message", …]}}`` — from the request's
  validation (types, lengths, unknown fields) or from a service's ``ValidationError``;
- 412: ``{"detail": "message", "version": "…", "changes": [[field, before, after], …]}`` — a
  write whose ``If-Match`` is not the stored version (``ETag`` of the current one).

:func:`install` registers the handlers on the :class:`ninja.NinjaAPI`; endpoints declare the
statuses they may answer with :data:`ERRORS` and friends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from maillage.accounts.versioning import StaleVersion

NON_FIELD = "__all__"
BODY = "body"
UNAUTHORISED = (
    "Jeton d'API manquant, invalide ou révoqué : envoyez l'en-tête "
    "« Authorization: Bearer mlg_… » (jeton créé par « maillage users token »)."
)


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


AUTH_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut}
ERRORS: dict[int, Any] = {400: ErrorOut, **AUTH_ERRORS, 404: ErrorOut, 422: ValidationErrorOut}

# Pydantic error types → French messages (``{…}`` filled from the error's context).
MESSAGES = {
    "missing": "champ obligatoire.",
    "extra_forbidden": "champ inconnu ou non modifiable.",
    "string_type": "texte attendu.",
    "string_too_long": "{max_length} caractères au plus.",
    "string_too_short": "{min_length} caractère(s) au moins.",
    "string_pattern_mismatch": "format invalide (attendu : {pattern}).",
    "int_type": "nombre entier attendu.",
    "int_parsing": "nombre entier attendu.",
    "int_from_float": "nombre entier attendu.",
    "float_type": "nombre attendu.",
    "float_parsing": "nombre attendu.",
    "finite_number": "nombre fini attendu.",
    "bool_type": "booléen attendu (true ou false).",
    "bool_parsing": "booléen attendu (true ou false).",
    "date_type": "date attendue (AAAA-MM-JJ).",
    "date_parsing": "date attendue (AAAA-MM-JJ).",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ).",
    "date_from_datetime_inexact": "date sans heure attendue (AAAA-MM-JJ).",
    "list_type": "liste attendue.",
    "too_long": "{max_length} éléments au plus.",
    "too_short": "{min_length} élément(s) au moins.",
    "greater_than_equal": "valeur supérieure ou égale à {ge} attendue.",
    "less_than_equal": "valeur inférieure ou égale à {le} attendue.",
    "greater_than": "valeur supérieure à {gt} attendue.",
    "less_than": "valeur inférieure à {lt} attendue.",
    "literal_error": "valeur attendue parmi : {expected}.",
    "enum": "valeur attendue parmi : {expected}.",
    "model_attributes_type": "objet JSON attendu.",
    "dict_type": "objet JSON attendu.",
    "model_type": "objet JSON attendu.",
    "json_invalid": "JSON invalide.",
}


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error" and ctx.get("error") is not None:
        return str(ctx["error"])
    template = MESSAGES.get(kind)
    if template is None:
        return "valeur invalide."
    if kind in ("literal_error", "enum") and isinstance(ctx.get("expected"), str):
        # pydantic writes « 'a', 'b' or 'c' »: the list is ours, the last word is English.
        head, sep, tail = ctx["expected"].rpartition(" or ")
        ctx = {**ctx, "expected": f"{head} ou {tail}" if sep else tail}
    try:
        return template.format(**{k: str(v) for k, v in ctx.items()})
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip(" (:") + "."


def _field(loc: list[Any] | tuple[Any, ...]) -> str:
    """``("body", "payload", "thematiques", 0)`` → ``"thematiques"``; ``("path", "year")`` →
    ``"year"``; the body itself → ``"body"``."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else []
        return str(parts[0]) if parts else BODY
    return str(parts[1]) if len(parts) > 1 else (str(parts[0]) if parts else NON_FIELD)


def field_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in errors:
        message = _message(error)
        bucket = out.setdefault(_field(error.get("loc", ())), [])
        if message not in bucket:
            bucket.append(message)
    return out


def validation_response(api: NinjaAPI, request: HttpRequest, errors: dict[str, list[str]]):
    """422 with one sentence naming the fields, and the messages per field."""
    parts = [
        f"{field} : {' '.join(messages)}" if field != NON_FIELD else " ".join(messages)
        for field, messages in errors.items()
    ]
    detail = "Données refusées — " + " ; ".join(parts)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def django_errors(exc: ValidationError) -> dict[str, list[str]]:
    """Field → messages of a Django ``ValidationError`` (``__all__`` when not on a field)."""
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {NON_FIELD: [str(m) for m in exc.messages]}


def install(api: NinjaAPI) -> None:
    """Register the French error handlers on ``api``."""

    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(request, {"detail": UNAUTHORISED}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="maillage"'
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        if message.startswith("Cannot parse request body"):
            message = "Corps de la requête illisible : un objet JSON (UTF-8) est attendu."
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return validation_response(api, request, field_errors(exc.errors))

    def on_django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return validation_response(api, request, django_errors(exc))

    def on_stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
        """A write from a stale version (``If-Match``): 412, nothing written."""
        body = {
            "detail": " ".join(exc.messages),
            "version": exc.current,
            "changes": [list(row) for row in exc.rows],
        }
        response = api.create_response(request, body, status=412)
        if exc.current:
            response["ETag"] = f'"{exc.current}"'
        return response

    def on_permission(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or "Action non autorisée pour votre rôle sur ce territoire."
        return api.create_response(request, {"detail": message}, status=403)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc) or "Introuvable."}, status=404)

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        message = "Requête trop volumineuse."
        return api.create_response(request, {"detail": message}, status=400)

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (AuthenticationError, on_auth),
        (HttpError, on_http_error),
        (NinjaValidationError, on_ninja_validation),
        (ValidationError, on_django_validation),
        (StaleVersion, on_stale),
        (PermissionDenied, on_permission),
        (Http404, on_not_found),
        (RequestDataTooBig, on_too_big),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
