"""The method of every indicator, written once: a text per kind, and a text per indicator
deduced from its kind and its rule (plus the plan's optional « précision »).

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
    """What an indicator of ``kind`` measures and how, in French."""
    docs = {
        "activity_count": _(
            "Décompte des activités du journal qui répondent à la règle (type d'activité, axe, "
            "objectifs, zone), par année. {complete} Sur la période : somme des années "
            "déclarées complètes."
        ).format(complete=JOURNAL_COMPLETE_RULE),
        "body_count": _(
            "Décompte des instances distinctes (groupes de travail de l'espace partenaires, ou "
            "instance nommée dans le champ « instance réunie » d'une activité du journal) qui se "
            "sont réunies dans l'année : une instance réunie dix fois compte une fois ; ses "
            "réunions en sont la preuve. Une réunion sans instance nommée n'est pas comptée "
            "(elle est signalée). {complete} Sur la période : nombre d'instances distinctes "
            "réunies pendant les années déclarées complètes."
        ).format(complete=JOURNAL_COMPLETE_RULE),
        "document": _(
            "Oui/non : « oui » dès qu'un document en apporte la preuve — une activité du "
            "journal répondant à la règle et marquée « document validé », ou une réponse "
            "oui/non saisie par le chargé de coopération avec sa justification (le document). "
            "Un document vaut de son année à la fin de la convention ; une réponse saisie pour "
            "une année prime pour cette année. Sans preuve : « non ». Jamais un pourcentage."
        ),
        "data": _(
            "Chiffre tiré des données de l'outil (annuaire), état du jour de l'édition, "
            "placé sur l'année en cours."
        ),
        "manual": _(
            "Valeur saisie chaque année par le chargé de coopération, avec sa justification ; "
            "sur la période : la dernière valeur saisie. Sans saisie : « non renseigné »."
        ),
    }
    return docs.get(kind, "")


def _quoted(names: list[str]) -> str:
    return _(" ou ").join(f"« {n} »" for n in names)


def _scope(rule: dict, *, singular: bool = False) -> str:
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
    rule = rule or {}
    kinds = _quoted(list(rule.get("kinds") or []))
    scope = _scope(rule)
    if kind == "activity_count":
        text = _(
            "Nombre d'activités du journal de type {kinds}{scope}, par année (années au journal "
            "déclaré complet seulement) ; sur la période, leur somme."
        ).format(kinds=kinds, scope=scope)
    elif kind == "body_count":
        text = _(
            "Nombre d'instances distinctes ({kinds}{scope}) réunies dans l'année : groupe de "
            "l'espace partenaires ou instance nommée au journal, chaque instance comptée une "
            "fois quel que soit le nombre de ses réunions (années au journal déclaré complet "
            "seulement) ; ses réunions en sont la preuve."
        ).format(kinds=kinds, scope=scope)
    elif kind == "document":
        text = _(
            "Oui si un document le prouve : activité du journal de type {kinds}{scope}, marquée "
            "« document validé », ou réponse oui/non saisie avec sa justification ; non sinon."
        ).format(kinds=kinds, scope=_scope(rule, singular=True))
    elif kind == "data":
        text = _("Chiffre de l'annuaire : {what} (état du jour).").format(
            what=data_source_text(rule.get("source", ""))
        )
    elif kind == "manual":
        text = _("Valeur saisie chaque année avec sa justification.")
    else:
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
