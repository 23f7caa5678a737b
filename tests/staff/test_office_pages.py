"""The back office's report pages as served (issue 26.12): members named with full name and role, the
"Weiterleiten an" select without a preselected organisation (and the server refusing an empty choice),
the status badge and map set-up shared with the citizen pages, the report's small map with a no-JS
fallback, and the map credits as links instead of a raw URL."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages

from kernel.organisations.models import AuditEvent
from shared.http.presentation import STATUS_SYMBOLS, attribution_html
from tests.staff_world import World, login, state

pytestmark = pytest.mark.django_db


def _name(username: str, first: str, last: str) -> None:
    get_user_model().objects.filter(username=username).update(first_name=first, last_name=last)


def _cell_after(html: str, term: str) -> str:
    """The <dd> after the <dt> ``term`` of the report's facts."""
    return re.search(rf"<dt>{term}</dt><dd>(.*?)</dd>", html, re.S).group(1)


def test_assignee_is_shown_by_full_name_and_role_in_queue_and_report(client, world: World):
    _name("crew_a", "Bernd", "Bagger")
    login(client, "caseworker_a")
    queue = client.get("/verwaltung/").content.decode()
    row = re.search(rf'<a href="/verwaltung/meldungen/{world.own.public_id}/">.*?</tr>', queue, re.S).group(0)
    assert "Bernd Bagger" in row and "(Bauhof)" in row
    assert ">crew_a<" not in row

    page = client.get(f"/verwaltung/meldungen/{world.own.public_id}/").content.decode()
    assigned = _cell_after(page, "Zugewiesen")
    assert "Bernd Bagger" in assigned and "(Bauhof)" in assigned and "crew_a" not in assigned


def test_history_and_protocol_name_the_caseworker_with_role(client, world: World):
    _name("caseworker_a", "Clara", "Sachs")
    login(client, "caseworker_a")
    page = client.get(f"/verwaltung/meldungen/{world.own.public_id}/").content.decode()
    protocol = page.split("<h2>Protokoll</h2>", 1)[1]
    # the world assigned the report as caseworker_a: the protocol row names her, not her login
    assert "Clara Sachs" in protocol and "(Sachbearbeitung)" in protocol
    assert "caseworker_a" not in protocol


def test_member_without_name_falls_back_to_username_with_role(client, world: World):
    login(client, "caseworker_a")
    page = client.get(f"/verwaltung/meldungen/{world.own.public_id}/").content.decode()
    assert re.search(
        r"crew_a <span class=\"person__role\">\(Bauhof\)</span>", _cell_after(page, "Zugewiesen")
    )


def test_forward_select_starts_on_bitte_waehlen_with_nothing_else_selected(client, world: World):
    login(client, "caseworker_a")
    page = client.get(f"/verwaltung/meldungen/{world.own.public_id}/").content.decode()
    select = re.search(r'<select name="organisation".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option[^>]*>[^<]*</option>", select)
    assert options[0] == '<option value="" selected>Bitte wählen</option>'
    assert not any("selected" in o for o in options[1:])
    assert 'data-searchable="Organisation suchen"' in select  # the script's hook; plain select without it
    assert "select-search.js" in page


@pytest.mark.parametrize("organisation", ["", "999999", "kein-pk"])
def test_forward_without_a_chosen_organisation_is_refused_and_changes_nothing(
    client, world: World, organisation
):
    login(client, "caseworker_a")
    before = state(world.own)
    audits = AuditEvent.objects.count()
    response = client.post(
        f"/verwaltung/meldungen/{world.own.public_id}/weiterleiten/",
        {"organisation": organisation, "reason": "Landesstraße"},
    )
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    expected = "Bitte wählen Sie die Organisation" if organisation == "" else "bitte wählen Sie aus der Liste"
    assert any(expected in t for t in texts), texts
    assert state(world.own) == before
    assert AuditEvent.objects.count() == audits


def test_forward_with_a_chosen_organisation_still_works(client, world: World):
    login(client, "caseworker_a")
    response = client.post(
        f"/verwaltung/meldungen/{world.own.public_id}/weiterleiten/",
        {"organisation": str(world.leipzig.pk), "reason": "Zuständig ist Leipzig"},
    )
    assert response.status_code == 302
    world.own.refresh_from_db()
    assert world.own.organisation_id == world.leipzig.pk


def _map_config(html: str) -> dict:
    return json.loads(
        re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html).group(1)
    )


def test_report_page_has_a_small_map_with_a_no_js_fallback(client, world: World):
    login(client, "caseworker_a")
    page = client.get(f"/verwaltung/meldungen/{world.own.public_id}/").content.decode()
    block = re.search(r'<div id="report-map"[^>]*>.*?</div>', page, re.S).group(0)
    assert 'data-map="report"' in block and 'data-status="submitted"' in block
    # without JavaScript: the coordinates and a link to open them
    assert re.search(r"Breitengrad 51\.\d+, Längengrad 13\.\d+", block)
    assert "https://www.openstreetmap.org/?mlat=51." in block
    assert "js/map.js" in page
    config = _map_config(page)
    assert config["bordersUrl"] == "/api/v1/communes.geojson"
    assert [s["value"] for s in config["statuses"]][0] == "submitted"


def test_queue_uses_the_map_module_with_status_legend_and_the_citizen_stylesheet(client, world: World):
    login(client, "caseworker_a")
    page = client.get("/verwaltung/").content.decode()
    assert 'data-map="queue"' in page and "js/map.js" in page and "queue-map.js" not in page
    assert page.index("css/site.css") < page.index("staff/staff.css")
    legend = re.search(r'<div class="legend map-legend">.*?</div>', page, re.S).group(0)
    for status in _map_config(page)["statuses"]:
        assert f"status--{status['value']}" in legend and status["label"] in legend
    # the same badge markup as on the citizen pages
    assert '<span class="status status--submitted">' in page


def test_queue_filter_labels_sit_in_one_field_with_their_control(client, world: World):
    login(client, "caseworker_a")
    page = client.get("/verwaltung/").content.decode()
    form = re.search(r'<form method="get" class="filters".*?</form>', page, re.S).group(0)
    for control in ("f-status", "f-category", "f-age", "f-assigned", "f-order"):
        assert re.search(
            rf'<div class="field[^"]*"><label for="{control}">[^<]*</label>\s*<(select|input)[^>]*id="{control}"',
            form,
        ), control


def test_submitted_is_not_an_alarm():
    assert STATUS_SYMBOLS["submitted"] != "!"


@pytest.mark.parametrize(
    "text, html",
    [
        (
            "© BKG (2026), dl-de/by-2-0, Datenquellen: https://sg.geodatenzentrum.de/x/Datenquellen.pdf",
            '© BKG (2026), dl-de/by-2-0, <a href="https://sg.geodatenzentrum.de/x/Datenquellen.pdf">Datenquellen</a>',
        ),
        (
            "© OpenStreetMap-Mitwirkende",
            '<a href="https://www.openstreetmap.org/copyright">© OpenStreetMap-Mitwirkende</a>',
        ),
        (
            "© OpenStreetMap-Mitwirkende https://www.openstreetmap.org/copyright",
            '<a href="https://www.openstreetmap.org/copyright">© OpenStreetMap-Mitwirkende</a>',
        ),
        ("<b>Karte</b> & Co", "&lt;b&gt;Karte&lt;/b&gt; &amp; Co"),
    ],
)
def test_attribution_shows_named_links_not_raw_urls(text, html):
    assert attribution_html(text) == html


def test_staff_map_config_and_citizen_footer_carry_the_linked_attribution(client, world: World, settings):
    settings.MAP_TILE_ATTRIBUTION = "© OpenStreetMap-Mitwirkende"
    login(client, "caseworker_a")
    config = _map_config(client.get("/verwaltung/").content.decode())
    assert config["tileAttributionHtml"].startswith('<a href="https://www.openstreetmap.org/copyright">')
    footer = client.get("/").content.decode().split('<footer class="site-footer">', 1)[1]
    assert '<a href="https://www.openstreetmap.org/copyright">© OpenStreetMap-Mitwirkende</a>' in footer


def test_admin_without_textbausteine_is_shown_where_to_create_them(client, world: World):
    login(client, "admin_a")
    page = client.get(f"/verwaltung/meldungen/{world.own.public_id}/").content.decode()
    hint_at = page.index("Textbausteine anlegen")
    assert (
        page.index('<form method="post" action="/verwaltung/meldungen/')
        < hint_at
        < page.index('id="id_public_note"')
    )


def test_assign_select_names_members_with_their_role(client, world: World):
    _name("crew_a2", "Susi", "Schaufel")
    login(client, "caseworker_a")
    page = client.get(f"/verwaltung/meldungen/{world.own.public_id}/").content.decode()
    select = re.search(r'<select name="assignee".*?</select>', page, re.S).group(0)
    assert '<option value="crew_a2">Susi Schaufel (Bauhof)</option>' in select
    assert '<option value="caseworker_a">caseworker_a (Sachbearbeitung)</option>' in select
