"""Update campaigns: the coordinator launches, each partner organisation answers through its
own link (token hashed at rest, scoped to its places, expiring), answers wait for the
coordinator's validation, the campaign page counts them, reminders are throttled."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import PendingChange
from maillage.accounts.services import hash_token, validate_change
from maillage.directory.models import Structure
from maillage.network import campaigns as svc
from maillage.network.models import CampaignAnswer, CampaignInvitation, CampaignLink

SITE = "https://ctg.example.org"
HOURS = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"


def _link(token: str) -> str:
    return SITE + reverse("web:campaign-answer", args=[token])


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def launched(armentieres, roles, site):
    """A campaign for organisations a and b; the token of a's e-mailed link."""
    report = svc.campaign_launch(
        territory=armentieres,
        title="Mise à jour de printemps",
        by=roles.coordinator,
        organisations=[roles.orgs.a, roles.orgs.b],
        link_for=_link,
    )
    mails = {m.to[0]: m for m in mail.outbox}
    body = mails[roles.partner_a.email].body
    token = re.search(r"/campagne/([^/\s]+)/", body).group(1)
    return report, token


def _path(token: str) -> str:
    return reverse("web:campaign-answer", args=[token])


def _form_data(client: Client, token: str) -> dict[str, str]:
    """The form as the browser would send it unchanged (every input's current value)."""
    page = client.get(_path(token))
    assert page.status_code == 200
    html = page.content.decode()
    data: dict[str, str] = {}
    for tag in re.findall(r"<input\b[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="radio"' in tag or 'type="checkbox"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1).replace("&amp;", "&") if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.strip()
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


# --------------------------------------------------------------------------- launch


def test_launch_emails_each_organisation_a_link_on_the_configured_site(
    armentieres, roles, launched
):
    report, token = launched
    assert report.campaign.invitations.count() == 2
    assert report.emailed == 2  # both organisations have a partner account with an e-mail
    bodies = [m.body for m in mail.outbox]
    assert all(SITE + "/campagne/" in b for b in bodies)
    assert not any("localhost" in b or "testserver" in b for b in bodies)
    # Each organisation answers under its own campaign account, partner of that organisation.
    inv_a = report.campaign.invitations.get(organisation=roles.orgs.a)
    assert inv_a.respondent.memberships.get(territory=armentieres).organisation == roles.orgs.a
    assert not inv_a.respondent.has_usable_password() and not inv_a.respondent.email


def test_launch_is_the_coordinators(armentieres, roles, site):
    with pytest.raises(PermissionDenied):
        svc.campaign_launch(territory=armentieres, title="x", by=roles.partner_a, link_for=_link)
    client = Client()
    client.force_login(roles.partner_a)
    url = reverse("web:campaigns", args=[armentieres.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x", "days": 30}).status_code == 403


def test_launch_from_the_page_for_all_organisations(armentieres, roles, site):
    client = Client()
    client.force_login(roles.coordinator)
    url = reverse("web:campaigns", args=[armentieres.slug])
    page = client.get(url)
    assert page.status_code == 200
    ids = re.findall(r'name="organisations" value="(\d+)"[^>]*checked', page.content.decode())
    assert len(ids) == svc.campaign_organisations(territory=armentieres).count() > 2
    response = client.post(url, {"title": "Campagne 2026", "days": 30, "organisations": ids})
    assert response.status_code == 302
    campaign = armentieres.campaigns.get()
    assert campaign.invitations.count() == len(ids)
    follow = client.get(response["Location"])
    assert "Campagne lancée" in follow.content.decode()
    bad = client.post(url, {"title": "", "days": 999, "organisations": ids})
    assert bad.status_code == 400 and armentieres.campaigns.count() == 1


# --------------------------------------------------------------------------- tokens


def test_token_is_hashed_at_rest_and_opens_only_its_organisations_places(roles, launched):
    report, token = launched
    stored = CampaignLink.objects.get(token_hash=hash_token(token))
    assert stored.invitation.organisation == roles.orgs.a
    assert not CampaignLink.objects.filter(token_hash=token).exists()
    page = Client().get(_path(token)).content.decode()
    assert roles.orgs.structure_a.name in page
    assert roles.orgs.structure_b.name not in page


def test_a_link_cannot_edit_another_organisations_place(roles, launched):
    _, token = launched
    client = Client()
    data = _form_data(client, token)
    other = roles.orgs.structure_b
    before = Structure.objects.get(pk=other.pk).phone
    data.update(
        {
            "respondent_name": "Intrus",
            f"s{other.pk}-phone": "03 20 00 00 00",
            f"s{other.pk}-opening_hours": HOURS,
        }
    )
    client.post(_path(token), data)
    assert Structure.objects.get(pk=other.pk).phone == before
    assert not PendingChange.objects.filter(object_id=str(other.pk)).exists()
    # The service refuses it too, whatever a caller builds.
    invitation = CampaignInvitation.objects.get(organisation=roles.orgs.a)
    with pytest.raises(PermissionDenied):
        svc.campaign_answer(
            invitation=invitation,
            respondent_name="Intrus",
            edits=[svc.Edit(obj=other, fields={"phone": "03 20 00 00 00"}, version=None)],
        )


@pytest.mark.parametrize("token", ["forge", "x" * 43, "y" * 500])
def test_a_forged_token_gets_a_french_page(token, launched):
    response = Client().get(_path(token))
    assert response.status_code == 404
    assert "Lien de mise à jour non valable" in response.content.decode()
    assert Client().post(_path(token), {"respondent_name": "x"}).status_code == 404


def test_an_expired_link_says_the_campaign_is_over_and_writes_nothing(roles, launched):
    report, token = launched
    report.campaign.expires_at = timezone.now() - timedelta(minutes=1)
    report.campaign.save()
    client = Client()
    response = client.get(_path(token))
    assert response.status_code == 410
    assert "terminée" in response.content.decode()
    s = roles.orgs.structure_a
    post = client.post(_path(token), {"respondent_name": "x", f"s{s.pk}-phone": "0320000000"})
    assert post.status_code == 410
    assert not CampaignAnswer.objects.exists() and not PendingChange.objects.exists()


# --------------------------------------------------------------------------- answers


def test_a_partner_answer_waits_for_validation_and_changes_nothing_public(
    armentieres, roles, launched
):
    report, token = launched
    s = roles.orgs.structure_a
    published = Structure.objects.get(pk=s.pk)
    client = Client()
    data = _form_data(client, token)
    data.update(
        {
            "respondent_name": "Claire Martin, directrice",
            f"s{s.pk}-opening_hours": HOURS,
            f"s{s.pk}-phone": "03 20 77 00 00",
        }
    )
    response = client.post(_path(token), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "publiée(s) après sa validation" in client.get(response["Location"]).content.decode()
    # Nothing public changed: the fiche, its public page.
    now = Structure.objects.get(pk=s.pk)
    assert (now.opening_hours, now.phone) == (published.opening_hours, published.phone)
    public = Client().get(reverse("web:structure", args=[armentieres.slug, s.pk])).content
    assert "03 20 77 00 00" not in public.decode()
    # One proposal for the fiche, by the organisation's campaign account.
    change = PendingChange.objects.get(object_id=str(s.pk), status=PendingChange.Status.PENDING)
    assert change.changes == {"opening_hours": HOURS, "phone": "03 20 77 00 00"}
    assert change.organisation == roles.orgs.a
    # The campaign page counts the answer and links the proposal.
    coordinator = Client()
    coordinator.force_login(roles.coordinator)
    page = coordinator.get(reverse("web:campaign", args=[armentieres.slug, report.campaign.pk]))
    html = page.content.decode()
    assert re.search(r'data-count="answered">1<', html)
    assert re.search(r'data-count="waiting">1<', html)
    assert reverse("web:pending-change", args=[armentieres.slug, change.pk]) in html
    # Validated by the coordinator: published.
    validate_change(change=change, user=roles.coordinator)
    assert Structure.objects.get(pk=s.pk).opening_hours == HOURS
    summary = svc.campaign_summary(campaign=report.campaign)
    assert (summary.answered, summary.waiting, summary.proposed) == (1, 0, 1)


def test_an_unchanged_answer_confirms_the_fiches(roles, launched):
    _, token = launched
    client = Client()
    data = _form_data(client, token)
    data["respondent_name"] = "Accueil"
    assert client.post(_path(token), data).status_code == 302
    answer = CampaignAnswer.objects.get()
    places = Structure.objects.filter(
        organisation=roles.orgs.a, territory=roles.orgs.structure_a.territory, declared_only=False
    )
    assert set(answer.confirmed.all()) == set(places)
    assert not PendingChange.objects.exists()
    assert roles.orgs.structure_a.checks.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("opening_hours", "lundi 9h-12h", "Horaires invalides"),
        ("postcode", "5928", "5 chiffres"),
        ("lat", "50.69", "Longitude et latitude vont ensemble"),
        ("email", "pas-une-adresse", "adresse de courriel valide"),
    ],
)
def test_invalid_values_are_refused_in_french_and_nothing_is_written(
    roles, launched, field, value, message
):
    _, token = launched
    s = roles.orgs.structure_a
    client = Client()
    data = _form_data(client, token)
    data.update({"respondent_name": "Claire", f"s{s.pk}-{field}": value})
    response = client.post(_path(token), data)
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert not CampaignAnswer.objects.exists() and not PendingChange.objects.exists()


def test_a_position_far_from_the_territory_is_refused_on_its_place(roles, launched):
    _, token = launched
    s = roles.orgs.structure_a
    client = Client()
    data = _form_data(client, token)
    data.update({"respondent_name": "Claire", f"s{s.pk}-lat": "43.6", f"s{s.pk}-lon": "1.44"})
    response = client.post(_path(token), data)
    assert response.status_code == 400
    assert "km du territoire" in response.content.decode()
    assert not CampaignAnswer.objects.exists() and not PendingChange.objects.exists()


def test_a_place_positioned_by_the_partner_waits_with_its_source(roles, launched):
    _, token = launched
    s = roles.orgs.structure_a
    client = Client()
    data = _form_data(client, token)
    data.update({"respondent_name": "Claire", f"s{s.pk}-lat": "50.6871", f"s{s.pk}-lon": "2.8805"})
    assert client.post(_path(token), data).status_code == 302
    change = PendingChange.objects.get(object_id=str(s.pk))
    assert change.changes["lat"] == 50.6871 and change.changes["lon"] == 2.8805
    assert "campagne" in change.changes["position_source"]


# --------------------------------------------------------------------------- reminders


def test_reminders_are_throttled_to_one_a_day(armentieres, roles, launched):
    report, _ = launched
    invitation = report.campaign.invitations.get(organisation=roles.orgs.a)
    mail.outbox.clear()
    with pytest.raises(ValidationError, match="nouvelle relance possible"):
        svc.campaign_remind(invitation=invitation, by=roles.coordinator, link_for=_link)
    CampaignInvitation.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now() - timedelta(hours=25)
    )
    svc.campaign_remind(invitation=invitation, by=roles.coordinator, link_for=_link)
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("Rappel")
    new_token = re.search(r"/campagne/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert svc.invitation_for_token(token=new_token).pk == invitation.pk
    # Through the page: the second click the same day is refused, in French.
    client = Client()
    client.force_login(roles.coordinator)
    url = reverse("web:campaign-remind", args=[armentieres.slug, report.campaign.pk])
    response = client.post(url, {"invitation": invitation.pk}, follow=True)
    assert "nouvelle relance possible" in response.content.decode()
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.reminders == 1
    with pytest.raises(PermissionDenied):
        svc.campaign_remind(invitation=invitation, by=roles.partner_a, link_for=_link)


def test_remind_all_skips_answered_and_recent(armentieres, roles, launched):
    report, _ = launched
    CampaignInvitation.objects.filter(campaign=report.campaign).update(
        sent_at=timezone.now() - timedelta(days=2)
    )
    CampaignInvitation.objects.filter(campaign=report.campaign, organisation=roles.orgs.b).update(
        answered_at=timezone.now()
    )
    mail.outbox.clear()
    client = Client()
    client.force_login(roles.coordinator)
    url = reverse("web:campaign-remind", args=[armentieres.slug, report.campaign.pk])
    client.post(url)
    assert [m.to for m in mail.outbox] == [[roles.partner_a.email]]
    client.post(url)  # at once again: nobody
    assert len(mail.outbox) == 1


def test_printed_links_work_and_show_the_site_address(armentieres, roles, launched):
    report, _ = launched
    client = Client()
    client.force_login(roles.coordinator)
    invitation = report.campaign.invitations.get(organisation=roles.orgs.b)
    url = reverse("web:campaign-print", args=[armentieres.slug, report.campaign.pk])
    page = client.post(url, {"invitation": invitation.pk})
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    token = re.search(re.escape(SITE) + r"/campagne/([^/<\s]+)/", html).group(1)
    assert svc.invitation_for_token(token=token).organisation == roles.orgs.b
    assert client.get(url).status_code == 405  # a GET never creates links
