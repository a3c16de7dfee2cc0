"""The « Données personnelles » page says what happens to what a resident sends: who reads it,
how long the optional address is kept, that consultation answers are anonymous, and that the
IP address is never stored (only its keyed hash, one hour)."""

from __future__ import annotations

from django.urls import reverse


def test_the_personal_data_page_explains_residents_contributions(client, db):
    page = client.get(reverse("web:rgpd")).content.decode()
    assert 'id="contributions"' in page
    for words in ("au plus tard 90 jours", "anonymes", "gardée une heure"):
        assert words in page, words
