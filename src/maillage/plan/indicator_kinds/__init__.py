"""Indicator kinds (« modes de calcul »), each a registered strategy: rule validation,
computation with evidence, and its French documentation.

Adding a kind touches one file: a new module in this package that subclasses
:class:`IndicatorKind` and calls :func:`register` (modules here are imported below, in name
order; a kind's ``order`` sets its place in lists). The model field's choices, the plan
loader's check, the engine (:func:`maillage.plan.indicators.compute_indicators`), the method
texts, the indicators page, the bilan and the API then know it.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import (
    Computed,
    IndicatorKind,
    KindChoices,
    KindContext,
    kind_choices,
    kind_get,
    register,
    registered_kinds,
    unregister,
)

__all__ = [
    "Computed",
    "IndicatorKind",
    "KindChoices",
    "KindContext",
    "kind_choices",
    "kind_get",
    "register",
    "registered_kinds",
    "unregister",
]

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")
