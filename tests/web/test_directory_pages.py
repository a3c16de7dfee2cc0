"""Structure page, parcours by age, professional view and its exports."""

from __future__ import annotations

import io
from datetime import date

import pytest

from maillage.directory.models import Service, Structure
from maillage.directory.selectors import AGE_BANDS
from maillage.directory.services import structure_update
from maillage.web.views.directory import week_hours


def structure(territory, name: str) -> Structure:
    return Structure.objects.get(territory=territory, name=name)


def url(s: Structure) -> str:
    return f"/territoire/armentieres/structures/{s.pk}/"


def test_structure_page_shows_its_services(client, armentieres):
    creche = structure(armentieres, "Crèche municipale")
    service = Service.objects.filter(structure=creche).first()
    html = client.get(url(creche)).content.decode()
    assert "<h1>Crèche municipale</h1>" in html
    assert service.name in html
    assert f"{service.capacity} places" in html


def test_located_structure_has_its_map(client, armentieres):
    college = structure(armentieres, "Collège Jean Rostand")
    html = client.get(url(college)).content.decode()
    assert "data-structure-map" in html and "À localiser" not in html
    assert f'data-lat="{college.lat}"' in html


def test_structure_page_gives_the_phone_as_a_link(client, armentieres):
    s = Structure.objects.filter(territory=armentieres).exclude(phone="").first()
    html = client.get(url(s)).content.decode()
    assert f'href="tel:{s.phone.replace(" ", "")}"' in html


def test_unlocated_structure_is_flagged_and_has_no_map(client, armentieres):
    s = Structure.objects.filter(territory=armentieres, x_l93__isnull=True).first()
    html = client.get(url(s)).content.decode()
    assert "À localiser" in html
    assert "data-structure-map" not in html


def test_open_now_follows_the_opening_hours(client, armentieres):
    s = structure(armentieres, "Crèche municipale")
    assert "Horaires non renseignés" in client.get(url(s)).content.decode()
    structure_update(structure=s, opening_hours="24/7")
    assert "Ouvert maintenant" in client.get(url(s)).content.decode()
    structure_update(structure=s, opening_hours="off")
    assert "Fermé maintenant" in client.get(url(s)).content.decode()


def test_week_hours_reads_the_osm_syntax():
    monday = date(2026, 11, 30)
    week = week_hours("Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00", start=monday)
    assert [d.label for d in week][:2] == ["lundi", "mardi"]
    assert week[0].hours == "08 h 30 – 12 h 00, 13 h 30 – 17 h 30"
    assert week[5].hours == "09 h 00 – 12 h 00"
    assert week[6].hours == "fermé"
    # A public holiday rule replaces the weekday's hours (11 November 2026 is a Wednesday).
    week = week_hours("Mo-Fr 08:00-18:00; PH off", start=date(2026, 11, 9))
    assert week[2].label.startswith("mercredi") and "férié" in week[2].label
    assert week[2].hours == "fermé"
    assert week_hours("", start=monday) is None
    assert week_hours("n'importe quoi", start=monday) is None


def test_unknown_or_foreign_structure_is_a_404(client, armentieres):
    assert client.get("/territoire/armentieres/structures/999999/").status_code == 404
    s = Structure.objects.filter(territory=armentieres).first()
    assert client.get(f"/territoire/nulle-part/structures/{s.pk}/").status_code == 404


def test_parcours_shows_each_age_with_its_offer(client, armentieres):
    response = client.get("/territoire/armentieres/parcours/")
    html = response.content.decode()
    steps = {p.age_band: p for p, _ in response.context["steps"]}
    assert list(steps) == list(AGE_BANDS)
    in_band = {b: {s.name for g in p.groups for s in g.structures} for b, p in steps.items()}
    assert "Crèche municipale" in in_band["0-3"]
    assert "Crèche municipale" not in in_band["11-17"]
    assert "Collège Jean Rostand" in in_band["11-17"]
    assert "Lieu d'accueil enfants-parents (LAEP)" in in_band["parents"]
    assert "Entrée au collège" in html and "école maternelle" in html
    assert "Accompagner le développement de l'enfant" in html


def test_pro_view_lists_orientation_details(client, armentieres):
    response = client.get("/territoire/armentieres/pro/annuaire/", {"q": "crèche"})
    html = response.content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    assert "Crèche municipale" in table and "Collège" not in table
    assert "?q=cr%C3%A8che&amp;format=csv" in html or "format=csv" in html


def test_pro_export_csv_is_what_the_filters_show(client, armentieres):
    response = client.get("/territoire/armentieres/pro/annuaire/", {"age": "13", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    header, *rows = text.strip().split("\r\n")
    assert header.startswith("Structure;Typologie;Adresse")
    shown = client.get("/territoire/armentieres/pro/annuaire/", {"age": "13"}).context["result"]
    names = {r.split(";")[0].strip('"') for r in rows}
    assert names == {h.structure.name for h in shown.results} or shown.has_next
    assert "Collège Jean Rostand" in names and "Crèche municipale" not in names


def test_pro_view_filters_by_typology_code_or_family_and_exports_the_same(client, armentieres):
    url = "/territoire/armentieres/pro/annuaire/"
    colleges = client.get(url, {"typology": "college"}).context["result"]
    assert {h.structure.typology_code for h in colleges.results} == {"college"}
    assert {"Collège Jean Rostand"} <= {h.structure.name for h in colleges.results}
    eaje = client.get(url, {"typology": "EAJE"}).context["result"]
    codes = {h.structure.typology_code for h in eaje.results}
    assert codes and all(code.startswith("eaje-") for code in codes)
    assert "eaje-multi-accueil" in codes
    csv = client.get(url, {"typology": "college", "format": "csv"}).content.decode("utf-8-sig")
    rows = csv.strip().split("\r\n")[1:]
    assert len(rows) == colleges.total
    page = client.get(url, {"typology": "inconnu"})
    assert page.status_code == 200 and page.context["result"] is None
    assert "inconnu" in page.context["form"].errors["typology"][0]
    # The public search has no typology filter: the parameter is ignored there.
    public = client.get("/territoire/armentieres/annuaire/", {"typology": "college"})
    assert public.context["result"].total > colleges.total


def test_pro_export_xlsx_opens(client, armentieres):
    from openpyxl import load_workbook

    response = client.get(
        "/territoire/armentieres/pro/annuaire/", {"q": "crèche", "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == "Structure"
    assert "Crèche municipale" in values


@pytest.mark.parametrize("fmt", ["pdf", "exe"])
def test_pro_unknown_export_format_falls_back_to_the_page(client, armentieres, fmt):
    response = client.get("/territoire/armentieres/pro/annuaire/", {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
