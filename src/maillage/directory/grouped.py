"""The one rule for a grouped record split into its real places (no double count).

A grouped record (« Micro-crèches privées (6 lieux) », 72 places) is the CTG's declaration:
``grouped_count`` lieux and the capacity of its services. When the coordinator learns the real
places, each becomes a fiche of its own whose ``part_of`` is the grouped record. From then on:

* the **parts** count as any fiche (their own position, their own capacity);
* the **grouped record** counts only for what is not yet distributed to its parts — the
  declared places minus the parts' known places (never below 0), in the declared lieux minus
  the parts (at least 1 while places remain);
* when the parts **add up** (their places reach the declared places; without a declared
  capacity, their number reaches the declared lieux), the grouped record counts for nothing:
  the parts replace it. Until then its declared total stays as a check
  (« 72 places déclarées, 48 réparties »).

Every computation that counts supply reads this module: the validity guard and the sites of the
diagnostic (:func:`maillage.diagnostic.inputs.load_sites`), the childcare coverage rate
(:mod:`maillage.diagnostic.childcare`) and the « Compléter l'offre » page. Only published
parts and published services count, as everywhere in the diagnostic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .models import Service, Structure


@dataclass(frozen=True)
class GroupedShare:
    """What a grouped record with parts still stands for.

    ``declared_places`` — capacity of the grouped record's published services (``None`` when
    unknown); ``declared_lieux`` — its ``grouped_count`` (1 when unset); ``parts`` — its
    published parts; ``parts_places`` — their known places.
    """

    parent_id: int
    declared_places: int | None
    declared_lieux: int
    parts: int
    parts_places: int

    @property
    def complete(self) -> bool:
        """The parts add up: the grouped record no longer counts."""
        if self.declared_places is not None:
            return self.parts_places >= self.declared_places
        return self.parts >= self.declared_lieux

    @property
    def left_places(self) -> int | None:
        """Declared places not yet distributed (``None`` when no capacity was declared)."""
        if self.declared_places is None:
            return None
        return max(0, self.declared_places - self.parts_places)

    @property
    def left_lieux(self) -> int:
        """Lieux the grouped record still stands for (0 once complete)."""
        if self.complete:
            return 0
        return max(1, self.declared_lieux - self.parts)

    @property
    def distributed_places(self) -> int:
        """Declared places now counted by the parts (what the grouped record no longer counts)."""
        if self.declared_places is None:
            return 0
        return self.declared_places - (self.left_places or 0)


def _capacities(structure_ids: Any) -> dict[int, int | None]:
    out: dict[int, int | None] = {}
    for sid, capacity in Service.objects.filter(
        structure_id__in=structure_ids, published=True
    ).values_list("structure_id", "capacity"):
        if capacity is not None:
            out[sid] = (out.get(sid) or 0) + capacity
        else:
            out.setdefault(sid, None)
    return out


def grouped_shares(*, territory: Any) -> dict[int, GroupedShare]:
    """The :class:`GroupedShare` of every grouped record of ``territory`` that has published
    parts, by the grouped record's id (records without parts are absent: they count whole)."""
    parts: dict[int, list[int]] = defaultdict(list)
    for pk, parent_id in Structure.objects.filter(
        territory=territory, published=True, part_of__isnull=False
    ).values_list("pk", "part_of_id"):
        parts[parent_id].append(pk)
    if not parts:
        return {}
    parents = dict(Structure.objects.filter(pk__in=parts.keys()).values_list("pk", "grouped_count"))
    capacities = _capacities([*parents, *(p for ids in parts.values() for p in ids)])
    out = {}
    for parent_id, part_ids in parts.items():
        if parent_id not in parents:
            continue
        out[parent_id] = GroupedShare(
            parent_id=parent_id,
            declared_places=capacities.get(parent_id),
            declared_lieux=max(1, parents[parent_id] or 1),
            parts=len(part_ids),
            parts_places=sum(capacities.get(p) or 0 for p in part_ids),
        )
    return out
