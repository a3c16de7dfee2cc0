"""Writes of the residents' contributions: receive a report or a proposed place, accept or
reject it (the coordinator), tell the partner and the resident, erase the contact address.

Nothing public changes when a contribution arrives. Accepting an error report changes nothing
either: the coordinator corrects the fiche through the partners' space (its edit form, its
history). Accepting a proposed place creates a **draft** structure « à localiser » through
:func:`maillage.directory.services.structure_create` (validation, derived data, history), which
the coordinator completes and publishes as any other draft.

Mails are plain text only (no HTML part): a resident's text is never markup there; subjects
carry only the fiche's name, never the resident's text.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from maillage.accounts import permissions
from maillage.accounts.models import Membership, Role
from maillage.directory.models import Structure
from maillage.directory.services import structure_create
from maillage.territory.models import Territory

from .models import ResidentReport

# A contact address is erased once the outcome is sent, or after this many days in any case.
KEEP_CONTACT_DAYS = 90

logger = logging.getLogger(__name__)


def _send(*, subject: str, message: str, recipients: list[str]) -> bool:
    """Send a plain-text mail; a mail server failure is logged, never an error page (the
    contribution or the decision is already saved)."""
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=recipients)
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("courriel non envoyé (%s) : %s", subject, exc)
        return False
    return True


def _clean(text: str) -> str:
    """A resident's text without control characters (tabs and new lines kept)."""
    return "".join(c for c in (text or "") if c in "\t\n" or ord(c) >= 32).strip()


def _one_line(text: str, limit: int = 200) -> str:
    return " ".join((text or "").split())[:limit]


def report_error(
    *, structure: Structure, field: str, message: str, contact_email: str = "", link: str = ""
) -> ResidentReport:
    """Keep a resident's report of an error on a published fiche; tell the coordinators and the
    fiche's partners (``link``: the report's address in the partners' space)."""
    if not structure.published or structure.declared_only:
        raise ValidationError("Cette fiche n'est pas publiée.")
    report = ResidentReport(
        territory=structure.territory,
        kind=ResidentReport.Kind.ERROR,
        structure=structure,
        structure_name=structure.name[:200],
        field=field,
        message=_clean(message),
        contact_email=(contact_email or "").strip().lower(),
    )
    return _keep(report, link)


def propose_place(
    *,
    territory: Territory,
    name: str,
    address: str,
    offer: str,
    contact_email: str = "",
    link: str = "",
) -> ResidentReport:
    """Keep a place a resident proposes; tell the coordinators."""
    report = ResidentReport(
        territory=territory,
        kind=ResidentReport.Kind.PLACE,
        place_name=_one_line(name),
        place_address=_one_line(address, 300),
        place_offer=_clean(offer),
        contact_email=(contact_email or "").strip().lower(),
    )
    return _keep(report, link)


@transaction.atomic
def _keep(report: ResidentReport, link: str) -> ResidentReport:
    report.full_clean(exclude=["territory", "structure", "reviewed_by", "created_structure"])
    report.save()
    contacts_purge()
    transaction.on_commit(lambda: notify_new(report=report, link=link))
    return report


def _emails(qs: Any) -> list[str]:
    return sorted({m.user.email for m in qs.select_related("user") if m.user.email})


def notify_new(*, report: ResidentReport, link: str = "") -> int:
    """Mail the coordinators and, for a fiche, the partners of its organisation; returns the
    number of recipients."""
    members = Membership.objects.filter(territory=report.territory, user__is_active=True)
    coordinators = _emails(members.filter(role=Role.COORDINATOR))
    partners: list[str] = []
    structure = report.structure
    if structure is not None and structure.organisation_id:
        partners = _emails(
            members.filter(role=Role.PARTNER, organisation_id=structure.organisation_id)
        )
    where = f"\nVoir : {link}\n" if link else ""
    if report.kind == ResidentReport.Kind.ERROR:
        subject = f"Maillage — erreur signalée sur « {_one_line(report.structure_name)} »"
        body = (
            f"Bonjour,\n\nUn habitant signale une erreur sur la fiche « {report.structure_name} » "
            f"({report.get_field_display()}) :\n\n{report.message}\n\n"
        )
    else:
        subject = f"Maillage — lieu proposé : « {_one_line(report.place_name)} »"
        body = (
            f"Bonjour,\n\nUn habitant propose un lieu pour l'annuaire :\n\n"
            f"Nom : {report.place_name}\nAdresse : {report.place_address}\n"
            f"Ce qu'il propose :\n{report.place_offer}\n\n"
        )
    sent = 0
    if coordinators and _send(
        subject=subject,
        message=body + "À examiner dans l'espace partenaires, rubrique « Signalements des "
        "habitants ». Rien n'est publié avant votre décision." + where + "\nMaillage",
        recipients=coordinators,
    ):
        sent += len(coordinators)
    if partners and _send(
        subject=subject,
        message=body + "Le chargé de coopération l'examine ; si l'erreur est avérée, "
        "corrigez la fiche depuis l'espace partenaires.\n\nMaillage",
        recipients=partners,
    ):
        sent += len(partners)
    return sent


def _check_coordinator(user: Any, report: ResidentReport) -> None:
    if not permissions.is_coordinator(user, report.territory):
        raise PermissionDenied("Décision réservée au chargé de coopération du territoire.")
    if report.status != ResidentReport.Status.PENDING:
        raise ValidationError("Cette contribution a déjà été examinée.")


@transaction.atomic
def report_accept(*, report: ResidentReport, user: Any, comment: str = "") -> ResidentReport:
    """The coordinator takes a contribution into account. A proposed place becomes a draft
    structure « à localiser » (unpublished), created through the directory's service."""
    report = ResidentReport.objects.select_for_update().get(pk=report.pk)
    _check_coordinator(user, report)
    if report.kind == ResidentReport.Kind.PLACE:
        day = timezone.localdate(report.created_at).strftime("%d/%m/%Y")
        report.created_structure = structure_create(
            territory=report.territory,
            name=report.place_name,
            user=user,
            address=report.place_address,
            description=report.place_offer,
            published=False,
            note=f"Lieu proposé par un habitant le {day} (contribution n° {report.pk}) : "
            "à vérifier, localiser et compléter avant publication.",
        )
    return _close(report, ResidentReport.Status.ACCEPTED, user, comment)


@transaction.atomic
def report_reject(*, report: ResidentReport, user: Any, comment: str = "") -> ResidentReport:
    """The coordinator does not retain a contribution (nothing changes in the directory)."""
    report = ResidentReport.objects.select_for_update().get(pk=report.pk)
    _check_coordinator(user, report)
    return _close(report, ResidentReport.Status.REJECTED, user, comment)


def _close(report: ResidentReport, status: str, user: Any, comment: str) -> ResidentReport:
    report.status = status
    report.reviewed_by, report.reviewed_at = user, timezone.now()
    report.comment = _clean(comment)[:2000]
    report.save()
    if report.contact_email:
        pk = report.pk
        transaction.on_commit(lambda: outcome_send(report=ResidentReport.objects.get(pk=pk)))
    return report


def outcome_send(*, report: ResidentReport) -> bool:
    """Tell the resident the outcome, then erase their address. Returns whether a mail left."""
    if not report.contact_email or report.status == ResidentReport.Status.PENDING:
        return False
    accepted = report.status == ResidentReport.Status.ACCEPTED
    if report.kind == ResidentReport.Kind.ERROR:
        what = f"l'erreur que vous avez signalée sur la fiche « {report.structure_name} »"
        result = (
            "a été prise en compte : la fiche sera corrigée."
            if accepted
            else "n'a pas été retenue."
        )
    else:
        what = f"le lieu que vous avez proposé, « {report.place_name} »,"
        result = (
            "a été retenu : il sera vérifié avant d'apparaître dans l'annuaire."
            if accepted
            else "n'a pas été retenu pour l'annuaire."
        )
    answer = f"\n\nRéponse du chargé de coopération :\n{report.comment}" if report.comment else ""
    if not _send(
        subject=f"Maillage — suite donnée à votre message ({report.territory.name})",
        message=(
            f"Bonjour,\n\nMerci pour votre message : {what} {result}{answer}\n\n"
            "Votre adresse électronique a été effacée de nos données après l'envoi de ce "
            "message.\n\nMaillage"
        ),
        recipients=[report.contact_email],
    ):
        return False  # kept for now; erased by the purge after KEEP_CONTACT_DAYS days anyway
    now = timezone.now()
    ResidentReport.objects.filter(pk=report.pk).update(
        contact_email="", outcome_sent_at=now, contact_erased_at=now
    )
    return True


def contacts_purge(*, days: int = KEEP_CONTACT_DAYS) -> int:
    """Erase the contact addresses older than ``days`` days; returns how many."""
    limit = timezone.now() - timedelta(days=days)
    return (
        ResidentReport.objects.filter(created_at__lt=limit)
        .exclude(contact_email="")
        .update(contact_email="", contact_erased_at=timezone.now())
    )
