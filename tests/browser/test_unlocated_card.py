"""« Voir sur la carte » is offered only on cards whose structure has a position."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_show_on_map_button_is_hidden_on_an_unlocated_card(live_data, page):
    page.goto(live_data + "/territoire/armentieres/annuaire/?q=ccas")
    page.wait_for_load_state("networkidle")
    card = page.locator("li.result", has_text="Centre communal d'action sociale").first
    assert card.count() == 1
    button = card.locator("[data-show-on-map]")
    assert button.count() == 1
    assert not button.is_visible()


def test_show_on_map_button_is_shown_on_a_located_card(live_data, page):
    page.goto(live_data + "/territoire/armentieres/annuaire/?q=rostand")
    page.wait_for_selector("#carte-resultats .leaflet-interactive, .map .leaflet-interactive")
    button = page.locator("[data-show-on-map]").first
    button.wait_for(state="visible")
    assert button.is_visible()
