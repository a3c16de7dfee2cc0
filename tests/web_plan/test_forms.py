"""Journal entry form, import page and échéancier editing: login, French messages, no partial
writes, CSRF."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from maillage.interop.tabular import write_table
from maillage.plan.journal import JOURNAL_COLUMNS
from maillage.plan.models import Activity, Milestone


def url(name, *args):
    return reverse(f"web:{name}", args=["armentieres", *args])


VALID = {
    "date": "2025-03-04",
    "kind": "",
    "title": "Atelier parents-enfants",
    "axes": ["2"],
    "objectives": ["2.2"],
    "zones": ["QP059070"],
    "partners": "Les centres sociaux; La CAF",
    "participants": "18",
}


def _valid(**changes):
    from maillage.plan.models import ActivityKind

    data = dict(VALID, kind=str(ActivityKind.objects.get(name="atelier collectif").pk))
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_entry_form_requires_login_and_writes_nothing_for_anonymous(client, armentieres):
    assert client.get(url("plan-activity-new")).status_code == 302
    response = client.post(url("plan-activity-new"), _valid())
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert not Activity.objects.exists()


def test_entry_form_refuses_users_without_the_right(client, armentieres, django_user_model):
    client.force_login(django_user_model.objects.create_user("habitant", password="x-y-z-123456"))
    assert client.post(url("plan-activity-new"), _valid()).status_code == 403
    assert not Activity.objects.exists()


def test_entry_form_records_a_valid_activity(coordinator_client, coordinator):
    response = coordinator_client.post(url("plan-activity-new"), _valid())
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("plan-activity", activity.pk)
    assert activity.author == coordinator
    assert [z.code for z in activity.zones.all()] == ["QP059070"]
    assert sorted(p.name for p in activity.partners.all()) == ["La CAF", "Les centres sociaux"]
    assert activity.participants == 18


def test_entry_form_refuses_bad_input_with_french_field_messages(coordinator_client):
    cases = [
        ({"title": ""}, "title", "Ce champ est obligatoire"),
        ({"axes": None}, "axes", "Choisissez au moins un axe"),
        ({"date": "2019-05-01"}, "date", "hors de la convention"),
        ({"participants": "-3"}, "participants", "supérieure ou égale à 0"),
        ({"objectives": ["1.1"]}, "objectives", "inconnu pour l'axe"),
        ({"lon": "2.88"}, "lat", "Longitude et latitude vont ensemble"),
    ]
    for change, field, message in cases:
        response = coordinator_client.post(url("plan-activity-new"), _valid(**change))
        assert response.status_code == 400, change
        errors = response.context["form"].errors
        assert field in errors and message in " ".join(errors[field]), (change, errors)
        assert message.replace("'", "&#x27;") in response.content.decode()
    assert not Activity.objects.exists()


def test_entry_form_checks_csrf(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    assert client.post(url("plan-activity-new"), _valid()).status_code == 403
    assert not Activity.objects.exists()
    page = client.get(url("plan-activity-new")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    for name in ("date", "kind", "title", "participants"):
        assert f'<label for="id_{name}">' in page


def _journal(rows):
    return write_table(rows, columns=JOURNAL_COLUMNS, fmt="csv")


ROW = {"date": "04/03/2025", "type": "groupe de travail", "titre": "GT AVS", "axe": "1"}


def test_import_shows_refused_rows_then_imports_valid_ones_on_confirmation(
    coordinator_client, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    data = _journal([ROW, dict(ROW, titre="GT 2", axe="9"), dict(ROW, titre="GT 3", date="hier")])
    upload = SimpleUploadedFile("journal.csv", data, content_type="text/csv")
    response = coordinator_client.post(url("plan-journal-import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Simulation" in html and "Lignes refusées" in html
    assert "axe « 9 » inconnu" in html and "date « hier » illisible" in html
    assert not Activity.objects.exists()
    token = response.context["token"]
    confirm = {"confirm": "1", "token": token, "valid_only": "1"}
    response = coordinator_client.post(url("plan-journal-import"), confirm)
    assert "1 activité(s) créée(s)." in response.content.decode()
    assert list(Activity.objects.values_list("title", flat=True)) == ["GT AVS"]
    assert not list((tmp_path / "imports").glob("*.bin"))  # the pending upload is removed
    again = coordinator_client.post(url("plan-journal-import"), confirm)  # token used once
    assert "Import expiré" in again.content.decode()
    assert Activity.objects.count() == 1


def test_import_refuses_an_unreadable_file_in_french(coordinator_client):
    upload = SimpleUploadedFile("journal.csv", b"colonne;autre\n1;2\n", content_type="text/csv")
    response = coordinator_client.post(url("plan-journal-import"), {"file": upload})
    assert response.status_code == 400
    assert "colonne(s) obligatoire(s) absente(s)" in response.content.decode()
    assert not Activity.objects.exists()


def test_import_requires_login(client, armentieres):
    upload = SimpleUploadedFile("journal.csv", _journal([ROW]), content_type="text/csv")
    assert client.post(url("plan-journal-import"), {"file": upload}).status_code == 302
    assert not Activity.objects.exists()


def test_journal_template_downloads(client, armentieres):
    response = client.get(url("plan-journal-template", "csv"))
    assert response.status_code == 200
    assert b"date;type;titre;axe" in response.content
    assert client.get(url("plan-journal-template", "exe")).status_code == 404


def test_schedule_is_edited_by_the_coordinator_only(client, coordinator_client, armentieres):
    anonymous = Client()
    data = {"title": "Diagnostic partagé", "due_date": "2024-06-30", "status": "prevu", "axis": "1"}
    assert anonymous.post(url("plan-milestone-new"), data).status_code == 302
    assert not Milestone.objects.exists()
    bad = coordinator_client.post(url("plan-milestone-new"), dict(data, due_date="30/13/2024"))
    assert bad.status_code == 400 and "Saisissez une date valide" in bad.content.decode()
    assert not Milestone.objects.exists()
    assert coordinator_client.post(url("plan-milestone-new"), data).status_code == 302
    milestone = Milestone.objects.get()
    assert milestone.axis.number == 1 and milestone.due_date == dt.date(2024, 6, 30)
    response = coordinator_client.post(
        url("plan-milestone-edit", milestone.pk), dict(data, status="realise")
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == "realise"
    assert "réalisé" in client.get(url("plan-schedule")).content.decode()


def _partner(django_user_model, territory, username="centre-social"):
    from maillage.accounts.models import Membership

    user = django_user_model.objects.create_user(username, password="x-y-z-123456-abc")
    Membership.objects.create(user=user, territory=territory, role="partner")
    return user


def test_a_partner_records_and_deletes_only_their_own_entries(
    client, armentieres, django_user_model, activity
):
    partner = _partner(django_user_model, armentieres)
    client.force_login(partner)
    assert client.post(url("plan-activity-new"), _valid()).status_code == 302
    own = Activity.objects.get(author=partner)
    # Someone else's entry: no delete button, and a forged POST is refused.
    assert "Supprimer" not in client.get(url("plan-activity", activity.pk)).content.decode()
    assert client.post(url("plan-activity-delete", activity.pk)).status_code == 403
    assert client.get(url("plan-activity-delete", own.pk)).status_code == 403  # POST only
    response = client.post(url("plan-activity-delete", own.pk))
    assert response.status_code == 302
    assert list(Activity.objects.all()) == [activity]


def test_an_observer_cannot_record(client, armentieres, django_user_model):
    from maillage.accounts.models import Membership

    user = django_user_model.objects.create_user("caf", password="x-y-z-123456-abc")
    Membership.objects.create(user=user, territory=armentieres, role="observer")
    client.force_login(user)
    assert "Saisir une activité" not in client.get(url("plan-journal")).content.decode()
    assert client.post(url("plan-activity-new"), _valid()).status_code == 403
    assert not Activity.objects.exists()


def test_entry_form_takes_attachments_and_refuses_unknown_types(
    coordinator_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    bad = SimpleUploadedFile("outil.exe", b"MZ...", content_type="application/octet-stream")
    response = coordinator_client.post(url("plan-activity-new"), _valid(attachments=[bad]))
    assert response.status_code == 400
    assert "attachments" in response.context["form"].errors
    assert not Activity.objects.exists()
    good = SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = coordinator_client.post(url("plan-activity-new"), _valid(attachments=[good]))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert [a.name for a in activity.attachments.all()] == ["compte-rendu.pdf"]
    assert "compte-rendu.pdf" in coordinator_client.get(response["Location"]).content.decode()


def test_an_entry_is_edited_by_its_author_or_the_coordinator_only(
    client, coordinator_client, armentieres, django_user_model, activity
):
    page = url("plan-activity-edit", activity.pk)
    form = coordinator_client.get(page)
    assert form.status_code == 200
    assert form.context["form"].initial["zones"] == ["QP059069"]
    changed = _valid(title="Groupe de travail AVS (compte rendu)", axes=["1"], objectives=["1.2"])
    assert coordinator_client.post(page, changed).status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Groupe de travail AVS (compte rendu)"
    assert [f"{o.axis.number}.{o.number}" for o in activity.objectives.all()] == ["1.2"]
    refused = coordinator_client.post(page, dict(changed, title="", date="2031-01-01"))
    assert refused.status_code == 400
    activity.refresh_from_db()
    assert activity.title == "Groupe de travail AVS (compte rendu)"
    client.force_login(_partner(django_user_model, armentieres, "autre-partenaire"))
    assert client.get(page).status_code == 403
    assert client.post(page, dict(changed, title="Détourné")).status_code == 403
    activity.refresh_from_db()
    assert activity.title == "Groupe de travail AVS (compte rendu)"


def test_import_refuses_an_oversized_file_before_reading_it(coordinator_client, settings):
    from maillage.interop.tabular import MAX_BYTES

    big = SimpleUploadedFile("journal.csv", b"x" * (MAX_BYTES + 1), content_type="text/csv")
    response = coordinator_client.post(url("plan-journal-import"), {"file": big})
    assert response.status_code == 400
    assert "Fichier trop volumineux" in response.content.decode()


def test_a_new_upload_replaces_the_pending_one(coordinator_client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    for title in ("GT un", "GT deux"):
        upload = SimpleUploadedFile("j.csv", _journal([dict(ROW, titre=title)]), "text/csv")
        coordinator_client.post(url("plan-journal-import"), {"file": upload})
    assert len(list((tmp_path / "imports").glob("*.bin"))) == 1
