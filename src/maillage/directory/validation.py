"""Validation of structures and services: French messages attached to the faulty field.

Used by the models' ``clean()``, the services and the dataset loader, so that a form, an import
and the API refuse the same things with the same words.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone

from maillage.territory.geo import in_france

from . import opening_hours
from .vocabulary import (
    CHILDCARE_MODES,
    FRAIS,
    MOBILISABLE_PAR,
    MODES_ACCUEIL,
    MODES_MOBILISATION,
    PUBLICS,
    THEMATIQUES,
    TYPES_SERVICE,
)

if TYPE_CHECKING:
    from .models import Service, Structure


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def check_hours(errors: dict[str, list[str]], field: str, value: str) -> None:
    message = opening_hours.validate(value or "")
    if message:
        _add(errors, field, message)


def check_position(errors: dict[str, list[str]], lon: Any, lat: Any) -> None:
    if lon is None and lat is None:
        return
    if lon is None or lat is None:
        _add(errors, "lon" if lon is None else "lat", "Longitude et latitude vont ensemble.")
        return
    try:
        lon_f, lat_f = float(lon), float(lat)
    except (TypeError, ValueError):
        _add(errors, "lon", "Coordonnées non numériques.")
        return
    if not in_france(lon_f, lat_f):
        _add(
            errors,
            "lat",
            f"Position hors de France (longitude {lon_f}, latitude {lat_f}) : "
            "vérifiez l'ordre longitude/latitude.",
        )


_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def check_web_address(errors: dict[str, list[str]], field: str, value: str | None) -> None:
    """An address that a browser opens as a page: ``http(s)://…`` (never ``javascript:``)."""
    if not value:
        return
    try:
        _WEB_ADDRESS(value)
    except ValidationError:
        _add(errors, field, f"Adresse web invalide : « {value[:80]} » (https://… attendu).")


def check_name(errors: dict[str, list[str]], field: str, value: str | None) -> None:
    """A name is plain text: no markup sign (``<``, ``>``) and no control character.

    Names are shown in pages, map tooltips and exports; every renderer treats them as text,
    and this rule keeps markup out of the data in the first place (issue 12).
    """
    bad = sorted({c for c in value or "" if c in "<>" or unicodedata.category(c) == "Cc"})
    if bad:
        shown = ", ".join(f"« {c} »" if c in "<>" else f"U+{ord(c):04X}" for c in bad)
        _add(
            errors,
            field,
            f"Le nom ne peut pas contenir {shown} : un nom est du texte simple, sans balise "
            "ni caractère de contrôle.",
        )


def check_not_future(errors: dict[str, list[str]], field: str, value: Any) -> None:
    if value is not None and value > timezone.localdate():
        _add(errors, field, "La date de mise à jour ne peut pas être dans le futur.")


def check_ages(errors: dict[str, list[str]], age_min: Any, age_max: Any) -> None:
    for field, value in (("age_min", age_min), ("age_max", age_max)):
        if value is not None and (value < 0 or value > 120):
            _add(errors, field, "L'âge doit être compris entre 0 et 120 ans.")
    if age_min is not None and age_max is not None and age_min >= age_max:
        _add(
            errors,
            "age_max",
            f"Tranche d'âge inversée ou vide : l'âge maximum ({age_max}) doit être supérieur "
            f"à l'âge minimum ({age_min}).",
        )


def check_choices(
    errors: dict[str, list[str]], field: str, values: Any, allowed: frozenset[str]
) -> None:
    if values in (None, ""):
        return
    if not isinstance(values, list | tuple):
        _add(errors, field, "Une liste de valeurs est attendue.")
        return
    unknown = sorted(str(v) for v in values if v not in allowed)
    if unknown:
        _add(errors, field, f"Valeur(s) inconnue(s) : {', '.join(unknown)}.")


def validate_structure(structure: Structure) -> None:
    """Raise :class:`ValidationError` (per field, in French) when the structure is invalid."""
    errors: dict[str, list[str]] = {}
    if not (structure.name or "").strip():
        _add(errors, "name", "Le nom est obligatoire.")
    check_name(errors, "name", structure.name)
    check_hours(errors, "opening_hours", structure.opening_hours)
    check_position(errors, structure.lon, structure.lat)
    if structure.uai and not _is_uai(structure.uai):
        _add(errors, "uai", f"UAI « {structure.uai} » invalide (7 chiffres et une lettre).")
    if structure.siret and not (structure.siret.isdigit() and len(structure.siret) == 14):
        _add(errors, "siret", "Le SIRET compte 14 chiffres.")
    if structure.finess and not (len(structure.finess) == 9 and structure.finess[:2].isalnum()):
        _add(errors, "finess", "Le numéro FINESS compte 9 caractères.")
    if structure.postcode and not (structure.postcode.isdigit() and len(structure.postcode) == 5):
        _add(errors, "postcode", "Le code postal compte 5 chiffres.")
    if structure.email:
        try:
            validate_email(structure.email)
        except ValidationError:
            _add(errors, "email", f"Adresse électronique invalide : « {structure.email} ».")
    for field in ("website", "acceslibre_url"):
        check_web_address(errors, field, getattr(structure, field, ""))
    # A structure merged from several sources keeps their addresses joined by « | ».
    for address in (getattr(structure, "source_url", "") or "").split("|"):
        check_web_address(errors, "source_url", address.strip())
    check_not_future(errors, "data_updated_on", getattr(structure, "data_updated_on", None))
    if errors:
        raise ValidationError(errors)


def validate_service(service: Service) -> None:
    """Raise :class:`ValidationError` (per field, in French) when the service is invalid."""
    errors: dict[str, list[str]] = {}
    if len((service.name or "").strip()) < 3:
        _add(errors, "name", "Le nom du service compte au moins 3 caractères.")
    check_name(errors, "name", service.name)
    check_hours(errors, "opening_hours", service.opening_hours)
    check_ages(errors, service.age_min, service.age_max)
    for field in ("capacity", "insertion_places", "places_open_to_public"):
        value = getattr(service, field)
        if value is not None and value < 0:
            _add(errors, field, "Un nombre de places ne peut pas être négatif.")
    cap = service.capacity
    for field in ("insertion_places", "places_open_to_public"):
        value = getattr(service, field)
        if value is not None and cap is not None and value > cap >= 0:
            _add(errors, field, f"Ce nombre dépasse la capacité ({cap} places).")
    if service.type and service.type not in TYPES_SERVICE:
        _add(errors, "type", f"Type « {service.type} » inconnu.")
    if service.frais and service.frais not in FRAIS:
        _add(errors, "frais", f"Frais « {service.frais} » inconnus.")
    check_not_future(errors, "data_updated_on", getattr(service, "data_updated_on", None))
    check_choices(errors, "thematiques", service.thematiques, THEMATIQUES)
    check_choices(errors, "publics", service.publics, PUBLICS)
    check_choices(errors, "modes_accueil", service.modes_accueil, MODES_ACCUEIL)
    check_choices(errors, "modes_mobilisation", service.modes_mobilisation, MODES_MOBILISATION)
    check_choices(errors, "mobilisable_par", service.mobilisable_par, MOBILISABLE_PAR)
    check_choices(errors, "childcare_modes", service.childcare_modes, CHILDCARE_MODES)
    if errors:
        raise ValidationError(errors)


def _is_uai(value: str) -> bool:
    return len(value) == 8 and value[:7].isdigit() and value[7].isalpha()


def messages(error: ValidationError) -> dict[str, list[str]]:
    """Field → French messages of a :class:`ValidationError`."""
    if hasattr(error, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in error.error_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}
