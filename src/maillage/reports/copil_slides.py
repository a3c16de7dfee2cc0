"""The COPIL deck as slides of text: one list, rendered by :mod:`.copil_pptx` (PowerPoint) and
:mod:`.copil_pdf` (WeasyPrint), so that both carry the same words and figures.

Reads a :class:`~maillage.plan.copil.Copil` (built by :func:`maillage.plan.copil.copil_build`);
computes nothing but the layout (which rows go on which slide) and the French wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .bilan import FICTIONAL_LABEL, fr_number

if TYPE_CHECKING:
    import datetime as dt

    from maillage.plan.bilan import IndicatorLine
    from maillage.plan.copil import Copil, KeyActivity, KeyFigure
    from maillage.plan.quarters import QuarterSeries

#: Indicators per axis slide (an axis with more continues on a « (suite) » slide).
INDICATORS_PER_SLIDE = 7
#: Quarter curves per slide (two by two).
CHARTS_PER_SLIDE = 4


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float]  # relative widths of the columns
    caption: str = ""


@dataclass(frozen=True)
class BigFigure:
    value: str
    label: str
    note: str


@dataclass(frozen=True)
class Slide:
    """One slide: a title, then any of figures, a table, a list, the map; small notes last."""

    title: str
    subtitle: str = ""
    figures: list[BigFigure] = field(default_factory=list)
    table: Table | None = None
    bullets_title: str = ""
    bullets: list[str] = field(default_factory=list)
    image: str = ""  # "map": the bilan's map of activities by quartier
    image_alt: str = ""
    # indicators whose quarter curve against the target is drawn on the slide
    # (:func:`maillage.reports.copil_charts.quarter_chart`), with each curve's text alternative
    charts: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warning: str = ""
    is_title: bool = False

    @property
    def texts(self) -> list[str]:
        """Every text of the slide, in reading order (tests compare the renderings on it)."""
        out = [self.title, self.subtitle, self.warning]
        for f in self.figures:
            out += [f.value, f.label, f.note]
        if self.table is not None:
            out += [self.table.caption, *self.table.columns]
            out += [cell for row in self.table.rows for cell in row]
        out += [self.bullets_title, *self.bullets, *self.notes]
        return [t for t in out if t]


def _date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day is not None else "—"


def _figure(f: KeyFigure) -> BigFigure:
    if f.value is None:
        value = _("non calculable")
        if f.missing_reason:
            value = f"{value} ({f.missing_reason})"
    else:
        value = f"{fr_number(f.value)} {f.unit}".strip()
    note = _("Source : %(source)s ; millésime : %(vintage)s.") % {
        "source": f.source or "—",
        "vintage": f.vintage or "—",
    }
    return BigFigure(value=value, label=f.label, note=note)


def _title_slide(copil: Copil) -> Slide:
    bilan = copil.bilan
    when = _date(copil.date) if copil.date else _("date à fixer")
    notes = [
        _(
            "Édité le %(date)s. Les chiffres sont ceux du bilan (%(scope)s) et du diagnostic "
            "territorial de Maillage, calculés une seule fois pour tous les documents."
        )
        % {"date": _date(copil.generated_on), "scope": bilan.scope_label}
    ]
    if copil.participants:
        notes.append(_("Participants : %(p)s") % {"p": " ; ".join(copil.participants.splitlines())})
    return Slide(
        title=f"{copil.title} — {copil.territory_name}",
        subtitle=f"{bilan.title} — {when} — {_('bilan')} {bilan.scope_label}",
        notes=notes,
        warning=bilan.fictional_warning,
        is_title=True,
    )


def _follow_up_slide(copil: Copil) -> Slide | None:
    prev = copil.previous
    if prev is None:
        return None
    rows = [
        [
            d.text,
            d.owner or "—",
            _date(d.milestone_due or d.due_date),
            (
                _("échéance « %(t)s »") % {"t": d.milestone_title}
                if d.milestone_title
                else _("pas d'échéance")
            ),
            d.outcome,
        ]
        for d in prev.decisions
    ]
    return Slide(
        title=_("Suites des décisions du dernier COPIL"),
        subtitle=f"{prev.title} — {_date(prev.date)}",
        table=Table(
            columns=[_("Décision"), _("Qui"), _("Échéance"), _("Devenue"), _("Où en est-on")],
            rows=rows,
            widths=[4.0, 1.8, 1.2, 2.6, 1.4],
        )
        if rows
        else None,
        bullets=[] if rows else [_("Aucune décision n'a été enregistrée pour ce COPIL.")],
        notes=[
            _(
                "« Où en est-on » : le statut de l'étape de l'échéancier issue de la décision, "
                "sinon le statut de la décision."
            )
        ],
    )


def _agenda_slide(copil: Copil) -> Slide | None:
    if not copil.agenda:
        return None
    return Slide(title=_("Ordre du jour"), bullets=list(copil.agenda))


def _figures_slide(copil: Copil) -> Slide:
    figures = [_figure(f) for f in copil.key_figures]
    return Slide(
        title=_("Le territoire en quatre chiffres"),
        subtitle=_("Diagnostic territorial — communes de la CTG"),
        figures=figures,
        bullets=[] if figures else [_("Aucun chiffre du territoire n'est chargé.")],
    )


def _activity(a: KeyActivity) -> str:
    """« date — title (kind) : how many indicator values it founds »."""
    title = a.title
    if a.is_fictional and FICTIONAL_LABEL not in title:
        title += f" [{FICTIONAL_LABEL}]"
    if a.evidence_count:
        evidence = _("fonde %(n)s valeur(s) d'indicateur") % {"n": a.evidence_count}
    else:
        evidence = _("aucune valeur d'indicateur ne la cite")
    return f"{_date(a.date)} — {title} ({a.kind}) : {evidence}"


def _quarter_notes(copil: Copil, lines: list[IndicatorLine]) -> list[str]:
    """The quarter values of the slide's indicators (« 1.1 par trimestre en 2025 : T1 2 · …»),
    and which ones are followed by year only."""
    out, yearly = [], []
    for line in lines:
        series = copil.quarters.get(line.result.indicator_id)
        if series is None:
            continue
        if not series.quarterly:
            yearly.append(line.result.code)
            continue
        values = " · ".join(
            f"T{q.quarter} {q.display}" for q in series.of_year(copil.quarter_year or 0)
        )
        text = _("%(code)s par trimestre en %(year)s : %(values)s") % {
            "code": line.result.code,
            "year": copil.quarter_year,
            "values": values,
        }
        if not series.additive:
            text += " " + _("(les trimestres ne s'additionnent pas)")
        out.append(text)
    if yearly:
        out.append(_("Suivi annuel uniquement : %(codes)s.") % {"codes": ", ".join(yearly)})
    return out


def _axis_slides(copil: Copil) -> list[Slide]:
    bilan = copil.bilan
    slides = []
    years = [str(y) for y in bilan.years]
    value_column = _("Valeur %(scope)s") % {"scope": bilan.scope_label}
    columns = [_("Code"), _("Indicateur"), *years, value_column, _("Cible"), _("Statut")]
    widths = [0.6, 4.2, *([1.0] * len(years)), 1.2, 0.8, 1.3]
    for axis in bilan.axes:
        lines = axis.indicators
        chunks = [
            lines[i : i + INDICATORS_PER_SLIDE] for i in range(0, len(lines), INDICATORS_PER_SLIDE)
        ] or [[]]
        activities = copil.key_activities.get(axis.number, [])
        bullets = [_activity(a) for a in activities] or [
            _("Aucune activité au journal pour cet axe (%(scope)s).") % {"scope": bilan.scope_label}
        ]
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            title = _("Axe %(n)s — %(title)s") % {"n": axis.number, "title": axis.title}
            if index:
                title += " " + _("(suite)")
            rows = [
                [
                    line.result.code,
                    line.result.label,
                    *line.display_by_year,
                    line.display,
                    "—" if line.target is None else fr_number(line.target),
                    line.status,
                ]
                for line in chunk
            ]
            notes = [bilan.journal_note] if last else []
            notes += _quarter_notes(copil, chunk)
            slides.append(
                Slide(
                    title=title,
                    table=Table(columns=columns, rows=rows, widths=widths) if rows else None,
                    bullets_title=_("Activités clés") if last else "",
                    bullets=bullets if last else [],
                    notes=notes,
                )
            )
        slides += _curve_slides(copil, axis.number, axis.title, lines)
    return slides


def has_quarter_data(series: QuarterSeries) -> bool:
    """Whether a curve would show anything: a quarter with a value, or entries already in the
    journal of a year not declared complete (a curve of « n.r. » only says nothing)."""
    return any(q.value is not None or (q.partial or 0) > 0 for q in series.quarters)


def _curve_slides(
    copil: Copil, number: int, axis_title: str, lines: list[IndicatorLine]
) -> list[Slide]:
    """The quarter curves of the axis's indicators that have a quarter series (journal
    counts), against their target; the others stay « suivi annuel uniquement »."""
    charted = []
    for line in lines:
        series = copil.quarters.get(line.result.indicator_id)
        if series is not None and series.quarterly and has_quarter_data(series):
            alt = _("Courbe par trimestre de l'indicateur %(code)s (%(label)s) et de sa cible") % {
                "code": line.result.code,
                "label": line.result.label,
            }
            charted.append((line.result.indicator_id, alt))
    out = []
    for start in range(0, len(charted), CHARTS_PER_SLIDE):
        title = _("Axe %(n)s : courbes par trimestre") % {"n": number}
        if start:
            title += " " + _("(suite)")
        out.append(
            Slide(
                title=title,
                subtitle=axis_title,
                charts=charted[start : start + CHARTS_PER_SLIDE],
                notes=[
                    _(
                        "Trait plein : cumul de l'année (ou valeur du trimestre quand les "
                        "trimestres ne s'additionnent pas) ; pointillés : cible de l'année. "
                        "n.r. : non renseigné ; n.c. : non calculable. Valeurs détaillées sur "
                        "la diapositive de l'axe."
                    )
                ],
            )
        )
    return out


def _map_slide(copil: Copil) -> Slide | None:
    bilan = copil.bilan
    if not bilan.zone_counts:
        return None
    counted = sorted((z for z in bilan.zone_counts if z.count), key=lambda z: (-z.count, z.name))
    bullets = [
        _("%(zone)s (%(kind)s) : %(n)s activité(s)")
        % {"zone": z.name, "kind": z.kind.upper(), "n": z.count}
        for z in counted[:6]
    ] or [
        _("Aucune activité du journal rattachée à un quartier (%(s)s).") % {"s": bilan.scope_label}
    ]
    return Slide(
        title=_("Actions par quartier — %(scope)s") % {"scope": bilan.scope_label},
        image="map",
        image_alt=_("Carte du nombre d'activités du journal par IRIS et quartier prioritaire."),
        bullets=bullets,
        notes=[
            _(
                "Nombre d'activités du journal par IRIS et quartier prioritaire (QPV), points : "
                "activités localisées. Contours : IGN, INSEE, ANCT. Même carte que le bilan."
            )
        ],
    )


def _white_zones_slide(copil: Copil) -> Slide:
    distance = copil.white_zones_distance_m
    rows = []
    for w in copil.white_zones:
        if w.computable and w.population is None:
            result = _("%(n)s zone(s) blanche(s), population concernée inconnue") % {"n": w.zones}
        elif w.computable:
            result = _("%(n)s zone(s) blanche(s), %(pop)s %(public)s concernés") % {
                "n": w.zones,
                "pop": fr_number(w.population),
                "public": w.public,
            }
        else:
            result = _("Non calculable : %(reason)s") % {"reason": w.reason}
        rows.append([w.theme_label, result])
    notes = [
        _(
            "Population cible sans structure du thème à moins de %(d)s m (carreaux INSEE de "
            "200 m), comme dans le diagnostic territorial."
        )
        % {"d": fr_number(distance)}
    ]
    if copil.white_zones_error:
        notes.append(copil.white_zones_error)
    bullets = [f"{e.theme_label} : {e.text}" for e in copil.white_zones_evolution]
    if rows:
        return Slide(
            title=_("Zones blanches"),
            table=Table(columns=[_("Thème"), _("Résultat")], rows=rows, widths=[2.0, 9.0]),
            bullets_title=copil.white_zones_heading,
            bullets=bullets,
            notes=notes,
        )
    return Slide(
        title=_("Zones blanches"),
        bullets=[_("Non calculable : accessibilité non calculée.")],
        notes=notes,
    )


def _gap_figure(value: float | None) -> str:
    return "—" if value is None else fr_number(value)


def _gaps_slide(copil: Copil) -> Slide | None:
    """The gaps of the diagnostic the actions answer, with the figures before and after when
    the diagnostic can state them (« non calculable » and its reason otherwise)."""
    if not copil.gap_effects:
        return None
    rows = []
    for g in copil.gap_effects:
        actions = "; ".join(
            f"{a.title} ({_date(a.date)}{', ' + a.status if a.status else ''})"
            for a in g.actions[:4]
        )
        if len(g.actions) > 4:
            actions += " " + _("et %(n)s autre(s)") % {"n": len(g.actions) - 4}
        if g.reason:
            figures = _("Non calculable : %(reason)s") % {"reason": g.reason}
        elif g.computable and g.after is not None:
            figures = _("%(what)s : %(before)s avant, %(after)s après") % {
                "what": g.measure,
                "before": _gap_figure(g.before),
                "after": _gap_figure(g.after),
            }
        elif g.computable:
            figures = f"{g.measure} : {_gap_figure(g.before)}"
        else:
            figures = _("pas de chiffre avant/après pour ce type de manque")
        rows.append([g.label, actions, figures])
    return Slide(
        title=_("Les actions et les manques qu'elles comblent"),
        table=Table(
            columns=[_("Manque du diagnostic"), _("Actions liées"), _("Avant / après")],
            rows=rows,
            widths=[2.6, 4.6, 3.8],
        ),
        notes=[
            _(
                "Scénario : zones blanches de son thème avant et après, calculées sur les données "
                "actuelles. Zone blanche : population cible des zones blanches du thème touchant "
                "la zone, aujourd'hui."
            )
        ],
    )


def _decide_slide(copil: Copil) -> Slide:
    return Slide(
        title=_("Décisions à prendre"),
        bullets=list(copil.to_decide)
        or [_("Aucune décision à prendre n'a été saisie avant la réunion.")],
    )


def _milestones_slide(copil: Copil) -> Slide:
    rows = [
        [
            _date(m.due_date),
            m.title,
            m.owner or "—",
            m.axis or "—",
            m.status_label + (f" ({_('en retard')})" if m.late else ""),
        ]
        for m in copil.next_milestones
    ]
    return Slide(
        title=_("Prochaines échéances"),
        table=Table(
            columns=[_("Échéance"), _("Étape"), _("Qui"), _("Axe"), _("Statut")],
            rows=rows,
            widths=[1.2, 5.5, 2.4, 0.6, 1.6],
        )
        if rows
        else None,
        bullets=[] if rows else [_("Aucune étape ouverte à l'échéancier.")],
        notes=[_("Étapes prévues, en cours ou reportées : les étapes en retard d'abord.")],
    )


def copil_slides(copil: Copil) -> list[Slide]:
    """The deck, slide by slide: title, follow-up of the last COPIL's decisions, agenda, the
    territory in four figures, one slide per axis, the map, zones blanches, decisions to take,
    next échéances."""
    slides: list[Slide | None] = [
        _title_slide(copil),
        _follow_up_slide(copil),
        _agenda_slide(copil),
        _figures_slide(copil),
        *_axis_slides(copil),
        _map_slide(copil),
        _white_zones_slide(copil),
        _gaps_slide(copil),
        _decide_slide(copil),
        _milestones_slide(copil),
    ]
    return [s for s in slides if s is not None]
