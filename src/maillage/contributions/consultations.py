"""The residents' consultation (« espace de concertation »): the coordinator publishes a short
questionnaire for a quartier or the whole territory, residents answer anonymously (the same
protections as the other residents' forms: per-address limit, honeypot, fill time), results are
counted by quartier, and the consultation becomes a journal activity of kind « concertation des
habitants » (through :func:`maillage.plan.services.activity_record`).

Anonymity: an answer keeps the quartier the resident chose (optional), the day and the answers,
nothing else. Results by quartier are shown only for quartiers with at least
:data:`MIN_GROUP` answers; smaller groups are added together (« autres quartiers »).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.accounts import permissions
from maillage.plan.models import Activity, ActivityKind
from maillage.plan.services import activity_kind_get_or_create, activity_record
from maillage.territory.models import Territory, Zone
from maillage.territory.selectors import territory_zones
from maillage.territory.services import territory_touch

from .models import Consultation, ConsultationAnswer, ConsultationQuestion

MAX_QUESTIONS = 5
MAX_CHOICES = 10
MAX_TEXT_ANSWER = 1000
MIN_GROUP = 5
KIND_SLUG, KIND_NAME = "concertation-des-habitants", "concertation des habitants"
OTHERS = "Autres quartiers (moins de 5 réponses chacun)"
NO_ZONE = "Quartier non précisé"


def quartiers(*, territory: Territory) -> list[Zone]:
    """The quartiers a resident may say they live in: those the directory's search offers (QPV,
    quartiers and residential IRIS)."""
    return [
        z
        for z in territory_zones(territory=territory)
        if z.kind != "iris" or z.zone_type in ("", "H")
    ]


def _check_coordinator(user: Any, territory: Territory) -> None:
    if not permissions.is_coordinator(user, territory):
        raise PermissionDenied("Concertations réservées au chargé de coopération du territoire.")


@transaction.atomic
def consultation_create(
    *,
    territory: Territory,
    user: Any,
    title: str,
    intro: str = "",
    zone: Zone | None = None,
    questions: list[dict[str, Any]],
) -> Consultation:
    """Publish a questionnaire; ``questions``: ``{"text", "kind", "choices"}`` each."""
    _check_coordinator(user, territory)
    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").split())
    if not title:
        errors.setdefault("title", []).append("Donnez un titre à la concertation.")
    if zone is not None and zone.pk not in {z.pk for z in quartiers(territory=territory)}:
        errors.setdefault("zone", []).append("Ce quartier n'est pas celui du territoire.")
    kept = [q for q in questions if (q.get("text") or "").strip()]
    if not kept:
        errors.setdefault("__all__", []).append("Posez au moins une question.")
    if len(kept) > MAX_QUESTIONS:
        errors.setdefault("__all__", []).append(f"{MAX_QUESTIONS} questions au plus.")
    for i, q in enumerate(kept, start=1):
        kind = q.get("kind")
        choices = [" ".join(c.split())[:100] for c in q.get("choices") or [] if c.strip()]
        q["choices"] = list(dict.fromkeys(choices))
        if kind not in ConsultationQuestion.Kind.values:
            errors.setdefault("__all__", []).append(f"Question {i} : type de réponse inconnu.")
        elif kind != "text" and not 2 <= len(q["choices"]) <= MAX_CHOICES:
            errors.setdefault("__all__", []).append(
                f"Question {i} : donnez de 2 à {MAX_CHOICES} réponses possibles, une par ligne."
            )
    if errors:
        raise ValidationError(errors)
    consultation = Consultation.objects.create(
        territory=territory,
        title=title[:200],
        intro=(intro or "").strip()[:2000],
        zone=zone,
        created_by=user,
    )
    for i, q in enumerate(kept, start=1):
        ConsultationQuestion.objects.create(
            consultation=consultation,
            position=i,
            text=" ".join(q["text"].split())[:300],
            kind=q["kind"],
            choices=q["choices"] if q["kind"] != "text" else [],
        )
    territory_touch(territory=territory)  # the directory's « Donnez votre avis » box
    return consultation


@transaction.atomic
def consultation_close(*, consultation: Consultation, user: Any) -> Consultation:
    _check_coordinator(user, consultation.territory)
    if consultation.status != Consultation.Status.CLOSED:
        consultation.status, consultation.closed_at = Consultation.Status.CLOSED, timezone.now()
        consultation.save(update_fields=["status", "closed_at"])
        territory_touch(territory=consultation.territory)
    return consultation


def answer_record(
    *, consultation: Consultation, values: dict[int, Any], zone: Zone | None = None
) -> ConsultationAnswer:
    """Keep one resident's answers (``values``: question id → choice, choices or text)."""
    if consultation.status != Consultation.Status.OPEN:
        raise ValidationError("Cette concertation est close : merci de votre intérêt.")
    kept: dict[str, Any] = {}
    for question in consultation.questions.all():
        value = values.get(question.pk)
        if question.kind == "single" and value in question.choices:
            kept[str(question.pk)] = value
        elif question.kind == "multiple" and isinstance(value, list):
            chosen = [c for c in question.choices if c in value]
            if chosen:
                kept[str(question.pk)] = chosen
        elif question.kind == "text" and isinstance(value, str) and value.strip():
            kept[str(question.pk)] = value.strip()[:MAX_TEXT_ANSWER]
    if not kept:
        raise ValidationError("Répondez à au moins une question.")
    if consultation.zone is not None:
        zone = consultation.zone
    elif zone is not None and zone.pk not in {
        z.pk for z in quartiers(territory=consultation.territory)
    }:
        zone = None
    return ConsultationAnswer.objects.create(
        consultation=consultation, zone=zone, answered_on=timezone.localdate(), values=kept
    )


@dataclass
class ChoiceRow:
    choice: str
    total: int
    by_group: list[int]


@dataclass
class QuestionResult:
    question: ConsultationQuestion
    answered: int
    rows: list[ChoiceRow] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ConsultationResults:
    consultation: Consultation
    total: int
    groups: list[tuple[str, int]]  # (quartier or « autres quartiers », answers), shown columns
    questions: list[QuestionResult]


def consultation_results(*, consultation: Consultation) -> ConsultationResults:
    """Counts by question and choice, overall and by quartier (groups under :data:`MIN_GROUP`
    answers added together)."""
    answers = list(consultation.answers.select_related("zone"))
    sizes: dict[str, int] = {}
    for a in answers:
        name = a.zone.name if a.zone else NO_ZONE
        sizes[name] = sizes.get(name, 0) + 1
    shown = sorted(n for n, c in sizes.items() if c >= MIN_GROUP and n != NO_ZONE)
    small = [n for n in sizes if n not in shown]

    def group_of(a: ConsultationAnswer) -> str:
        name = a.zone.name if a.zone else NO_ZONE
        return name if name in shown else OTHERS

    names = shown + ([OTHERS] if small else [])
    groups = [(n, sum(1 for a in answers if group_of(a) == n)) for n in names]
    results = []
    for q in consultation.questions.all():
        key = str(q.pk)
        given = [a for a in answers if key in a.values]
        result = QuestionResult(question=q, answered=len(given))
        if q.kind == "text":
            result.texts = [(group_of(a), str(a.values[key])) for a in given]
        else:
            for choice in q.choices:

                def has(a: ConsultationAnswer, choice: str = choice, key: str = key) -> bool:
                    v = a.values[key]
                    return v == choice or (isinstance(v, list) and choice in v)

                result.rows.append(
                    ChoiceRow(
                        choice=choice,
                        total=sum(1 for a in given if has(a)),
                        by_group=[
                            sum(1 for a in given if has(a) and group_of(a) == n) for n in names
                        ],
                    )
                )
        results.append(result)
    return ConsultationResults(
        consultation=consultation, total=len(answers), groups=groups, questions=results
    )


def _journal_kind() -> ActivityKind:
    return activity_kind_get_or_create(slug=KIND_SLUG, name=KIND_NAME)


def _summary(results: ConsultationResults) -> str:
    lines = [f"{results.total} réponse(s) anonyme(s)."]
    for r in results.questions:
        lines.append(f"{r.question.text} ({r.answered} réponse(s))")
        for row in r.rows:
            lines.append(f"  - {row.choice} : {row.total}")
        if r.question.kind == "text":
            lines.append("  - réponses libres : voir la page des résultats")
    return "\n".join(lines)


@transaction.atomic
def consultation_to_journal(*, consultation: Consultation, user: Any, axis: Any) -> Activity:
    """Record the consultation and its result in the journal (kind « concertation des
    habitants », participants: the number of answers), once."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _check_coordinator(user, consultation.territory)
    if consultation.activity_id:
        raise ValidationError("Cette concertation est déjà au journal.")
    results = consultation_results(consultation=consultation)
    if results.total == 0:
        raise ValidationError("Aucune réponse : rien à inscrire au journal.")
    activity = activity_record(
        territory=consultation.territory,
        date=timezone.localdate(consultation.closed_at or timezone.now()),
        kind=_journal_kind(),
        title=f"Concertation des habitants : {consultation.title}",
        axes=[axis],
        description=_summary(results),
        zones=[consultation.zone] if consultation.zone else [],
        participants=results.total,
        publics="habitants",
        author=user,
    )
    consultation.activity = activity
    consultation.save(update_fields=["activity"])
    return activity
