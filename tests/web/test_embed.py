"""/einbetten/<AGS>/: framing only for the origins a commune lists; everything else stays DENY."""

from __future__ import annotations

import pytest

from kernel.core.errors import ValidationFailed
from kernel.organisations.models import AuditEvent
from kernel.organisations.scoping import Forbidden
from kernel.organisations.services import organisation_set_embed_origins
from tests.factories import DRESDEN, make_report, set_status
from tests.staff_world import login

pytestmark = pytest.mark.django_db


def test_without_listed_origins_the_embed_is_denied_like_every_page(client, world):
    response = client.get("/einbetten/14612000/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == "frame-ancestors 'none'"


def test_listed_origins_may_frame_only_the_embed(client, world):
    organisation_set_embed_origins(
        actor=world.users["admin_a"],
        organisation=world.dresden,
        origins="https://www.dresden.de/\nHTTPS://Amt24.Sachsen.de",
    )
    response = client.get("/einbetten/14612000/")
    assert (
        response["Content-Security-Policy"]
        == "frame-ancestors https://www.dresden.de https://amt24.sachsen.de"
    )
    assert "X-Frame-Options" not in response
    assert client.get("/")["X-Frame-Options"] == "DENY"
    assert client.get("/einbetten/14713000/")["X-Frame-Options"] == "DENY"  # Leipzig listed nobody
    assert AuditEvent.objects.filter(action="organisation.embed_origins", organisation=world.dresden).exists()


def test_the_embed_lists_open_reports_and_links_out_of_the_frame(client, world):
    open_report = make_report(lonlat=DRESDEN, description="Offen").report
    done = make_report(lonlat=DRESDEN, description="Erledigt").report
    set_status(done, "resolved")
    html = client.get("/einbetten/14612000/").content.decode()
    assert open_report.public_id in html and done.public_id not in html
    assert 'href="/?gemeinde=14612000" target="_blank" rel="noopener"' in html
    assert 'class="site-header"' not in html
    assert client.get("/einbetten/14999999/").status_code == 404


@pytest.mark.parametrize(
    "origins",
    ["http://www.dresden.de", "https://www.dresden.de/karte", "www.dresden.de", "https://x.de;script"],
)
def test_origins_must_be_https_without_path(world, origins):
    with pytest.raises(ValidationFailed) as info:
        organisation_set_embed_origins(
            actor=world.users["admin_a"], organisation=world.dresden, origins=origins
        )
    assert "keine Herkunft" in info.value.errors["embed_origins"][0]


def test_only_the_communes_admins_set_origins(client, world):
    with pytest.raises(Forbidden):
        organisation_set_embed_origins(
            actor=world.users["caseworker_a"], organisation=world.dresden, origins="https://www.dresden.de"
        )
    login(client, "admin_a")
    response = client.post(
        f"/verwaltung/einstellungen/?organisation={world.dresden.pk}",
        {"embed_origins": "https://www.dresden.de"},
    )
    assert response.status_code == 302
    world.dresden.refresh_from_db()
    assert world.dresden.embed_origins == "https://www.dresden.de"
