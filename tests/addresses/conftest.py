"""BAN-format files for the address tests — *exemple fictif* (see ``maillage.addresses.fictif``):
invented streets around Armentières (59017, the territory's commune) and around two communes
outside the territory, which the loader must leave aside."""

from __future__ import annotations

import pytest

from maillage.addresses.fictif import Commune, commune_rows, write_ban_file

ARMENTIERES = Commune("59017", "Armentières", "59280", 2.8810, 50.6880)
OUTSIDE = (
    Commune("59350", "Lille", "59000", 3.0580, 50.6310),
    Commune("62041", "Arras", "62000", 2.7810, 50.2900),
)


def rows_of(*communes, numbers=30):
    for commune in communes:
        yield from commune_rows(commune, numbers=numbers)


@pytest.fixture
def ban_gz(tmp_path):
    """A département-like gzip file: the territory's commune between two others."""
    rows = [*rows_of(OUTSIDE[0]), *rows_of(ARMENTIERES), *rows_of(OUTSIDE[1])]
    return write_ban_file(tmp_path / "adresses-59.csv.gz", rows)


@pytest.fixture
def loaded(armentieres, ban_gz):
    from maillage.addresses.services import ban_load

    return ban_load(territory=armentieres, path=ban_gz)
