"""``maillage users create | list | remind | token``: accounts, roles and reminders."""

from __future__ import annotations

from typing import Any

import click

from .output import FORMATS, emit


def _territory(slug: str) -> Any:
    from maillage.territory.selectors import TerritoryNotFound, territory_get

    try:
        return territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise click.ClickException(str(exc)) from exc


def _errors(exc: Any) -> str:
    if hasattr(exc, "message_dict"):
        return " ; ".join(f"{k} : {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(getattr(exc, "messages", [str(exc)]))


@click.group(name="users", help="Comptes des partenaires : création, liste, relances.")
def users() -> None:
    pass


@users.command(
    name="create",
    help="Crée un compte avec un rôle sur un territoire et affiche le lien d'invitation "
    "(choix du mot de passe, valable 14 jours).",
)
@click.option("--email", required=True, help="Adresse électronique (identifiant de connexion).")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["coordinator", "partner", "observer", "adviser"]),
    help="coordinator (chargé de coopération), partner (rédacteur), observer ou adviser "
    "(conseiller CAF : lecture, portefeuille de ses territoires).",
)
@click.option("--territory", "slug", required=True, help="Identifiant du territoire.")
@click.option(
    "--organisation", default=None, help="Identifiant (slug) de l'organisation d'un partenaire."
)
@click.option("--first-name", default="", help="Prénom.")
@click.option("--last-name", default="", help="Nom.")
@click.option(
    "--base-url",
    default=None,
    help="Adresse du site, pour le lien d'invitation (défaut : MAILLAGE_SITE_URL, sinon "
    "http://localhost:8000).",
)
@click.option("--send", is_flag=True, help="Envoyer aussi le lien par courriel.")
def users_create(
    email: str,
    role: str,
    slug: str,
    organisation: str | None,
    first_name: str,
    last_name: str,
    base_url: str | None,
    send: bool,
) -> None:
    from django.core.exceptions import ValidationError
    from django.urls import reverse

    from maillage.accounts.services import invitation_send, user_invite
    from maillage.directory.models import Organisation

    territory = _territory(slug)
    org = None
    if organisation:
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise click.ClickException(f"Organisation « {organisation} » inconnue.")
    try:
        user, token = user_invite(
            email=email,
            territory=territory,
            role=role,
            organisation=org,
            first_name=first_name,
            last_name=last_name,
        )
    except ValidationError as exc:
        raise click.ClickException(_errors(exc)) from exc
    from maillage.web.site_url import site_url

    base = base_url or site_url() or "http://localhost:8000"
    link = base.rstrip("/") + reverse("web:invitation", args=[token])
    if send:
        invitation_send(user=user, link=link, territory=territory)
    from maillage.accounts.models import Role

    click.echo(f"Compte {user.email} : {Role(role).label} sur {territory.slug}.")
    click.echo(f"Lien d'invitation (à transmettre, valable une fois) : {link}")


@users.command(name="list", help="Liste les comptes et leurs rôles sur un territoire.")
@click.option("--territory", "slug", required=True, help="Identifiant du territoire.")
@click.option(
    "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Format de sortie."
)
def users_list(slug: str, fmt: str) -> None:
    from maillage.accounts.selectors import memberships

    territory = _territory(slug)
    rows = [
        {
            "courriel": m.user.email,
            "rôle": m.role,
            "organisation": m.organisation.slug if m.organisation else "",
            "actif": "oui" if m.user.is_active and m.user.has_usable_password() else "invité",
            "dernière connexion": m.user.last_login.isoformat() if m.user.last_login else "",
        }
        for m in memberships(territory=territory)
    ]
    emit(rows, fmt=fmt)


@users.command(
    name="remind",
    help="Relance par courriel les partenaires dont les fiches n'ont pas été vérifiées "
    "depuis N mois (par défaut : settings.REMINDER_MONTHS, 12) ; tous les territoires sans "
    "--territory. Un partenaire n'est pas relancé deux fois en 30 jours.",
)
@click.option("--territory", "slug", default=None, help="Identifiant du territoire.")
@click.option("--months", type=click.IntRange(min=1), default=None, help="Délai en mois.")
@click.option("--dry-run", is_flag=True, help="Affiche les relances sans envoyer de courriel.")
def users_remind(slug: str | None, months: int | None, dry_run: bool) -> None:
    from maillage.network.selectors import reminder_months
    from maillage.network.services import reminders_send
    from maillage.territory.models import Territory

    territories = [_territory(slug)] if slug else list(Territory.objects.order_by("slug"))
    months = months or reminder_months()
    verb = "à relancer" if dry_run else "relancé(s)"
    for territory in territories:
        sent = reminders_send(territory=territory, months=months, dry_run=dry_run)
        for user, structures in sent:
            click.echo(f"{territory.slug} — {user.email} : {len(structures)} fiche(s)")
        click.echo(
            f"{territory.slug} : {len(sent)} partenaire(s) {verb} "
            f"(fiches non vérifiées depuis {months} mois)."
        )


@users.command(
    name="token",
    help="Jetons d'API personnels d'un compte : en crée un (--name, affiché une seule fois), "
    "les liste (--list) ou en révoque un (--revoke NOM ou début du jeton, ex. mlg_AbCd).",
)
@click.option("--email", required=True, help="Adresse du compte.")
@click.option("--name", default=None, help="Nom du jeton à créer (usage).")
@click.option(
    "--revoke",
    "revoke_ref",
    default=None,
    metavar="NOM|DÉBUT",
    help="Révoque le jeton actif de ce nom, ou commençant ainsi (8 caractères, ex. mlg_AbCd, "
    "tels que --list les affiche) ; le jeton est refusé (401) dès sa révocation.",
)
@click.option(
    "--list", "list_tokens", is_flag=True, help="Liste les jetons du compte (jamais leur secret)."
)
@click.option(
    "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Format de sortie."
)
def users_token(
    email: str, name: str | None, revoke_ref: str | None, list_tokens: bool, fmt: str
) -> None:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from maillage.accounts.selectors import api_tokens, api_tokens_matching
    from maillage.accounts.services import api_token_create, api_token_revoke

    if sum(bool(x) for x in (name, revoke_ref, list_tokens)) != 1:
        raise click.UsageError(
            "Indiquez soit --name (créer), soit --revoke (révoquer), soit --list."
        )
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        raise click.ClickException(f"Aucun compte pour « {email} ».")
    if list_tokens:
        emit([_token_row(t) for t in api_tokens(user=user)], fmt=fmt)
        return
    if revoke_ref:
        found = api_tokens_matching(user=user, ref=revoke_ref)
        if not found:
            raise click.ClickException(
                f"Aucun jeton actif « {revoke_ref} » pour {user.email} (voir --list)."
            )
        if len(found) > 1:
            listed = ", ".join(f"{t.prefix}… créé le {t.created_at:%d/%m/%Y %H:%M}" for t in found)
            raise click.ClickException(
                f"{len(found)} jetons actifs « {revoke_ref} » pour {user.email} ({listed}) : "
                "désignez-en un par son début (--revoke mlg_…). Aucun n'a été révoqué."
            )
        token = found[0]
        api_token_revoke(token=token, by=user)
        click.echo(f"Jeton « {token.name} » ({token.prefix}…) de {user.email} révoqué.")
        return
    try:
        _, secret = api_token_create(user=user, name=name or "")
    except ValidationError as exc:
        raise click.ClickException(_errors(exc)) from exc
    click.echo(f"Jeton (à conserver, il ne sera plus affiché) : {secret}")


def _token_row(token: Any) -> dict[str, str]:
    def when(value: Any) -> str:
        return value.isoformat(timespec="minutes") if value else ""

    return {
        "nom": token.name,
        "début": f"{token.prefix}…",
        "créé le": when(token.created_at),
        "dernière utilisation": when(token.last_used_at) or "jamais",
        "révoqué le": when(token.revoked_at),
    }


commands = [users]
