"""The census vintage flows from the file's header to every label: a ``P19_`` file of
``base-ic-evol-struct-pop`` is « RP 2019 » in the manifest, the database and the diagnostic.

The P19 file is an *exemple fictif* generated here: the header layout of the real RP 2016 file
(``data/national_roubaix``) with its prefixes renamed, the real IRIS codes of Roubaix (so that the
real contours hold them) and populations drawn with a fixed seed — no real 2019 figure.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import yaml
from click.testing import CliRunner
from django.test import Client

from maillage.cli import main
from maillage.diagnostic.inputs import load_demand
from maillage.interop.lists import list_table
from maillage.interop.tabular import read_table
from maillage.territory.loader import load_dataset
from maillage.territory.models import Statistic, Territory
from maillage.territory.selectors import territory_diagnostic

from .conftest import creer

RP2016_POPULATION = "insee_rp2016_IRIS_population_IR_Hab.csv"
FICTIF_NAME = "base-ic-evol-struct-pop-2019_exemple_fictif.csv"
SEED = 20_261_203


def write_p19_fictif(sources: Path) -> dict[str, float]:
    """Replace the RP 2016 population file of ``sources`` by a fictitious P19 one; return the
    sum of the six age bands of each Roubaix IRIS written."""
    real = sources / RP2016_POPULATION
    with real.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        codes = [row[1] for row in reader if row[1].startswith("59512")]
    real.unlink()
    renamed = [c.replace("P16_", "P19_").replace("C16_", "C19_") for c in header]
    rng = np.random.default_rng(SEED)
    sums: dict[str, float] = {}
    with (sources / FICTIF_NAME).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(renamed)
        for n, code in enumerate(codes):
            values = rng.uniform(10, 900, size=len(header) - 4).round(3)
            writer.writerow([n, code, "Exemple fictif", "H", *values])
            sums[code] = float(values[:6].sum())
    return sums


def _diagnostic(slug: str) -> dict:
    result = CliRunner().invoke(
        main, ["diagnostic", "--territory", slug, "--format", "json"], prog_name="maillage"
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_p19_file_is_rp_2019_from_the_manifest_to_the_diagnostic(db, sources, tmp_path):
    expected = write_p19_fictif(sources)
    out = tmp_path / "roubaix"
    result = creer("--communes", "59512", "--sources", str(sources), "-o", str(out))
    assert result.exit_code == 0, result.output

    manifest = yaml.safe_load((out / "manifest.yaml").read_text(encoding="utf-8"))
    population = next(f for f in manifest["files"] if "exemple_fictif" in f["path"])
    assert population["vintage"] == "RP 2019"
    assert set(population["columns"]) >= {"P19_POP0014", "P19_POP75P"}
    households = next(f for f in manifest["files"] if "household" in f["path"])
    assert households["vintage"] == "RP 2016"  # the real household file stays what it is
    assert "préfixe P19_" in (out / "SOURCES.md").read_text(encoding="utf-8")

    load_dataset(str(out))
    roubaix = Territory.objects.get(slug="roubaix")
    ages = Statistic.objects.filter(zone__commune__territories=roubaix, key="population_0_14_ans")
    assert set(ages.values_list("vintage", flat=True)) == {"RP 2019"}

    diag = _diagnostic("roubaix")
    assert diag["rp_vintage"] == "RP 2019"
    iris = {z["code"]: z for z in diag["zones"] if z["kind"] == "iris"}
    assert set(iris) == set(expected)
    for code, total in expected.items():
        assert abs(iris[code]["population_rp"] - total) < 0.01, code
        assert iris[code]["rp_vintage"] == "RP 2019"
        # The former field, named after 2016, never carries 2019 figures.
        assert iris[code]["population_rp2016"] is None
    assert diag["iris_rp2016_total"] is None
    assert abs(diag["iris_rp_total"] - sum(expected.values())) < 0.1

    reference = {r["population"]: r for r in diag["populations_de_reference"]}
    label = "Population des IRIS (somme des tranches d'âge, RP 2019)"
    assert reference[label]["millesime"] == "RP 2019"
    assert "2019" in reference[label]["source"]
    assert not any("2016" in r["population"] for r in diag["populations_de_reference"])

    table = CliRunner().invoke(
        main, ["diagnostic", "--territory", "roubaix", "--format", "csv"], prog_name="maillage"
    )
    rows = list(csv.DictReader(table.stdout.splitlines()))
    zone_rows = [r for r in rows if r["sujet"].startswith("IRIS ")]
    assert zone_rows and {r["millésime"] for r in zone_rows} == {"RP 2019"}

    demand = load_demand(territory=roubaix)
    ages_sentence = next(a for a in demand.assumptions if "tranches d'âge du recensement" in a)
    assert "RP 2019" in ages_sentence and "2016" not in ages_sentence
    parents = next(a for a in demand.assumptions if a.startswith("Parents"))
    assert "RP 2016" in parents  # households: the real RP 2016 file

    zones = read_table(list_table(territory=roubaix, name="zones", fmt="csv"), filename="z.csv")
    iris_rows = [row for _, row in zones.rows if row["Type"] == "iris"]
    assert {row["Millésime du recensement"] for row in iris_rows} == {"RP 2019"}
    assert "Population RP 2016" not in zones.columns

    # The territory page: its zones table names the census of its figures, and shows them.
    page = Client().get("/territoire/roubaix/").content.decode()
    assert "Population RP 2019" in page and "RP 2016 (IRIS" not in page
    zones_rp = [z for z in territory_diagnostic(territory=roubaix).zones if z.population_rp]
    assert zones_rp and f"{zones_rp[0].code} — {zones_rp[0].name}" in page
    assert "Population des carreaux Filosofi" in page
