"""The data·inclusion ``score_qualite``, computed by the official package on the exported
services: shown on the quality page and printed by the export (records here: *exemple fictif*)."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from django.urls import reverse

from maillage.interop.datainclusion import datainclusion_export
from maillage.interop.datainclusion_score import fr, score_services, territory_score


def record(**overrides):
    """A data·inclusion v1 service (exemple fictif), complete unless overridden."""
    base = {
        "source": "fictif",
        "structure_id": "fictif--s1",
        "id": "fictif--sv1",
        "nom": "Accueil de loisirs (exemple fictif)",
        "description": "Exemple fictif. " * 20,  # 320 characters: the ideal range
        "date_maj": dt.date.today().isoformat(),
        "thematiques": ["famille--garde-denfants"],
        "publics": ["familles"],
        "frais": "gratuit",
        "telephone": "0300000000",
        "modes_accueil": ["en-presentiel"],
        "modes_mobilisation": ["telephoner", "se-presenter"],
        "mobilisable_par": ["usagers"],
        "adresse": "1 rue de l'Exemple",
    }
    return {**base, **overrides}


def test_a_complete_service_scores_1_and_missing_items_lower_it():
    complete = score_services([record()])
    assert complete.mean == 1.0
    poor = score_services([record(publics=None, telephone=None, frais=None)])
    assert poor.mean < 1.0
    worst = poor.worst[0]
    assert "Au moins un public" in worst.failed
    assert "Téléphone (quand on s'adresse au service par téléphone)" in worst.failed
    assert "Frais précisés" in worst.failed


def test_a_criterion_that_applies_to_no_service_is_not_applicable_never_0():
    report = score_services([record(modes_mobilisation=["se-presenter"], telephone=None)])
    by_name = {c.name: c for c in report.criteria}
    assert by_name["courriel_bien_defini"].mean is None
    assert by_name["courriel_bien_defini"].applicable == 0
    assert by_name["adresse_bien_definie"].mean == 1.0
    assert "non applicable" in "\n".join(report.lines())


def test_no_service_is_non_calculable():
    report = score_services([])
    assert report.mean is None
    assert "non calculable" in report.lines()[0]


def test_the_territory_score_is_the_mean_of_its_exported_services(armentieres):
    services = datainclusion_export(territory=armentieres).services
    report = territory_score(territory=armentieres)
    assert report.services == len(services) > 0
    singles = [score_services([s]).mean for s in services]
    assert report.mean == pytest.approx(sum(singles) / len(singles), abs=0.01)


def test_quality_page_shows_the_official_score(client, armentieres):
    report = territory_score(territory=armentieres)
    html = client.get(reverse("web:quality", args=["armentieres"])).content.decode()
    assert "Score qualité data·inclusion" in html
    assert f"{fr(report.mean)} sur 1" in html
    assert "data-inclusion-schema" in html


def test_export_prints_the_score(armentieres, tmp_path):
    from maillage.cli import main

    result = CliRunner().invoke(
        main, ["export", "datainclusion", "--territory", "armentieres", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    mean = territory_score(territory=armentieres).mean
    assert "Score qualité data·inclusion (paquet officiel 1.0." in result.output
    assert f"{fr(mean)} sur 1" in result.output
