"""Find the existing structure an imported record describes, so that imports never duplicate.

Order of the keys: SIRET (when exactly one structure of the territory has it), UAI, FINESS, then
the producer's identifier (``source`` + ``source_id``), then the name with the address (or with
the postcode/commune when no address is known), compared without accents, case or punctuation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from maillage.directory.models import Structure
from maillage.territory.models import Territory
from maillage.text import fold


def name_key(name: str, place: str) -> str:
    return f"{fold(name)}|{fold(place)}"


@dataclass
class StructureIndex:
    """The territory's structures by every matching key (kept up to date with :meth:`add`)."""

    by_siret: dict[str, list[Structure]] = field(default_factory=dict)
    by_uai: dict[str, Structure] = field(default_factory=dict)
    by_finess: dict[str, Structure] = field(default_factory=dict)
    by_source: dict[tuple[str, str], Structure] = field(default_factory=dict)
    by_name: dict[str, Structure] = field(default_factory=dict)

    @classmethod
    def of(cls, territory: Territory) -> StructureIndex:
        index = cls()
        for structure in Structure.objects.filter(territory=territory).select_related("commune"):
            index.add(structure)
        return index

    def add(self, s: Structure) -> None:
        if s.siret:
            bucket = self.by_siret.setdefault(s.siret, [])
            if s not in bucket:
                bucket.append(s)
        if s.uai:
            self.by_uai.setdefault(s.uai.upper(), s)
        if s.finess:
            self.by_finess.setdefault(s.finess.upper(), s)
        self.by_source[(s.source, s.source_id)] = s
        for key in self._name_keys(s.name, s.address, s.postcode, s.commune_id and s.commune):
            self.by_name.setdefault(key, s)

    @staticmethod
    def _name_keys(name: str, address: str, postcode: str, commune: object) -> list[str]:
        keys = []
        if address:
            keys.append(name_key(name, address))
        else:
            commune_code = getattr(commune, "insee_code", "") if commune else ""
            keys.append(name_key(name, f"sans adresse {commune_code or postcode}"))
        return keys

    def find(
        self,
        *,
        siret: str = "",
        uai: str = "",
        finess: str = "",
        source: str = "",
        source_id: str = "",
        name: str = "",
        address: str = "",
        postcode: str = "",
        commune: object = None,
    ) -> tuple[Structure | None, str]:
        """Return the matching structure and the key that matched (``""`` when none)."""
        if siret and len(self.by_siret.get(siret, [])) == 1:
            return self.by_siret[siret][0], "siret"
        if uai and uai.upper() in self.by_uai:
            return self.by_uai[uai.upper()], "uai"
        if finess and finess.upper() in self.by_finess:
            return self.by_finess[finess.upper()], "finess"
        if source and source_id and (source, source_id) in self.by_source:
            return self.by_source[(source, source_id)], "source"
        if name:
            for key in self._name_keys(name, address, postcode, commune):
                if key in self.by_name:
                    return self.by_name[key], "nom"
        return None, ""
