"""Helpers of the residents' contributions tests: a form filled like a person (shown some
seconds ago), from a given address."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse

from maillage.contributions.forms import HONEYPOT, MIN_FILL_SECONDS, started_token

IP = "192.0.2.44"


def shown_ago(seconds: float = MIN_FILL_SECONDS + 5) -> str:
    return started_token(at=time.time() - seconds)


def report_data(**extra: str) -> dict[str, str]:
    data = {
        "started": shown_ago(),
        HONEYPOT: "",
        "field": "hours",
        "message": "Le lieu est fermé le mercredi après-midi depuis septembre.",
        "contact_email": "",
    }
    data.update(extra)
    return data


def place_data(**extra: str) -> dict[str, str]:
    data = {
        "started": shown_ago(),
        HONEYPOT: "",
        "place_name": "Ludothèque du quartier (exemple fictif)",
        "place_address": "1 rue de l'Exemple fictif, Armentières",
        "place_offer": "Prêt de jeux et après-midi jeux en famille le samedi.",
        "contact_email": "",
    }
    data.update(extra)
    return data


def post_report(client: Client, territory, structure, ip: str = IP, **extra: str):
    url = reverse("web:report-error", args=[territory.slug, structure.pk])
    return client.post(url, report_data(**extra), REMOTE_ADDR=ip)


def post_place(client: Client, territory, ip: str = IP, **extra: str):
    url = reverse("web:propose-place", args=[territory.slug])
    return client.post(url, place_data(**extra), REMOTE_ADDR=ip)
