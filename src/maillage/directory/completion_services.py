"""Writes of « Compléter l'offre »: positions proposed from an address and confirmed by the
coordinator, « même lieu que … », a click on the map, and a grouped record split into parts.

Only the territory's coordinator writes here (``PermissionDenied`` otherwise). Every position
goes through :func:`maillage.directory.services.structure_place`, so it is validated (France,
near the territory) and recorded in the history with who placed it and from which source:
« BAN : <adresse> (score …) », « Géoplateforme : … », « clic sur la carte »,
« même lieu que <nom> ». A geocoder's answer is never applied silently: it becomes a
:class:`~maillage.directory.models.PositionProposal` the coordinator accepts or rejects.
Edits carry the version the page was shown with (:func:`maillage.accounts.versioning.
check_version`): a record changed meanwhile is refused with a French message, nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.actor import Actor, author
from maillage.accounts.history import record_change, snapshot
from maillage.accounts.permissions import is_coordinator
from maillage.accounts.versioning import check_version
from maillage.territory.models import Commune, Territory

from .models import PositionProposal, Service, Structure
from .services import service_create, structure_create, structure_place

CLICK_SOURCE = "clic sur la carte"
EXACT_MIN_SCORE = 0.9  # an address point matched at least this well is an exact position
MAX_PLACES = 999  # a part's capacity (places); more is a typing error
# Fields of the grouped record's service that its parts inherit (the public, the ages, the
# modes): the part is the same kind of place, only its name, position and capacity differ.
INHERITED_SERVICE_FIELDS = (
    "description",
    "type",
    "thematiques",
    "publics",
    "publics_precisions",
    "conditions_acces",
    "frais",
    "modes_accueil",
    "age_min",
    "age_max",
    "childcare_modes",
)


def _check_coordinator(user: Actor, territory: Territory) -> None:
    if not is_coordinator(user, territory):
        raise PermissionDenied(_("Action réservée au chargé de coopération du territoire."))


def _check_placeable(structure: Structure) -> None:
    if structure.grouped_count and structure.grouped_count > 1:
        raise ValidationError(
            {
                "structure": _(
                    "« %(name)s » regroupe %(n)d lieux : elle ne se place pas en un point. "
                    "Répartissez-la en fiches, une par lieu."
                )
                % {"name": structure.name, "n": structure.grouped_count}
            }
        )


def geocode_query(structure: Structure) -> str:
    """The address of ``structure`` as sent to the geocoder (street, postcode, commune)."""
    commune = ""
    if structure.commune_id is not None:
        names = Commune.objects.filter(pk=structure.commune_id).values_list("name", flat=True)
        commune = names.first() or ""
    parts = [structure.address.strip(), structure.postcode.strip(), commune]
    return " ".join(p for p in parts if p)


def _geocode(structure: Structure, query: str, limit: int) -> Any:
    from maillage.addresses.selectors import geocode

    return geocode(territory=structure.territory, query=query, limit=limit)


def _proposal(structure: Structure, query: str, candidate: Any, user: Actor) -> PositionProposal:
    return PositionProposal.objects.create(
        structure=structure,
        query=query[:300],
        label=str(candidate.label)[:300],
        lon=float(candidate.lon),
        lat=float(candidate.lat),
        score=max(0.0, min(1.0, float(candidate.score))),
        source=str(candidate.source)[:40],
        kind=str(getattr(candidate, "kind", "") or "")[:20],
        created_by=author(user),
    )


def _drop_pending(structure: Structure, user: Actor) -> None:
    structure.position_proposals.filter(status=PositionProposal.Status.PENDING).update(
        status=PositionProposal.Status.REJECTED, decided_by=user, decided_at=timezone.now()
    )


@dataclass
class GeocodeOutcome:
    """What a geocoding request produced (proposals to confirm) and what it could not do."""

    proposals: list[PositionProposal] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)  # names of records without an answer
    error: str | None = None  # French: the geocoder is unreachable, or nothing to geocode


@transaction.atomic
def position_candidates(
    *, structure: Structure, user: Actor, query: str = "", limit: int = 5
) -> GeocodeOutcome:
    """Geocode the address of ``structure`` (or ``query``) and keep the candidates as
    proposals for the coordinator to confirm; earlier pending proposals are replaced."""
    _check_coordinator(user, structure.territory)
    _check_placeable(structure)
    query = (query or "").strip() or geocode_query(structure)
    if not structure.address.strip() and not (query and query != geocode_query(structure)):
        raise ValidationError(
            {
                "query": _("« %(name)s » n'a pas d'adresse : saisissez-en une.")
                % {"name": structure.name}
            }
        )
    if len(query) > 300:
        raise ValidationError({"query": _("Adresse trop longue (300 caractères au plus).")})
    answer = _geocode(structure, query, limit)
    outcome = GeocodeOutcome(error=answer.error)
    if not answer.candidates:
        outcome.not_found.append(structure.name)
        return outcome
    _drop_pending(structure, user)
    outcome.proposals = [_proposal(structure, query, c, user) for c in answer.candidates]
    return outcome


@transaction.atomic
def proposals_geocode_all(*, territory: Territory, user: Actor) -> GeocodeOutcome:
    """« Géocoder toutes les adresses »: the best candidate for every published record of
    ``territory`` without a position that has an address and no pending proposal (grouped
    records excepted: they are split, not placed). Nothing is placed: each proposal waits for
    the coordinator."""
    _check_coordinator(user, territory)
    todo = [
        s
        for s in Structure.objects.filter(territory=territory, published=True, x_l93__isnull=True)
        .exclude(address="")
        .select_related("territory")
        .order_by("name", "pk")
        if not (s.grouped_count and s.grouped_count > 1)
        and not s.position_proposals.filter(status=PositionProposal.Status.PENDING).exists()
    ]
    outcome = GeocodeOutcome()
    if not todo:
        outcome.error = _("Aucune fiche à localiser n'a d'adresse sans proposition en attente.")
        return outcome
    for s in todo:
        query = geocode_query(s)
        answer = _geocode(s, query, 1)
        if answer.error and not answer.candidates:
            outcome.error = answer.error
        if answer.candidates:
            outcome.proposals.append(_proposal(s, query, answer.candidates[0], user))
        else:
            outcome.not_found.append(s.name)
    return outcome


def _pending(proposal: PositionProposal) -> None:
    if proposal.status != PositionProposal.Status.PENDING:
        raise ValidationError(
            {
                "proposal": _("Cette proposition a déjà été %(status)s.")
                % {"status": proposal.get_status_display()}
            }
        )


@transaction.atomic
def proposal_accept(*, proposal: PositionProposal, user: Actor, version: str | None) -> Structure:
    """Place the record at the proposal's position (the coordinator confirms it)."""
    proposal = PositionProposal.objects.select_for_update().get(pk=proposal.pk)
    structure = proposal.structure
    _check_coordinator(user, structure.territory)
    _pending(proposal)
    check_version(structure, version)
    _check_placeable(structure)
    score = f"{proposal.score:.2f}".replace(".", ",")
    placed = structure_place(
        structure=structure,
        lon=proposal.lon,
        lat=proposal.lat,
        # An address point (a number of the street, well matched) is the building's entrance;
        # the middle of a street or a loose match is approximate.
        precision=Structure.Precision.EXACT
        if proposal.kind == "housenumber" and proposal.score >= EXACT_MIN_SCORE
        else Structure.Precision.APPROXIMATE,
        source=f"{proposal.source} : {proposal.label} (score {score})",
        user=user,
    )
    now = timezone.now()
    PositionProposal.objects.filter(pk=proposal.pk).update(
        status=PositionProposal.Status.ACCEPTED, decided_by=user, decided_at=now
    )
    structure.position_proposals.filter(status=PositionProposal.Status.PENDING).update(
        status=PositionProposal.Status.REJECTED, decided_by=user, decided_at=now
    )
    return placed


@transaction.atomic
def proposal_reject(*, proposal: PositionProposal, user: Actor) -> None:
    """Reject a proposal (the record stays « à localiser »)."""
    proposal = PositionProposal.objects.select_for_update().get(pk=proposal.pk)
    _check_coordinator(user, proposal.structure.territory)
    _pending(proposal)
    PositionProposal.objects.filter(pk=proposal.pk).update(
        status=PositionProposal.Status.REJECTED, decided_by=user, decided_at=timezone.now()
    )


@transaction.atomic
def structure_same_place(
    *, structure: Structure, other: Structure, user: Actor, version: str | None
) -> Structure:
    """Place ``structure`` at the position of ``other`` (« même lieu que <nom> »)."""
    _check_coordinator(user, structure.territory)
    check_version(structure, version)
    _check_placeable(structure)
    if other.territory_id != structure.territory_id or other.pk == structure.pk:
        raise ValidationError({"other": _("Choisissez une autre fiche du territoire.")})
    if other.lon is None or other.lat is None:
        raise ValidationError(
            {"other": _("« %(name)s » n'est pas localisée.") % {"name": other.name}}
        )
    precision = (
        other.position_precision
        if other.position_precision in (Structure.Precision.EXACT, Structure.Precision.APPROXIMATE)
        else Structure.Precision.APPROXIMATE
    )
    placed = structure_place(
        structure=structure,
        lon=other.lon,
        lat=other.lat,
        precision=precision,
        source=_("même lieu que %(name)s") % {"name": other.name},
        user=user,
    )
    _drop_pending(structure, user)
    return placed


@transaction.atomic
def structure_click_place(
    *,
    structure: Structure,
    lon: float,
    lat: float,
    precision: str,
    user: Actor,
    version: str | None,
) -> Structure:
    """Place ``structure`` where the coordinator clicked on the map."""
    _check_coordinator(user, structure.territory)
    check_version(structure, version)
    _check_placeable(structure)
    placed = structure_place(
        structure=structure, lon=lon, lat=lat, precision=precision, source=CLICK_SOURCE, user=user
    )
    _drop_pending(structure, user)
    return placed


def _check_places(places: Any) -> int | None:
    if places is None or places == "":
        return None
    try:
        value = int(places)
    except (TypeError, ValueError):
        raise ValidationError({"places": _("Nombre de places entier attendu.")}) from None
    if not 0 <= value <= MAX_PLACES:
        raise ValidationError(
            {"places": _("Nombre de places entre 0 et %(max)d attendu.") % {"max": MAX_PLACES}}
        )
    return value


@transaction.atomic
def grouped_split(
    *,
    parent: Structure,
    user: Actor,
    name: str,
    places: Any = None,
    address: str = "",
    postcode: str = "",
    parts_seen: int | None = None,
) -> Structure:
    """Split one real place out of a grouped record: a new fiche (``part_of`` = ``parent``)
    of the same typology, commune and organisation, with a service like the parent's of
    ``places`` places. ``parts_seen``: how many parts the page showed (refused when another
    split happened meanwhile). The parent keeps its declared total as a check."""
    _check_coordinator(user, parent.territory)
    parent = Structure.objects.select_for_update().get(pk=parent.pk)
    if not (parent.grouped_count and parent.grouped_count > 1):
        raise ValidationError({"name": _("Cette fiche ne regroupe pas plusieurs lieux.")})
    if parent.part_of_id is not None:
        raise ValidationError({"name": _("Une fiche déjà répartie ne se répartit pas à nouveau.")})
    existing = parent.parts.count()
    if parts_seen is not None and parts_seen != existing:
        raise ValidationError(
            {
                "name": _(
                    "« %(name)s » a été répartie entre-temps (%(n)d fiches au lieu de %(seen)d) : "
                    "rechargez la page avant de continuer."
                )
                % {"name": parent.name, "n": existing, "seen": parts_seen}
            }
        )
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Indiquez le nom du lieu.")})
    value = _check_places(places)
    fields: dict[str, Any] = {
        "address": (address or "").strip(),
        "postcode": (postcode or "").strip(),
        "source_label": _("Répartition de « %(name)s » par le chargé de coopération")
        % {"name": parent.name},
        "published": True,
    }
    if parent.typology_id:
        fields["typology"] = parent.typology
    if parent.commune_id:
        fields["commune"] = parent.commune
    if parent.organisation_id:
        fields["organisation"] = parent.organisation
    part = structure_create(territory=parent.territory, name=name, user=user, **fields)
    before = snapshot(part)
    part.part_of = parent
    part.save(update_fields=["part_of"])
    record_change(
        obj=part,
        user=user,
        before=before,
        after=snapshot(part),
        action="update",
        note=_("lieu réparti depuis « %(name)s »") % {"name": parent.name},
    )
    template = Service.objects.filter(structure=parent, published=True).order_by("pk").first()
    service_fields: dict[str, Any] = {"capacity": value, "published": True}
    service_name = name
    if template is not None:
        service_name = template.name
        service_fields.update({k: getattr(template, k) for k in INHERITED_SERVICE_FIELDS})
    if template is not None or value is not None:
        service_create(structure=part, name=service_name, user=user, **service_fields)
    return part
