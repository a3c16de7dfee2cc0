"""The method of every indicator, written once: the text of each kind (its ``doc``) and the
text of each indicator deduced from its kind and its rule (plus the plan's optional
« précision ») are written with the kind (:mod:`maillage.plan.indicator_kinds`); the shared
pieces of those texts are here.

It also says how a value reads (« oui »/« non », a French number, « non renseigné »).
Every surface (indicator page, bilan web/PDF/DOCX/XLSX, CLI, API) prints these texts from the
:class:`~maillage.plan.indicators.IndicatorResult`; nothing else describes how a value is made.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

JOURNAL_COMPLETE_RULE = _(
    "Une année ne compte que si son journal est déclaré complet par le chargé de coopération "
    "(page Journal) ; avant, elle se lit « non renseigné » (jamais 0), avec pour information "
    "ce qui est déjà saisi."
)


def kind_documentation(kind: str) -> str:
    """What an indicator of ``kind`` measures and how, in French (the kind's ``doc``)."""
    from .indicator_kinds import kind_get

    try:
        return str(kind_get(kind).doc)
    except ValueError:
        return ""


def quoted_names(names: list[str]) -> str:
    return _(" ou ").join(f"« {n} »" for n in names)


def rule_scope(rule: dict, *, singular: bool = False) -> str:
    parts = []
    if "axis" in rule:
        linked = _("rattachée à l'axe {n}") if singular else _("rattachées à l'axe {n}")
        parts.append(linked.format(n=rule["axis"]))
    if rule.get("objectives"):
        parts.append(_("à l'un des objectifs {codes}").format(codes=", ".join(rule["objectives"])))
    if rule.get("zone") == "qpv":
        parts.append(
            (_("menée") if singular else _("menées"))
            + _(" en quartier prioritaire (QPV : quartier indiqué, ou position dans le QPV)")
        )
    elif rule.get("zone") == "zone_blanche":
        parts.append(
            (_("menée") if singular else _("menées"))
            + _(
                " dans une zone blanche : quartier signalé comme zone blanche par le "
                "chargé de coopération ou, à défaut, zone blanche du thème « {theme} » calculée "
                "par le diagnostic (position dans la zone, ou quartier couvert à moitié au moins)"
            ).format(theme=rule.get("theme", ""))
        )
    return (" " + ", ".join(parts)) if parts else ""


def data_source_text(source: str) -> str:
    texts = {
        "cartography": _(
            "part des structures de l'annuaire du territoire dont la position est connue"
        ),
        "insertion_places": _(
            "somme des places des services de l'annuaire marqués comme ayant une vocation "
            "d'insertion sociale et professionnelle"
        ),
    }
    return texts.get(source, source)


def indicator_method(*, kind: str, rule: dict, precision: str = "") -> str:
    """The method of one indicator, from its kind and rule (and the plan's precision)."""
    from .indicator_kinds import kind_get

    try:
        text = kind_get(kind).method(rule or {})
    except ValueError:
        text = ""
    precision = (precision or "").strip()
    return f"{text} {precision}".strip() if precision else text


# --------------------------------------------------------------------------- display


def fr_number(value: float) -> str:
    """French display of a number: thin-space thousands, comma decimals, no trailing ``,0``."""
    text = f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def value_display(
    value: float | None,
    *,
    value_type: str,
    missing: str,
    partial: float | None = None,
    noun: str = "",
) -> str:
    """How a value reads: « oui »/« non », a French number, or why there is none.

    ``partial`` is what an undeclared journal already holds (« non renseigné (3 activités
    saisies, journal non déclaré complet) »); ``noun`` names what it counts.
    """
    if value is None:
        if value_type == "count" and partial:
            return _("{missing} ({n} {noun} saisie(s), journal non déclaré complet)").format(
                missing=missing, n=fr_number(partial), noun=noun or _("activité(s)")
            )
        return missing
    if value_type == "presence":
        return _("oui") if value >= 1 else _("non")
    return fr_number(value)
