"""The main pages at phone size (360×640) and desktop size (1280×800): nothing wider than the screen.

With ``MM_SCREENSHOTS=1`` the screenshots shown in the README are written to ``docs/screenshots/``:
``MM_SCREENSHOTS=1 .venv/bin/python -m pytest tests/web/test_screenshots.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from kernel.cases.tracking import tracking_token
from tests.factories import CHEMNITZ, LEIPZIG, jpeg_bytes, make_report, photo, set_status
from tests.permits.helpers import NEUSTADT
from tests.web.conftest import new_context
from tests.web.permit_data import approved_permit, geojson_text, local_input

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = {"mobile": {"width": 360, "height": 640}, "desktop": {"width": 1280, "height": 800}}


def _sample_reports() -> str:
    """A handful of reports around Dresden in different states; returns one with photo and history."""
    shown = make_report(
        description="Tiefes Schlagloch in der rechten Fahrspur, etwa 40 cm breit und 10 cm tief.",
        photos=[photo(data=jpeg_bytes((1200, 900), (90, 90, 95)))],
    ).report
    set_status(shown, "in_review", public_note="Wird vom Bauhof geprüft.")
    set_status(shown, "in_progress", public_note="Reparatur ist für Montag geplant.")
    for i, (lon, lat) in enumerate([(13.74, 51.05), (13.75, 51.06), (13.72, 51.04), (13.70, 51.07), LEIPZIG]):
        other = make_report(
            lonlat=(lon, lat), category="schlagloch", description=f"Schaden Nummer {i + 1}"
        ).report
        if i % 2:
            set_status(other, "resolved")
    make_report(lonlat=CHEMNITZ, description="Schlagloch vor der Schule")
    return shown.public_id


def _shoot(page, name: str, out: Path) -> None:
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than the screen"
    path = out / f"{name}.png"
    page.screenshot(path=str(path))
    if out == DOCS:  # 128-colour palette: a third of the size, still crisp for UI screenshots
        Image.open(path).convert("RGB").quantize(colors=128).save(path, optimize=True)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_main_pages_fit_the_screen(browser, site, size, tmp_path):
    public_id = _sample_reports()
    out = DOCS if os.environ.get("MM_SCREENSHOTS") else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, viewport=SIZES[size], device_scale_factor=1, is_mobile=size == "mobile")
    page = context.new_page()
    try:
        page.goto(site + "/")
        expect(page.locator("#map .leaflet-overlay-pane path").first).to_be_attached()
        _shoot(page, f"{size}-form", out)

        page.get_by_label("Breitengrad").fill("51.0504")
        page.get_by_label("Längengrad").fill("13.7373")
        page.get_by_label("Längengrad").press("Tab")
        expect(page.get_by_text("Zuständig: Dresden")).to_be_visible()
        page.get_by_label("Kategorie").select_option(label="Schlagloch")
        page.get_by_label("Beschreibung").fill("Gehwegplatte lose, Stolpergefahr vor dem Eingang.")
        page.get_by_role("button", name="Meldung absenden").click()
        expect(page.get_by_role("heading", name="Vielen Dank – Ihre Meldung ist eingegangen")).to_be_visible()
        _shoot(page, f"{size}-confirmation", out)

        page.goto(f"{site}/meldungen/{public_id}/")
        _shoot(page, f"{size}-report", out)
        page.goto(f"{site}/meldungen/")
        _shoot(page, f"{size}-list", out)
        page.goto(f"{site}/gemeinden/14612000/")
        _shoot(page, f"{size}-commune", out)
        _permit_pages(page, site, size, out)
    finally:
        context.close()


def _permit_pages(page, site: str, size: str, out: Path) -> None:
    """The application form with an estimate, an applicant's tracking page and the parking form."""
    page.goto(site + "/sondernutzung/beantragen/")
    page.get_by_label("Art der Sondernutzung").select_option(label="Gerüst/Baustelleneinrichtung")
    page.get_by_label("Beginn", exact=True).fill(local_input(10))
    page.get_by_label("Ende", exact=True).fill(local_input(12, 18))
    page.get_by_label("Fläche als GeoJSON").fill(geojson_text())
    page.get_by_label("Fläche als GeoJSON").press("Tab")
    expect(page.locator("#permit-estimate .fee-total")).to_be_visible()
    page.locator("#map").evaluate("el => el.closest('fieldset').scrollIntoView({block: 'start'})")
    _shoot(page, f"{size}-permit-form", out)
    page.locator("#estimate-title").evaluate("el => el.scrollIntoView({block: 'start'})")
    _shoot(page, f"{size}-permit-estimate", out)

    permit = approved_permit(
        start=local_input(2),
        end=local_input(9, 18),
        geometry=NEUSTADT,
        conditions="Gehweg 1,50 m freihalten.",
    )
    page.goto(
        f"{site}/sondernutzung/{permit.public_id}/verfolgen/{tracking_token(type(permit), permit.public_id)}/"
    )
    expect(page.locator("#map path.mm-permit")).to_have_count(1)
    _shoot(page, f"{size}-permit-tracking", out)

    page.goto(site + "/parkausweis/beantragen/")
    expect(page.locator("#map")).to_have_attribute("data-zones-loaded", "4")
    _shoot(page, f"{size}-parking-form", out)
