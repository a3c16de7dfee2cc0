"""The portfolio page (« Mon portefeuille »): the territories a user follows, side by side.

Each row is gathered from the selectors the territory's own pages call, never recomputed: the
diagnostic (:func:`~maillage.diagnostic.selectors.diagnostic_build`, cached per data version and
day — its childcare rate and its zones blanches), the indicators
(:func:`~maillage.plan.selectors.indicator_results`, counted by status as the indicators page
does), the journal (:func:`~maillage.plan.selectors.journal_queryset`), the échéancier
(:func:`~maillage.plan.selectors.milestones`) and the COPIL meetings. Who sees which row is
:func:`maillage.accounts.portfolio.portfolio_territories`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from maillage.accounts.portfolio import (
    JOURNAL_WINDOW_DAYS,
    NextMilestone,
    PortfolioRow,
    ctg_population,
    portfolio_territories,
    similar_territories,
)
from maillage.diagnostic.childcare import childcare_rate
from maillage.diagnostic.selectors import diagnostic_build
from maillage.interop.tabular import table_response
from maillage.plan.copil import meetings as copil_meetings
from maillage.plan.models import Milestone
from maillage.plan.selectors import PlanNotFound, indicator_results, journal_queryset, milestones
from maillage.plan.status import Status, status_css
from maillage.territory.models import Territory

#: The zones blanches shown side by side: one theme for every row, so rows compare.
WHITE_THEME = "petite-enfance"
EXPORT_FORMATS = ("csv", "xlsx")


def status_counts(statuses: list[str]) -> list[tuple[str, str, int]]:
    """(status, css class, count) in the statuses' display order, as the indicators page."""
    counts = Counter(statuses)
    order = list(Status.values) + sorted(set(counts) - set(Status.values))
    return [(s, status_css(s), counts[s]) for s in order if counts[s]]


def _next_copil(territory: Territory, today: dt.date) -> tuple[dt.date, int] | None:
    """Date and id of the next COPIL meeting (today or later), as its list page shows it."""
    upcoming = [m for m in copil_meetings(territory=territory) if m.date >= today]
    if not upcoming:
        return None
    meeting = min(upcoming, key=lambda m: (m.date, m.pk))
    return meeting.date, meeting.pk


def portfolio_row(*, territory: Territory, role: str, today: dt.date) -> PortfolioRow:
    """One territory's row, from the result objects of its own pages.

    The diagnostic is asked exactly as its dashboard asks it (same cache entry)."""
    report = diagnostic_build(territory=territory)
    white = None
    if report.access is not None:
        white = next((t for t in report.access.themes if t.theme == WHITE_THEME), None)
    try:
        results = indicator_results(territory=territory, today=today)
        indicators: list[tuple[str, str, int]] | None = status_counts([r.status for r in results])
        plan_missing = ""
    except PlanNotFound as exc:
        results, indicators, plan_missing = [], None, str(exc)
    since = today - dt.timedelta(days=JOURNAL_WINDOW_DAYS - 1)
    recent = journal_queryset(territory=territory).filter(date__gte=since, date__lte=today)
    steps = milestones(territory=territory)
    upcoming = [m for m in steps if m.status in Milestone.OPEN_STATUSES and m.due_date >= today]
    copil = _next_copil(territory, today)
    return PortfolioRow(
        territory=territory,
        role=role,
        population=ctg_population([c for c in report.diag.communes if c.role == "CTG"]),
        childcare=report.childcare_rate,
        white=white,
        white_theme_label=white.theme_label if white is not None else "",
        indicators=indicators,
        indicators_total=len(results),
        plan_missing=plan_missing,
        journal_recent=recent.count(),
        journal_recent_fictional=recent.filter(is_fictional=True).count(),
        journal_since=since,
        next_milestone=(
            NextMilestone(due_date=upcoming[0].due_date, title=upcoming[0].title)
            if upcoming
            else None
        ),
        late_milestones=sum(1 for m in steps if m.is_late(today)),
        next_copil=copil[0] if copil else None,
        next_copil_id=copil[1] if copil else None,
        next_copil_note="" if copil else _("non renseigné"),
    )


def _others() -> list[tuple[Territory, Any, str, float | None]]:
    """Every territory of the database with its population and childcare rate (public
    figures: the same functions as its diagnostic)."""
    out = []
    for t in Territory.objects.order_by("name").prefetch_related("communes"):
        rate = childcare_rate(territory=t)
        out.append((t, ctg_population(list(t.communes.all())), rate.label, rate.value))
    return out


def portfolio_rows(*, user: Any, today: dt.date) -> list[PortfolioRow]:
    """The rows of ``user``'s portfolio, each with the territories of the same size band."""
    rows = [
        portfolio_row(territory=t, role=role, today=today)
        for t, role in portfolio_territories(user)
    ]
    if not rows:
        return rows
    others = _others()
    return [
        replace(
            r,
            similar=similar_territories(
                territory=r.territory,
                population=r.population,
                childcare_label=r.childcare.label,
                others=others,
            ),
        )
        for r in rows
    ]


# --------------------------------------------------------------------------- export


def export_columns() -> list[tuple[str, str]]:
    """Columns of the portfolio's spreadsheet (key, French header)."""
    return [
        ("territoire", _("Territoire")),
        ("identifiant", _("Identifiant")),
        ("role", _("Votre rôle")),
        ("population", _("Population (somme des populations légales)")),
        ("population_source", _("Source de la population")),
        ("population_millesime", _("Millésime de la population")),
        ("tranche", _("Tranche de population")),
        ("taux_libelle", _("Accueil du jeune enfant : libellé du taux")),
        ("taux", _("Accueil du jeune enfant : valeur (places pour 100 enfants)")),
        ("taux_source", _("Source du taux")),
        ("taux_millesime", _("Millésime du taux")),
        ("taux_manque", _("Ce qui manque au taux")),
        ("zones_blanches", _("Zones blanches petite enfance : population concernée")),
        ("zones_blanches_etat", _("Zones blanches : état du calcul")),
        *[
            (f"indicateurs_{s.css}", _("Indicateurs « %(status)s »") % {"status": s.label})
            for s in Status
        ],
        ("indicateurs_total", _("Indicateurs (total)")),
        ("journal_90j", _("Activités du journal (90 derniers jours)")),
        ("journal_90j_fictif", _("Dont « exemple fictif »")),
        ("prochaine_echeance", _("Prochaine échéance")),
        ("prochaine_echeance_etape", _("Étape de la prochaine échéance")),
        ("echeances_en_retard", _("Étapes en retard")),
        ("prochain_copil", _("Prochain COPIL")),
    ]


def _white_cells(row: PortfolioRow) -> tuple[float | None, str]:
    if row.white is None:
        return None, _("non calculable : diagnostic sans partie accessibilité")
    white = row.white.white
    if white is None:
        return None, row.white.error
    if not white.validity.computable:
        return None, _("non calculable : %(reason)s") % {"reason": white.validity.reason}
    return round(white.concerned_population or 0), _("calculable")


def export_rows(rows: list[PortfolioRow]) -> list[dict[str, Any]]:
    """The rows of the spreadsheet: the page's objects; an unknown value stays empty (never 0)
    and its neighbouring column says why."""
    out = []
    for r in rows:
        rate = r.childcare
        white_value, white_state = _white_cells(r)
        row: dict[str, Any] = {
            "territoire": r.territory.name,
            "identifiant": r.territory.slug,
            "role": r.role_label,
            "population": r.population.value,
            "population_source": r.population.source or r.population.reason,
            "population_millesime": r.population.vintage,
            "tranche": r.population.band_label,
            "taux_libelle": rate.label,
            "taux": rate.value,
            "taux_source": rate.source,
            "taux_millesime": rate.vintage,
            "taux_manque": " ; ".join(rate.missing),
            "zones_blanches": white_value,
            "zones_blanches_etat": white_state,
            "indicateurs_total": r.indicators_total if r.indicators is not None else None,
            "journal_90j": r.journal_recent,
            "journal_90j_fictif": r.journal_recent_fictional,
            "prochaine_echeance": r.next_milestone.due_date if r.next_milestone else None,
            "prochaine_echeance_etape": r.next_milestone.title if r.next_milestone else "",
            "echeances_en_retard": r.late_milestones,
            "prochain_copil": r.next_copil or r.next_copil_note,
        }
        for s in Status:
            row[f"indicateurs_{s.css}"] = r.status_count(s.value)
        out.append(row)
    return out


# --------------------------------------------------------------------------- views


@require_safe
def portfolio_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    today = timezone.localdate()
    rows = portfolio_rows(user=request.user, today=today)
    return render(
        request,
        "accounts/portfolio.html",
        {
            "rows": rows,
            "today": today,
            "window_days": JOURNAL_WINDOW_DAYS,
            "export_formats": EXPORT_FORMATS,
            "current": "portfolio",
        },
    )


@require_safe
def portfolio_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("Format inconnu (csv ou xlsx)."))
    rows = portfolio_rows(user=request.user, today=timezone.localdate())
    return table_response(
        export_rows(rows), columns=export_columns(), fmt=fmt, filename="portefeuille"
    )
