"""API writes of the CTG plan: the journal of activities and the values of manual indicators.

Thin endpoints on the plan router's paths (``/api/v1/plan/{slug}/…``): parse the body, check the
role with :mod:`maillage.accounts.permissions` (as the web views do), call one plan service.

- journal: the coordinator, or any partner of the territory, records an activity; the
  coordinator changes or deletes any entry, a partner only the entries they wrote
  (:func:`~maillage.accounts.permissions.can_edit`); observers read only;
- manual indicator values: the coordinator only.

The plan services name their fields in French (« titre », « axe »…); the 422 answers use the
API's field names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from ninja import Field, Path, Schema, Status
from pydantic import ConfigDict

from maillage.accounts.api_auth import token_auth
from maillage.accounts.permissions import can_edit, is_coordinator
from maillage.accounts.versioning import etag, version_of
from maillage.plan.models import Activity, Indicator
from maillage.plan.selectors import indicator_result, journal_queryset
from maillage.plan.services import (
    activity_delete,
    activity_record,
    activity_update,
    indicator_value_set,
)
from maillage.plan.validation import PlanValidationError

from . import plan as reads
from .concurrency import IF_MATCH_NOTE, STALE, if_match, set_etag
from .errors import ERRORS, ErrorOut
from .inputs import TEXT_MAX, Date, Finite, IdText, Slug, text

TAGS = ["plan d'action (écriture)"]
LIST_MAX = 50
# Field names of the plan services' messages → the API's field names.
FIELD_NAMES = {
    "type": "kind",
    "titre": "title",
    "axe": "axes",
    "objectifs": "objectives",
    "quartiers": "zones",
    "position": "lat",
    "pièces jointes": "attachments",
    "indicator": "code",
}
ROLES = (
    " Jeton obligatoire (`Authorization: Bearer mlg_…`) : chargé de coopération, ou partenaire "
    "du territoire (il ne modifie ou ne supprime que les activités qu'il a saisies) ; les "
    "observateurs n'écrivent pas."
)

Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=2_147_483_647)]
Axes = Annotated[
    list[Annotated[int, Field(ge=0, le=999)] | Slug],
    Field(max_length=LIST_MAX, description="Axes de la CTG : numéros (ex. [1, 3]) ou titres."),
]
Codes = Annotated[list[Slug], Field(max_length=LIST_MAX)]
ObjectiveCode = Annotated[str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,3})?$")]
ObjectiveCodes = Annotated[list[ObjectiveCode], Field(max_length=LIST_MAX)]
if TYPE_CHECKING:  # validated, cleaned texts (:func:`maillage.api.inputs.text`)
    Title = str
    Kind = str
    Names = list[str]
    LongText = str
    ShortText = str
    Justification = str
else:
    Title = text(300, description="Titre de l'activité.")
    Kind = text(200, description="Type d'activité : nom ou identifiant (ex. reunion-partenariale).")
    Names = Annotated[list[text(300)], Field(max_length=LIST_MAX)]
    LongText = text(TEXT_MAX)
    ShortText = text(300)
    Justification = text(TEXT_MAX, min_length=1)


class ActivityIn(Schema):
    """A journal entry (aggregates only: no personal data)."""

    model_config = ConfigDict(extra="forbid")

    date: Date = Field(description="Date de l'activité (AAAA-MM-JJ), dans la convention.")
    kind: Kind
    title: Title
    axes: Axes
    description: LongText = ""
    objectives: ObjectiveCodes = Field(
        [], description="Objectifs opérationnels (codes, ex. « 1.2 »)."
    )
    partners: Names = Field([], description="Partenaires associés (noms).")
    zones: Codes = Field([], description="Quartiers : codes ou noms des zones du territoire.")
    lon: Lon | None = Field(None, description="Longitude WGS84 (avec lat).")
    lat: Lat | None = Field(None, description="Latitude WGS84 (avec lon).")
    participants: Count | None = Field(None, description="Nombre de participants.")
    publics: ShortText = Field("", description="Publics touchés, en agrégé.")
    validated: bool = Field(False, description="Écrit partagé validé par les partenaires.")


class ActivityPatchIn(Schema):
    """The fields to change (the others stay as they are)."""

    model_config = ConfigDict(extra="forbid")

    date: Date | None = None
    kind: Kind | None = None
    title: Title | None = None
    axes: Axes | None = None
    description: LongText | None = None
    objectives: ObjectiveCodes | None = None
    partners: Names | None = None
    zones: Codes | None = None
    lon: Lon | None = None
    lat: Lat | None = None
    participants: Count | None = None
    publics: ShortText | None = None
    validated: bool | None = None


class IndicatorValueIn(Schema):
    model_config = ConfigDict(extra="forbid")

    value: Finite = Field(description="Valeur de l'indicateur pour l'année.")
    justification: Justification = Field(
        description="Source et méthode : enquête, relevé, compte rendu…"
    )


ACTIVITY_ID = Path(
    ...,
    description="Identifiant numérique de l'activité.",
)
CODE = Path(..., description="Code de l'indicateur (ex. 1.1).", pattern=r"^[0-9]{1,3}\.[0-9]{1,3}$")
YEAR = Path(..., description="Année de la convention.", ge=1900, le=2200)


def _renamed(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({FIELD_NAMES.get(k, k): v for k, v in exc.message_dict.items()})


def _activity(territory: Any, activity_id: str) -> Activity:
    found = None
    if activity_id.isascii() and activity_id.isdigit() and len(activity_id) <= 18:
        found = journal_queryset(territory=territory).filter(pk=int(activity_id)).first()
    if found is None:
        raise Http404(f"Activité « {activity_id} » introuvable dans ce journal.")
    return found


def _not_null(values: dict[str, Any]) -> dict[str, Any]:
    """A PATCH may clear lon, lat and participants (null); other fields need a value."""
    nullable = {"lon", "lat", "participants"}
    refused = sorted(k for k, v in values.items() if v is None and k not in nullable)
    if refused:
        raise ValidationError({k: ["valeur attendue (null refusé)."] for k in refused})
    if not values:
        raise ValidationError({"body": ["aucun champ à modifier."]})
    return values


@reads.router.post(
    "/{slug}/journal",
    response={201: reads.ActivityOut, **ERRORS},
    auth=token_auth,
    tags=TAGS,
    summary="Inscrire une activité au journal",
    description=(
        "Inscrit une activité au journal de la CTG (`date`, `kind`, `title`, `axes` "
        "obligatoires ; `objectives` en codes « 1.2 », `zones` en codes ou noms de quartier, "
        "`partners` en noms). Pièces jointes : par le site." + ROLES
    ),
)
def journal_create(request, slug: str, payload: ActivityIn):
    territory = reads._territory(slug)
    if not can_edit(request.auth, Activity(territory=territory)):
        raise PermissionDenied(
            "Saisie du journal réservée au chargé de coopération et aux partenaires du territoire."
        )
    try:
        activity = activity_record(territory=territory, author=request.auth, **payload.model_dump())
    except PlanValidationError as exc:
        raise _renamed(exc) from exc
    return Status(201, reads.activity_out(_activity(territory, str(activity.pk))))


@reads.router.get(
    "/{slug}/journal/{activity_id}",
    response={200: reads.ActivityOut, 400: ErrorOut, 404: ErrorOut},
    summary="Une activité du journal",
    description=(
        "Une activité du journal, avec l'en-tête `ETag` : sa version, à renvoyer dans "
        "`If-Match` pour la modifier."
    ),
)
def journal_detail(request, response: HttpResponse, slug: str, activity_id: IdText = ACTIVITY_ID):
    territory = reads._territory(slug)
    activity = _activity(territory, activity_id)
    set_etag(response, activity)
    return reads.activity_out(activity)


@reads.router.patch(
    "/{slug}/journal/{activity_id}",
    response={200: reads.ActivityOut, **ERRORS, **STALE},
    auth=token_auth,
    tags=TAGS,
    summary="Modifier une activité du journal",
    description="Modifie les champs envoyés d'une activité du journal." + ROLES + IF_MATCH_NOTE,
)
def journal_patch(
    request,
    response: HttpResponse,
    slug: str,
    payload: ActivityPatchIn,
    activity_id: IdText = ACTIVITY_ID,
):
    territory = reads._territory(slug)
    activity = _activity(territory, activity_id)
    if not can_edit(request.auth, activity):
        raise PermissionDenied("Modification réservée au chargé de coopération et à l'auteur.")
    values = _not_null(payload.model_dump(exclude_unset=True))
    try:
        activity_update(activity=activity, user=request.auth, version=if_match(request), **values)
    except PlanValidationError as exc:
        raise _renamed(exc) from exc
    set_etag(response, activity)
    return Status(200, reads.activity_out(_activity(territory, activity_id)))


@reads.router.delete(
    "/{slug}/journal/{activity_id}",
    response={204: None, **ERRORS},
    auth=token_auth,
    tags=TAGS,
    summary="Supprimer une activité du journal",
    description="Supprime l'activité et ses pièces jointes (inscrit dans l'historique)." + ROLES,
)
def journal_delete(request, slug: str, activity_id: IdText = ACTIVITY_ID):
    territory = reads._territory(slug)
    activity = _activity(territory, activity_id)
    if not can_edit(request.auth, activity):
        raise PermissionDenied("Suppression réservée au chargé de coopération et à l'auteur.")
    activity_delete(activity=activity, user=request.auth)
    return Status(204, None)


class IndicatorValueOut(Schema):
    year: int
    value: float | None = Field(description="Valeur saisie (null : aucune pour cette année).")
    justification: str


def _manual_indicator(request, slug: str, code: str) -> tuple[Any, Indicator]:
    territory = reads._territory(slug)
    if not is_coordinator(request.auth, territory):
        raise PermissionDenied("Saisie des indicateurs réservée au chargé de coopération.")
    axis, _, number = code.partition(".")
    indicator = Indicator.objects.filter(
        axis__convention__territory=territory, axis__number=int(axis), number=int(number)
    ).first()
    if indicator is None:
        raise Http404(f"Indicateur « {code} » absent du plan.")
    return territory, indicator


def _value_etag(response: HttpResponse, indicator: Indicator, year: int) -> Any:
    value = indicator.values.filter(year=year).first()
    response["ETag"] = etag(version_of(value))  # ABSENT: no value entered for that year yet
    return value


@reads.router.get(
    "/{slug}/indicators/{code}/values/{year}",
    response={200: IndicatorValueOut, **ERRORS},
    auth=token_auth,
    tags=TAGS,
    summary="La valeur saisie d'un indicateur manuel pour une année",
    description=(
        "La valeur saisie et sa justification, avec l'en-tête `ETag` (sa version ; "
        '`"absent"` quand aucune valeur n\'est saisie), à renvoyer dans `If-Match` pour la '
        "remplacer. Réservé au chargé de coopération (jeton obligatoire)."
    ),
)
def indicator_value_get(
    request, response: HttpResponse, slug: str, code: str = CODE, year: int = YEAR
):
    _territory, indicator = _manual_indicator(request, slug, code)
    value = _value_etag(response, indicator, year)
    if value is None:  # nothing entered yet: null, and the version « absent »
        return {"year": year, "value": None, "justification": ""}
    return {"year": value.year, "value": value.value, "justification": value.justification}


@reads.router.put(
    "/{slug}/indicators/{code}/values/{year}",
    response={200: reads.IndicatorOut, **ERRORS, **STALE},
    auth=token_auth,
    tags=TAGS,
    summary="Saisir la valeur annuelle d'un indicateur manuel",
    description=(
        "Enregistre (ou remplace) la valeur d'un indicateur à saisie manuelle pour une année de "
        "la convention, avec sa justification ; renvoie l'indicateur recalculé. Les "
        "indicateurs calculés refusent la saisie (422). Réservé au chargé de coopération "
        "(jeton obligatoire)." + IF_MATCH_NOTE + " Pour une année sans valeur, la version est "
        '`"absent"`.'
    ),
)
def indicator_value_put(
    request,
    response: HttpResponse,
    slug: str,
    payload: IndicatorValueIn,
    code: str = CODE,
    year: int = YEAR,
):
    territory, indicator = _manual_indicator(request, slug, code)
    try:
        indicator_value_set(
            indicator=indicator,
            year=year,
            value=payload.value,
            justification=payload.justification,
            author=request.auth,
            version=if_match(request),
        )
    except PlanValidationError as exc:
        raise _renamed(exc) from exc
    _value_etag(response, indicator, year)
    return Status(200, indicator_result(territory=territory, indicator_id=indicator.pk))
