"""Issue 14: every figure of the diagnostic is what its label says, on every surface, with known
answers from the embedded Armentières data (the signed CTG and the raw files)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from click.testing import CliRunner
from django.urls import reverse

from maillage.diagnostic.childcare import CNAF_LABEL, OFFICIAL_MISSING, childcare_rate
from maillage.diagnostic.selectors import diagnostic_build
from maillage.reports.diagnostic import table_for
from maillage.territory.models import Statistic

INTERNAL_MARKERS = (
    "SOURCES.md",
    "non vérifié",
    "voir ligne",
    "Second centre social",
    "non nommé par la CTG",
    "Sources web et fichiers publics",
)
FIVE_PARTS = {  # exemple fictif: made-up values, only their presence matters
    "places_eaje_psu": 120,
    "places_eaje_hors_psu": 60,
    "places_assistants_maternels": 200,
    "enfants_garde_domicile": 10,
    "enfants_2_ans_scolarises": 40,
}


def url(name, *args):
    return reverse(f"web:{name}", args=["armentieres", *args])


def page(client, name="diagnostic") -> str:
    return unescape(client.get(url(name)).content.decode())


def add_stats(territory, values: dict, *, vintage="2023", source="exemple fictif") -> None:
    for key, value in values.items():
        Statistic.objects.create(
            territory=territory,
            key=key,
            label=key,
            value=value,
            unit="places",
            vintage=vintage,
            source=source,
        )


# --------------------------------------------------------------------------- 3. one perimeter


def test_education_counts_and_divides_over_the_ctg_commune_only(armentieres):
    report = diagnostic_build(territory=armentieres, with_access=False)
    education = next(e for e in report.equipment if e.theme == "education")
    assert education.structures == 22  # Armentières' schools, collèges and lycées
    assert education.per_1000 == 0.88  # 22 / 24 882 × 1 000, not 49 / 24 882 (1,97)
    assert education.neighbours == 27  # the neighbouring communes' schools, apart
    assert "24\u202f882 habitants" in education.denominator


def test_dashboard_prints_the_ctg_ratio_and_the_neighbours_apart(client, armentieres):
    text = page(client)
    assert "0,88" in text and "1,97" not in text
    assert "Communes voisines (hors ratio)" in text


def test_qpv_share_is_a_share_of_the_population_not_100_percent(client, armentieres):
    report = diagnostic_build(territory=armentieres, with_access=False)
    share = next(q for q in report.qpv if q.label == "Part de la population résidant en QPV")
    assert share.territory == 6.9  # 1 713 / 24 882
    assert share.qpv is None
    assert "1\u202f713 habitants en QPV / 24\u202f882 habitants" in share.denominator
    assert "100 %" not in page(client).split("Part de la population résidant en QPV")[1][:200]


# --------------------------------------------------------------------------- 1. coverage


def test_the_embedded_rate_is_an_eaje_rate_over_the_caf_count(client, armentieres):
    rate = childcare_rate(territory=armentieres)
    assert rate.value == 16.7 and rate.numerator == 175 and rate.children == 1048
    assert rate.label.startswith("Taux d'équipement en EAJE")
    assert rate.children_label == "enfants de moins de 3 ans des foyers allocataires (CAF)"
    assert not rate.complete and len(rate.missing) == 4
    assert rate.official_line == OFFICIAL_MISSING
    text = page(client)
    assert rate.label in text and "méthode CNAF" not in text
    assert "places offertes par les assistant·e·s maternel·le·s en activité" in text
    assert OFFICIAL_MISSING in text


def test_the_cnaf_label_appears_only_with_the_five_parts_and_insee_children(client, armentieres):
    add_stats(armentieres, dict(list(FIVE_PARTS.items())[:4]))
    add_stats(armentieres, {"enfants_moins_3_ans": 1200}, source="INSEE (exemple fictif)")
    four = childcare_rate(territory=armentieres)
    assert four.label != CNAF_LABEL and four.label.startswith("Taux de couverture partiel")
    assert four.missing == ["enfants de 2 ans préscolarisés"]
    add_stats(armentieres, {"enfants_2_ans_scolarises": 40})
    five = childcare_rate(territory=armentieres)
    assert five.complete and five.label == CNAF_LABEL
    assert five.value == round(100 * sum(FIVE_PARTS.values()) / 1200, 1)
    assert CNAF_LABEL in page(client)
    result = CliRunner().invoke(_cli(), ["childcare", "--territory", "armentieres"])
    assert CNAF_LABEL in result.output


def test_five_parts_over_the_caf_count_are_not_called_cnaf(armentieres):
    add_stats(armentieres, FIVE_PARTS)
    rate = childcare_rate(territory=armentieres)
    assert not rate.complete and rate.label != CNAF_LABEL
    assert "INSEE" in rate.missing[-1]


def test_the_official_rate_is_shown_beside_ours_with_the_gap_explained(client, armentieres):
    Statistic.objects.create(
        territory=armentieres,
        key="taux_couverture_global_officiel",
        label="Taux de couverture global (data.caf.fr)",
        value=50.0,
        unit="%",
        vintage="2021",
        source="data.caf.fr, txcouv_pe_com (exemple fictif)",
    )
    rate = childcare_rate(territory=armentieres)
    assert rate.gap_points == round(16.7 - 50.0, 1)
    assert "-33,3 points" in rate.official_line
    assert any("ne compte pas" in g for g in rate.gap_explanation)
    assert any("Millésimes différents" in g for g in rate.gap_explanation)
    assert "txcouv_pe_com (exemple fictif)" in page(client)


# --------------------------------------------------------------------------- 2. vintages


def test_ctg_figures_without_a_year_are_not_stamped_2022(armentieres):
    for key in ("population_ctg", "population_qpv", "part_moins_25_ans", "places_micro_creches"):
        stat = Statistic.objects.get(territory=armentieres, key=key)
        assert stat.vintage == "millésime non précisé", key
    assert Statistic.objects.get(territory=armentieres, key="enfants_0_2_ans").vintage == "2020"


def test_reference_populations_explain_every_population(client, armentieres):
    report = diagnostic_build(territory=armentieres, with_access=False)
    values = {p.key: (round(p.value), p.vintage) for p in report.populations}
    assert values["population_ctg"] == (24882, "millésime non précisé")
    assert values["population_rp"] == (26107, "RP 2022")
    assert values["population_iris_rp2016"] == (25015, "RP 2016")
    assert values["population_carreaux_59017"][1] == "2017"
    assert values["population_carreaux_59017"][0] in (24212, 24213)
    assert values["population_legale_59017"] == (26998, "COG 2026")
    assert values["population_qpv"][0] == 1713 and values["population_qpv_carreaux"][0] == 2074
    assert all(p.used_for and p.source for p in report.populations)
    text = page(client)
    assert "Populations de référence" in text
    for shown in ("24\xa0882", "26\xa0107", "25\xa0015", "26\xa0998", "2\xa0074"):
        assert shown in text


# --------------------------------------------------------------------------- 4. reconciliation


def test_reconciliation_lists_the_ctg_twelve_places_and_the_extra_record(client, armentieres):
    rec = diagnostic_build(territory=armentieres, with_access=False).reconciliation
    by = {r.typology: r for r in rec.rows}
    assert rec.ctg_total == 12  # 1 crèche + 2 multi-accueils + 1 entreprise + 1 RPE + 1 LAEP + 6
    assert rec.directory_total == 13 and rec.extra_total == 1
    assert (
        by["eaje-creche-collective"].ctg_places_lieux,
        by["eaje-creche-collective"].directory_lieux,
    ) == (1, 1)
    assert by["eaje-micro-creche"].directory_capacity == 72
    assert by["eaje-halte-garderie"].extra == [
        "Halte-garderie de la Maison parent-enfant (quartier Salengro)"
    ]
    assert all(r.status == "concorde" for r in rec.rows if r.typology != "eaje-halte-garderie")
    text = page(client)
    assert "Rapprochement CTG et annuaire" in text
    assert "Fiche hors liste de la CTG : Halte-garderie de la Maison parent-enfant" in text
    rows, _columns = table_for(diagnostic_build(territory=armentieres), "rapprochement")
    assert len(rows) == len(rec.rows)


# --------------------------------------------------------------------------- 8. audit


def _cli():
    from maillage.cli import main

    return main


def test_the_audit_lists_every_figure_with_its_four_labels(armentieres):
    result = CliRunner().invoke(
        _cli(), ["diagnostic", "--territory", "armentieres", "--audit", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert len(figures) > 50
    labels = {f["label"] for f in figures}
    assert childcare_rate(territory=armentieres).label in labels
    assert "Éducation : pour 1 000 habitants" in labels
    assert all(not f["problemes"] for f in figures)


def test_the_audit_fails_on_a_figure_without_a_source(armentieres):
    Statistic.objects.filter(territory=armentieres, key="ecoliers").update(source=" ")
    result = CliRunner().invoke(_cli(), ["diagnostic", "--territory", "armentieres", "--audit"])
    assert result.exit_code == 1
    assert "Écoliers (source)" in result.output


# --------------------------------------------------------------------------- 7. provenance


def _public_urls(client) -> set[str]:
    start = ["/", f"/{'armentieres'}/"]
    seen: set[str] = set()
    todo = list(start) + [url("diagnostic"), url("directory"), url("diagnostic-quality")]
    while todo and len(seen) < 400:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
            href = unescape(href)
            if href.startswith(("/static/", "/admin", "/connexion", "/api/v1/docs")):
                continue
            if re.search(r"\.(pdf|docx|xlsx|ods|zip)$|/(pdf|docx|xlsx|ods)/?$", href):
                continue
            if "armentieres" in href or href == "/":
                todo.append(href)
    return seen


def test_no_internal_note_on_any_public_page(client, armentieres):
    urls = _public_urls(client)
    assert len(urls) > 30
    assert any("/structures/" in u or "/annuaire/" in u for u in urls)
    api = [
        "/api/v1/structures?territory=armentieres&limit=100",
        "/api/v1/structures/geojson?territory=armentieres",
        "/api/v1/export/armentieres/datainclusion/structures.json",
        "/api/v1/export/armentieres/structures.csv",
        "/api/v1/export/armentieres/structures.geojson",
    ]
    for path in sorted(urls) + api:
        response = client.get(path)
        if response.status_code != 200 or response.get("Content-Type", "").startswith(
            ("application/pdf", "application/vnd", "image/")
        ):
            continue
        body = unescape(response.content.decode("utf-8", "replace"))
        for marker in INTERNAL_MARKERS:
            assert marker not in body, (path, marker)


def test_declared_only_supply_is_counted_but_never_a_public_fiche(coordinator_client, armentieres):
    from django.test import Client

    from maillage.directory.models import Structure

    client = Client()  # anonymous (the ``client`` fixture is the coordinator's here)
    from maillage.directory.selectors import structure_search

    declared = set(
        Structure.objects.filter(territory=armentieres, declared_only=True).values_list(
            "name", flat=True
        )
    )
    assert declared == {
        "Micro-crèches privées (6 lieux)",
        "Second centre social (non nommé par la CTG)",
    }
    public = {h.structure.name for h in structure_search(territory=armentieres, limit=100).results}
    assert not public & declared
    internal = structure_search(territory=armentieres, limit=100, published_only=False)
    assert declared <= {h.structure.name for h in internal.results}
    api = client.get("/api/v1/structures", {"territory": "armentieres", "limit": 100}).json()
    assert not {r["structure"]["name"] for r in api["results"]} & declared
    # counted by the diagnostic: the CTG's 72 micro-crèche places are in the rate
    assert childcare_rate(territory=armentieres).numerator == 175
    micro = Structure.objects.get(territory=armentieres, source_id="micro-creches-privees")
    assert client.get(url("structure", micro.pk)).status_code == 404
    assert coordinator_client.get(url("structure", micro.pk)).status_code == 200
    assert "SOURCES.md" in unescape(
        coordinator_client.get(
            url("structure", Structure.objects.get(territory=armentieres, finess="590006250").pk)
        ).content.decode()
    )


@pytest.mark.parametrize("marker", ["non vérifié", "SOURCES.md"])
def test_the_data_still_holds_the_internal_notes_for_the_coordinator(armentieres, marker):
    from maillage.directory.models import Structure

    assert Structure.objects.filter(territory=armentieres, note__contains=marker).exists() or (
        Structure.objects.filter(territory=armentieres, source_label__contains=marker).exists()
    )


def test_a_fiche_seen_by_the_coordinator_first_shows_no_internal_note_to_the_public(
    armentieres, coordinator_client
):
    """The fiche's body is cached: the coordinator's copy (internal notes) must never be the one
    an anonymous visitor gets next (the cache key did not say who the body was rendered for)."""
    from django.test import Client

    from maillage.directory.models import Structure

    page = url("structure", Structure.objects.get(territory=armentieres, finess="590006250").pk)
    assert "SOURCES.md" in unescape(coordinator_client.get(page).content.decode())
    public = unescape(Client().get(page).content.decode())
    for marker in INTERNAL_MARKERS:
        assert marker not in public, marker


@pytest.mark.parametrize("theme", ["petite-enfance", "vie-sociale", "parentalite"])
def test_records_to_locate_never_name_the_ctg_declared_only_supply(armentieres, theme):
    """The « non calculable » notice lists the records to locate: the CTG's unnamed supply is
    described (« Centre social — offre déclarée par la CTG, sans nom ni adresse »), never shown
    under its working name, on the zones page and the dashboard alike."""
    from django.test import Client

    client = Client()
    zones = unescape(client.get(url("diagnostic-zones"), {"theme": theme}).content.decode())
    dashboard = unescape(client.get(url("diagnostic")).content.decode())
    for page in (zones, dashboard):
        for name in ("Second centre social", "non nommé par la CTG", "Micro-crèches privées (6"):
            assert name not in page
    if theme == "vie-sociale":
        assert "Centre social — offre déclarée par la CTG, sans nom ni adresse" in zones
