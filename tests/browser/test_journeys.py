"""The three journeys of issue 20, end to end in Chromium, on a desk (1280 px) and a phone (390 px).

- a parent: home → « Je cherche… » by the child's age → results with their map → a fiche →
  the parcours by age → the printed guide of a chosen quartier;
- a social worker: the professionals' directory → a filter → the export, every orientation
  column filled or honestly « non renseigné »;
- the coordinator: login → the space's dashboard → a pending validation → a journal entry
  with its confirmation → an indicator → the bilan.

Every page: no horizontal overflow (``scrollWidth ≤ innerWidth``) and no axe-core violation.
Screenshots of each page go to ``var/screenshots/journeys/`` (not committed), for a person to
look at.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "journeys"
PASSWORD = "Tilleul-Ecluse-47-Brique"
T = "/territoire/armentieres"


def _context(browser, width: int, **kwargs):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": width, "height": 900}, **kwargs
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def _check(page, assert_accessible, name: str, width: int) -> None:
    """The page fits the screen, passes axe-core, and is kept as a screenshot."""
    page.wait_for_load_state("networkidle")
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    assert scroll <= inner, f"{page.url} : page de {scroll} px pour un écran de {inner} px"
    assert_accessible(page)


# --------------------------------------------------------------------------- a parent


@pytest.mark.parametrize("width", WIDTHS)
def test_parent_finds_care_by_age_and_prints_the_guide_of_a_quartier(
    live_data, browser, assert_accessible, settings, tmp_path, width
):
    from maillage.territory.models import Territory
    from maillage.territory.selectors import territory_zones

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOBS_DIR = tmp_path / "taches"
    context, page = _context(browser, width, accept_downloads=True)

    # One territory: the home page is the resident's « Je cherche… » of that territory.
    page.goto(live_data + "/")
    _check(page, assert_accessible, "parent-1-accueil", width)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Je cherche")
    needs = page.get_by_role("navigation", name=re.compile("Besoins"))
    for need in ("Faire garder mon enfant", "Activités pour mon enfant", "Être accompagné"):
        assert needs.get_by_role("link", name=re.compile(need)).count() == 1
    form = page.get_by_role("search")
    form.get_by_label(re.compile("Âge de l'enfant")).fill("2")
    form.get_by_role("button", name="Chercher").click()
    page.wait_for_url(re.compile(r"/annuaire/\?.*age=2"))

    # Results and their map.
    _check(page, assert_accessible, "parent-2-resultats", width)
    assert page.locator("#carte-resultats").is_visible()
    assert page.locator("#carte-resultats .leaflet-interactive").count() > 0
    first = page.locator("#resultats h3 a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/structures/\d+/"))
    _check(page, assert_accessible, "parent-3-fiche", width)
    assert page.get_by_role("heading", level=1).inner_text().strip() == name

    # The parcours by age: a neighbouring commune's school says where it is, names are not
    # shouted in capitals.
    page.goto(live_data + T + "/parcours/")
    _check(page, assert_accessible, "parent-4-parcours", width)
    steps = page.locator("ol.parcours > li")
    assert steps.count() >= 4
    for k in range(steps.count()):
        items = steps.nth(k).locator("li").all_inner_texts()
        names = [t.split(" — ")[0].strip() for t in items]
        shouted = [n for n in names if re.search(r"[A-ZÀ-Ý'-]{3,} [A-ZÀ-Ý'-]{3,}", n)]
        assert not shouted, f"noms en capitales : {shouted[:3]}"
        twice = sorted({n for n in names if names.count(n) > 1})
        assert not twice, f"homonymes d'une même étape sans leur commune : {twice[:3]}"

    # The printed guide of one quartier.
    territory = Territory.objects.get(slug="armentieres")
    quartier = next(z for z in territory_zones(territory=territory) if z.kind == "qpv")
    page.get_by_role("link", name="Imprimer le guide de mon quartier").click()
    page.wait_for_url(re.compile(r"/documents/guide/$"))
    _check(page, assert_accessible, "parent-5-guide", width)
    page.get_by_label("Quartier").select_option(quartier.code)
    page.get_by_role("button", name="Préparer le guide").click()
    page.wait_for_url(re.compile(r"/documents/[0-9a-f-]{36}/$"))
    page.locator("[data-job-ready]").wait_for(state="visible")
    _check(page, assert_accessible, "parent-6-guide-pret", width)
    with page.expect_download() as info:
        page.locator("[data-job-file]").click()
    path = info.value.path()
    assert Path(path).read_bytes()[:5] == b"%PDF-"
    context.close()


# --------------------------------------------------------------------------- a social worker


@pytest.mark.parametrize("width", WIDTHS)
def test_social_worker_filters_the_pro_directory_and_exports_it(
    live_data, browser, assert_accessible, width
):
    context, page = _context(browser, width, accept_downloads=True)
    page.goto(live_data + T + "/pro/annuaire/")
    _check(page, assert_accessible, "pro-1-annuaire", width)
    page.get_by_label("Type de structure").select_option(label="EAJE (tout)")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"typology="))
    _check(page, assert_accessible, "pro-2-filtre", width)

    table = page.locator("table.figures")
    headers = table.locator("thead th").all_inner_texts()
    assert "Mobilisation" in headers and "Places" in headers, headers
    rows = table.locator("tbody tr")
    assert rows.count() > 0
    mob = headers.index("Mobilisation")
    places = headers.index("Places")
    for i in range(rows.count()):
        cells = rows.nth(i).locator("th, td")
        assert cells.nth(mob).inner_text().strip(), f"ligne {i + 1} : mobilisation vide"
        assert cells.nth(places).inner_text().strip(), f"ligne {i + 1} : places vides"
    assert "non renseigné" in table.inner_text()

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    export = list(csv.DictReader(io.StringIO(text), delimiter=_delimiter(text)))
    assert export, "export vide"
    assert len({r["Structure"] for r in export}) == rows.count()
    for column in ("Places", "Modes de mobilisation", "Mobilisable par"):
        assert all(r[column].strip() for r in export), f"colonne « {column} » vide dans l'export"
    assert any(r["Places"].strip().isdigit() for r in export), "aucune capacité dans l'export"
    context.close()


def _delimiter(text: str) -> str:
    first = text.splitlines()[0]
    return ";" if first.count(";") > first.count(",") else ","


# --------------------------------------------------------------------------- the coordinator


def _people():
    from django.contrib.auth import get_user_model

    from maillage.accounts.services import membership_set, propose_change
    from maillage.directory.models import Organisation, Structure
    from maillage.territory.models import Territory

    territory = Territory.objects.get(slug="armentieres")
    users = get_user_model().objects
    coordinator = users.create_user(
        username="cdc@example.org", email="cdc@example.org", password=PASSWORD
    )
    membership_set(user=coordinator, territory=territory, role="coordinator")
    structure = (
        Structure.objects.filter(territory=territory, organisation__isnull=False)
        .order_by("pk")
        .first()
    )
    organisation = Organisation.objects.get(pk=structure.organisation_id)
    partner = users.create_user(username="partenaire@example.org", email="partenaire@example.org")
    membership_set(user=partner, territory=territory, role="partner", organisation=organisation)
    change = propose_change(obj=structure, user=partner, fields={"phone": "03 20 99 88 77"})
    return coordinator, change


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_week_from_the_dashboard_to_the_bilan(
    live_data, browser, assert_accessible, width
):
    _coordinator, change = _people()
    context, page = _context(browser, width)
    page.goto(live_data + "/connexion/")
    page.get_by_label("Adresse électronique ou identifiant").fill("cdc@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/")
    page.goto(live_data + T + "/espace/")

    # The dashboard: what to do this week, and the way to every tool.
    _check(page, assert_accessible, "cdc-1-tableau-de-bord", width)
    tools = page.get_by_role("navigation", name=re.compile("Outils"))
    for tool in ("Diagnostic", "Plan d'action", "Journal", "Indicateurs", "Bilan", "Qualité"):
        assert tools.get_by_role("link", name=re.compile(tool)).count() >= 1, tool
    todo = page.get_by_role("region", name=re.compile("Cette semaine"))
    for heading in (
        "Modifications à valider",
        "Indicateurs non renseignés",
        "Prochaines échéances",
    ):
        assert todo.get_by_role("heading", name=re.compile(heading)).count() == 1, heading

    # A pending validation.
    todo.get_by_role("link", name=change.object_repr).click()
    page.wait_for_url(re.compile(r"/espace/propositions/\d+/"))
    _check(page, assert_accessible, "cdc-2-validation", width)
    page.get_by_label("Valider").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_load_state()
    change.refresh_from_db()
    assert change.status == "validated"

    # A journal entry, confirmed once saved.
    page.goto(live_data + T + "/journal/nouvelle/")
    _check(page, assert_accessible, "cdc-3-journal-saisie", width)
    title = page.get_by_label(re.compile("^Titre"))
    assert title.bounding_box()["width"] >= min(width - 80, 500)
    objective = page.locator("fieldset", has_text="Objectifs opérationnels")
    labels = objective.locator("label").all_inner_texts()
    assert labels and not [x for x in labels if x.rstrip().endswith(":")], labels
    page.get_by_label("Date").fill("2025-03-14")
    page.get_by_label(re.compile("^Type d'activité")).select_option(index=1)
    title.fill("Café des parents (exemple fictif)")
    page.locator("fieldset", has_text="Axes de la CTG").locator("input").first.check()
    page.get_by_role("button", name="Enregistrer l'activité").click()
    page.wait_for_url(re.compile(r"/journal/\d+/$"))
    confirmation = page.locator(".messages")
    assert "enregistrée" in confirmation.inner_text()
    assert "Café des parents" in confirmation.inner_text()
    _check(page, assert_accessible, "cdc-4-journal-confirmation", width)

    # An indicator, then the bilan.
    page.goto(live_data + T + "/indicateurs/")
    _check(page, assert_accessible, "cdc-5-indicateurs", width)
    page.locator("table.figures tbody a").first.click()
    page.wait_for_url(re.compile(r"/indicateurs/\d+/$"))
    _check(page, assert_accessible, "cdc-6-indicateur", width)
    page.goto(live_data + T + "/bilan/")
    _check(page, assert_accessible, "cdc-7-bilan", width)
    context.close()


# --------------------------------------------------------------------------- display helpers
# (what the journeys above rely on, checked on known inputs)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("ECOLE PRIMAIRE JEAN MACE", "Ecole Primaire Jean Mace"),
        (
            "École privée Notre-Dame de Fatima de LA CHAPELLE D'ARMENTIERES",
            "École privée Notre-Dame de Fatima de la Chapelle d'Armentieres",
        ),
        ("Relais Petite Enfance (RPE)", "Relais Petite Enfance (RPE)"),
        ("Centre communal d'action sociale (CCAS)", "Centre communal d'action sociale (CCAS)"),
    ],
)
@pytest.mark.django_db
def test_names_in_capitals_are_title_cased_and_acronyms_kept(name, shown):
    from maillage.web.templatetags.maillage_display import display_name

    assert display_name(name) == shown


@pytest.mark.parametrize(
    ("unit", "value", "shown"),
    [
        ("structures", 1.0, "structure"),
        ("structures", 2.0, "structures"),
        ("places", 0.0, "place"),
        ("%", 1.0, "%"),
        ("points", 1.5, "point"),
        ("places pour 100 enfants", 1.0, "places pour 100 enfants"),
        ("structures", None, "structures"),
    ],
)
@pytest.mark.django_db
def test_units_agree_with_their_number(unit, value, shown):
    from maillage.web.templatetags.maillage_display import unit_for

    assert unit_for(unit, value) == shown
