"""Lost updates on the plan's web forms (issue 12, item 6): journal entry, schedule step and
yearly value of a manual indicator. Two coordinators open the same form; the second save, from
the stale form, is refused with a French message naming the other's change, nothing is
overwritten, the user's input is kept; a fresh save works."""

from __future__ import annotations

import datetime as dt
import html

from django.test import Client
from django.urls import reverse
from factories import coordinator

from maillage.plan.models import Activity, Indicator, IndicatorValue, Milestone
from maillage.territory.models import Territory


def _coordinator(name: str) -> Client:
    user = coordinator(
        Territory.objects.get(slug="armentieres"), username=name, email=f"{name}@example.org"
    )
    client = Client()
    client.force_login(user)
    return client


def _posted(form) -> dict:
    """What a browser sends for ``form`` as rendered (initial values, hidden version included)."""
    data: dict = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = "on" if value is True else str(value)
    return data


def _open(client: Client, url: str, key: str = "form") -> dict:
    page = client.get(url)
    assert page.status_code == 200
    return _posted(page.context[key])


def _url(name: str, pk: int) -> str:
    return reverse(f"web:{name}", kwargs={"slug": "armentieres", "pk": pk})


def test_stale_journal_entry_form_is_refused(activity):
    first, second = _coordinator("premiere"), _coordinator("seconde")
    url = _url("plan-activity-edit", activity.pk)
    seen_a, seen_b = _open(first, url), _open(second, url)
    assert seen_a.get("version") and seen_a["version"] == seen_b["version"]
    assert first.post(url, {**seen_a, "participants": "20"}).status_code == 302  # fresh save
    stale = second.post(url, {**seen_b, "title": "Titre périmé (test)"})
    assert stale.status_code == 400
    page = html.unescape(stale.content.decode())
    assert "a été modifiée par premiere@example.org le" in page
    assert "nombre de participants" in page.lower() and "« 14 » → « 20 »" in page
    assert "Titre périmé (test)" in page  # input kept
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.participants, stored.title) == (20, "Groupe de travail AVS")
    again = _posted(stale.context["form"])  # the form now carries the current version
    assert second.post(url, {**again, "participants": "20"}).status_code == 302
    assert Activity.objects.get(pk=activity.pk).title == "Titre périmé (test)"


def test_stale_schedule_step_form_is_refused(armentieres):
    from maillage.plan.services import milestone_create

    step = milestone_create(
        territory=armentieres, title="Comité de pilotage (test)", due_date=dt.date(2025, 6, 30)
    )
    first, second = _coordinator("premiere"), _coordinator("seconde")
    url = _url("plan-milestone-edit", step.pk)
    seen_a, seen_b = _open(first, url), _open(second, url)
    assert seen_a["title"] == "Comité de pilotage (test)"  # the form opens on the step
    assert first.post(url, {**seen_a, "owner": "Service enfance"}).status_code == 302
    stale = second.post(url, {**seen_b, "note": "Note périmée (test)"})
    assert stale.status_code == 400
    page = html.unescape(stale.content.decode())
    assert "premiere@example.org" in page and "Service enfance" in page
    stored = Milestone.objects.get(pk=step.pk)
    assert (stored.owner, stored.note) == ("Service enfance", "")


def test_stale_manual_indicator_value_is_refused(armentieres):
    indicator = Indicator.objects.filter(
        axis__convention__territory=armentieres, kind=Indicator.Kind.MANUAL
    ).first()
    first, second = _coordinator("premiere"), _coordinator("seconde")
    url = _url("plan-indicator-edit", indicator.pk)
    IndicatorValue.objects.filter(indicator=indicator).delete()
    seen_a, seen_b = _open(first, url, "manual"), _open(second, url, "manual")
    year = str(indicator.axis.convention.period_start)
    entry = {"manual": "1", "year": year, "justification": "Relevé (exemple fictif)"}
    assert first.post(url, {**seen_a, **entry, "value": "2"}).status_code == 302
    stale = second.post(url, {**seen_b, **entry, "value": "5"})
    assert stale.status_code == 400
    page = html.unescape(stale.content.decode())
    assert "premiere@example.org" in page and "valeur" in page
    assert IndicatorValue.objects.get(indicator=indicator, year=int(year)).value == 2
    fresh = _open(second, url, "manual")
    assert second.post(url, {**fresh, **entry, "value": "5"}).status_code == 302
    assert IndicatorValue.objects.get(indicator=indicator, year=int(year)).value == 5
