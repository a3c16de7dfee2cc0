"""What an indicator kind is, and the registry of kinds.

A kind (« mode de calcul ») is one object that says everything about its indicators: how their
rule is checked (:meth:`IndicatorKind.validate_rule`), how their values are computed with their
evidence (:meth:`IndicatorKind.compute`), and how it is documented in French
(:attr:`IndicatorKind.label`, :attr:`IndicatorKind.doc`, :meth:`IndicatorKind.method`). The model
field, the plan loader, the engine, the pages, the bilan and the API read kinds from here only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy

from ..evidence_sources import Evidence
from ..status import Status

NAME_MAX_LENGTH = 20  # Indicator.kind's max_length


@dataclass
class Computed:
    """What a kind computes for one indicator: values and evidence by year, the period value,
    what an undeclared journal already holds, notes, and the status of a missing value."""

    values: dict[int, float | None]
    evidence: dict[int, list[Evidence]]
    total: float | None = None
    partial: dict[int, float | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    missing: str = Status.NOT_FILLED.value

    @classmethod
    def empty(cls, years: list[int]) -> Computed:
        return cls(values=dict.fromkeys(years), evidence={y: [] for y in years})


@dataclass
class KindContext:
    """What every kind may read while the indicators of a territory are computed."""

    territory: Any
    years: list[int]
    today: dt.date
    complete: set[int]  # years whose journal is declared complete
    activities: list[Any]  # JournalEntry rows of the territory's journal
    cache: dict[Any, Any] = field(default_factory=dict)

    def cached(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()`` once per computation for ``key`` (zones, data figures…)."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


class IndicatorKind:
    """One way of computing an indicator. Subclass, set the attributes, register an instance.

    ``value_type`` says how a value reads: ``"count"`` (a count of the journal: « non renseigné »
    until the year's journal is declared complete), ``"presence"`` (oui/non) or ``"number"``.
    """

    name: ClassVar[str]  # stored in Indicator.kind and the plan YAML
    label: ClassVar[Any]  # « mode de calcul » shown with every indicator (French)
    doc: ClassVar[Any]  # what the kind measures and how, in French
    order: ClassVar[int] = 100  # place in lists of kinds
    value_type: ClassVar[str] = "number"
    noun: ClassVar[Any] = gettext_lazy("activité(s)")  # what a count counts
    accepts_entries: ClassVar[bool] = False  # values entered by year, with a justification

    def validate_rule(
        self,
        rule: dict,
        *,
        kind_names: set[str],
        axis_numbers: set[int],
        objective_codes: set[str],
    ) -> str | None:
        """A French message if ``rule`` (a dict) is not valid for this kind, else ``None``."""
        raise NotImplementedError

    def compute(self, indicator: Any, rule: dict, ctx: KindContext) -> Computed:
        """Values by year and over the period of ``indicator`` (targets, values prefetched)."""
        raise NotImplementedError

    def method(self, rule: dict) -> str:
        """The method of one indicator of this kind, deduced from its rule (French)."""
        return ""

    def target_total(self, targets: list[float]) -> float:
        """The period's target from the yearly targets set (in year order): the last one."""
        return targets[-1]

    def __repr__(self) -> str:
        return f"<indicator kind {self.name}>"


_REGISTRY: dict[str, IndicatorKind] = {}


def register(kind: IndicatorKind) -> IndicatorKind:
    """Register ``kind`` (an instance); its ``name`` must be new and fit ``Indicator.kind``."""
    name = kind.name
    if not name or len(name) > NAME_MAX_LENGTH or not name.replace("_", "").isalnum():
        raise ValueError(f"indicator kind name {name!r}: 1-{NAME_MAX_LENGTH} letters, digits, _")
    if name in _REGISTRY:
        raise ValueError(f"indicator kind {name!r} is already registered")
    if not str(kind.label).strip() or not str(kind.doc).strip():
        raise ValueError(f"indicator kind {name!r} needs a label and a doc (French)")
    _REGISTRY[name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (tests that register one of their own)."""
    _REGISTRY.pop(name, None)


def registered_kinds() -> list[IndicatorKind]:
    """Every registered kind, in display order."""
    return sorted(_REGISTRY.values(), key=lambda k: (k.order, k.name))


def kind_get(name: str) -> IndicatorKind:
    """The kind registered as ``name``; ``ValueError`` if there is none."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown indicator kind {name!r}") from None


def kind_choices() -> list[tuple[str, str]]:
    """Choices of ``Indicator.kind``: read at each use, so a new kind needs no migration."""
    return [(k.name, k.label) for k in registered_kinds()]


class KindChoices:
    """``Indicator.Kind``: the registered kinds, read as the ``TextChoices`` it replaces —
    ``Indicator.Kind.MANUAL`` (the stored value), ``.values``, ``.labels``, ``.choices``, and
    ``Indicator.Kind("manual")`` (the kind, with its ``label``)."""

    def __getattr__(self, attr: str) -> str:
        for kind in registered_kinds():
            if kind.name.upper() == attr:
                return kind.name
        raise AttributeError(attr)

    def __call__(self, value: str) -> IndicatorKind:
        return kind_get(value)

    def __iter__(self) -> Iterator[IndicatorKind]:
        return iter(registered_kinds())

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and value in _REGISTRY

    @property
    def values(self) -> list[str]:
        return [k.name for k in registered_kinds()]

    @property
    def labels(self) -> list[Any]:
        return [k.label for k in registered_kinds()]

    @property
    def choices(self) -> list[tuple[str, str]]:
        return kind_choices()
