"""``maillage users create | list | remind | token``."""

from __future__ import annotations

from click.testing import CliRunner
from django.core import mail

from maillage.cli import main
from maillage.network.models import ReminderSent
from maillage.network.selectors import structures_to_check
from maillage.network.services import structure_confirm


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_create_refuses_unknown_organisation_and_bad_email(armentieres):
    result = _run(
        "users",
        "create",
        "--email",
        "a@example.org",
        "--role",
        "partner",
        "--territory",
        "armentieres",
        "--organisation",
        "inconnue",
    )
    assert result.exit_code != 0 and "inconnue" in result.output
    result = _run(
        "users",
        "create",
        "--email",
        "pas-une-adresse",
        "--role",
        "observer",
        "--territory",
        "armentieres",
    )
    assert result.exit_code != 0 and "invalide" in result.output


def test_create_with_send_mails_the_link_and_list_shows_it(armentieres, roles):
    result = _run(
        "users",
        "create",
        "--email",
        "elu@example.org",
        "--role",
        "observer",
        "--territory",
        "armentieres",
        "--send",
    )
    assert result.exit_code == 0, result.output
    assert len(mail.outbox) == 1 and "/invitation/" in mail.outbox[0].body
    listed = _run("users", "list", "--territory", "armentieres", "--format", "csv")
    assert "elu@example.org,observer,,invité" in listed.output
    assert f"{roles.partner_a.email},partner,{roles.orgs.a.slug}" in listed.output


def test_remind_mails_partners_with_unchecked_structures_once(armentieres, roles):
    due = structures_to_check(territory=armentieres, months=12, organisation_id=roles.orgs.a.pk)
    assert due, "the dataset's structures carry no check yet"
    dry = _run("users", "remind", "--territory", "armentieres", "--dry-run")
    assert roles.partner_a.email in dry.output and not mail.outbox
    result = _run("users", "remind", "--territory", "armentieres", "--months", "12")
    assert result.exit_code == 0, result.output
    recipients = [m.to[0] for m in mail.outbox]
    assert roles.partner_a.email in recipients
    body = next(m.body for m in mail.outbox if m.to == [roles.partner_a.email])
    assert due[0].structure.name in body
    # Not twice within 30 days.
    mail.outbox.clear()
    _run("users", "remind", "--territory", "armentieres", "--months", "12")
    assert roles.partner_a.email not in [m.to[0] for m in mail.outbox]
    assert ReminderSent.objects.filter(user=roles.partner_a).count() == 1


def test_confirmed_structures_are_no_longer_due(armentieres, roles):
    org = roles.orgs.a.pk
    for item in structures_to_check(territory=armentieres, months=12, organisation_id=org):
        structure_confirm(structure=item.structure, user=roles.partner_a)
    assert structures_to_check(territory=armentieres, months=12, organisation_id=org) == []
    result = _run("users", "remind", "--territory", "armentieres", "--months", "12")
    assert roles.partner_a.email not in result.output


def test_token_is_shown_once(armentieres, roles):
    result = _run("users", "token", "--email", roles.partner_a.email, "--name", "import")
    assert result.exit_code == 0 and "mlg_" in result.output


def test_remind_without_territory_covers_every_territory(armentieres, roles):
    result = _run("users", "remind", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"armentieres — {roles.partner_a.email}" in result.output
    assert not mail.outbox
