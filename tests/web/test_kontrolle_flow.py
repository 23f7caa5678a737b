"""/kontrolle/ in Chromium: the check runs in the browser and keeps working offline; the camera reads the
QR code (Chromium's fake camera plays a video file of the card's QR code)."""

from __future__ import annotations

import json

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from playwright.sync_api import expect

from domains.permits.models import ParkingPermit
from domains.permits.parking_card import b64, unb64
from domains.permits.services import parking_decide
from tests.staff.test_kontrolle import add_enforcer, approved_and_paid, card
from tests.staff_world import PASSWORD
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, axe_serious, new_context

pytestmark = pytest.mark.browser


@pytest.fixture
def approved(transactional_db, world) -> ParkingPermit:
    add_enforcer(world)
    return approved_and_paid()


def open_check_page(browser, site):
    context = new_context(browser, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(site + "/anmelden/?next=/kontrolle/")
    page.get_by_label("Benutzername").fill("vollzug_a")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Parkausweis prüfen")).to_be_visible()
    expect(page.locator("#revoked-state")).to_contain_text("Sperrliste vom")  # the page script took over
    return context, page


def check(page, code: str, plate: str):
    page.get_by_label("Code des Ausweises").fill(code)
    page.get_by_label("Kennzeichen am Fahrzeug").fill(plate)
    page.get_by_role("button", name="Prüfen").click()
    return page.locator("#result")


def test_offline_check_in_the_browser(browser, site, world, approved, settings):
    text = card(approved)
    withdrawn_key_card = card_signed_by(settings, approved, "alt-1", Ed25519PrivateKey.generate())
    context, page = open_check_page(browser, site)
    assert axe_serious(page) == []
    context.set_offline(True)
    expect(check(page, text, "dd xy 42")).to_contain_text("Gültig – Ausweis " + approved.permit_number)
    expect(check(page, text, "DD-XY 43")).to_contain_text("Das Kennzeichen passt nicht zum Ausweis.")
    tampered = text.split(".")
    tampered[1] = tampered[1][:-2] + ("A" if tampered[1][-2] != "A" else "B") + tampered[1][-1]
    expect(check(page, ".".join(tampered), "DD-XY 42")).to_contain_text("Signatur falsch")
    expect(check(page, withdrawn_key_card, "DD-XY 42")).to_contain_text("Schlüssel-ID „alt-1“")
    context.close()


def card_signed_by(settings, permit, kid: str, key: Ed25519PrivateKey) -> str:
    """The permit's card as another (earlier or withdrawn) key signed it."""
    current = settings.PARKING_SIGNING_KEY_ID, settings.PARKING_SIGNING_KEY
    settings.PARKING_SIGNING_KEY_ID, settings.PARKING_SIGNING_KEY = kid, b64(key.private_bytes_raw())
    try:
        return card(permit)
    finally:
        settings.PARKING_SIGNING_KEY_ID, settings.PARKING_SIGNING_KEY = current


def test_a_card_of_an_earlier_key_listed_by_kid_passes_in_the_browser(
    browser, site, world, approved, settings
):
    key, legacy_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    text = card_signed_by(settings, approved, "alt-2", key)
    body = {k: v for k, v in json.loads(unb64(text.split(".")[1])).items() if k != "k"}
    signed = "PA1." + b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    without_kid = f"{signed}.{b64(legacy_key.sign(signed.encode()))}"  # as issued before key ids
    settings.PARKING_VERIFY_KEYS = (
        ("alt-2", b64(key.public_key().public_bytes_raw())),
        ("legacy", b64(legacy_key.public_key().public_bytes_raw())),
    )
    context, page = open_check_page(browser, site)
    context.set_offline(True)
    expect(check(page, text, "DD-XY 42")).to_contain_text("Gültig – Ausweis " + approved.permit_number)
    expect(check(page, without_kid, "DD-XY 42")).to_contain_text("Gültig – Ausweis " + approved.permit_number)
    context.close()


def test_withdrawn_permit_fails_offline_with_the_list_loaded_before(browser, site, world, approved):
    text = card(approved)
    parking_decide(actor=world.users["caseworker_a"], public_id=approved.public_id, status="withdrawn")
    context, page = open_check_page(browser, site)
    expect(page.locator("#revoked-state")).to_contain_text("1 Einträge")
    context.set_offline(True)
    expect(check(page, text, "DD-XY 42")).to_contain_text("Der Ausweis wurde widerrufen.")
    context.close()


def y4m_of_qr(text: str, path) -> None:
    """A short Y4M video (Chromium's fake camera format) showing the QR code of ``text``."""
    qr = segno.make(text, error="m")
    image = Image.new("L", (640, 480), 255)
    size = qr.symbol_size(scale=6)[0]
    with (path.parent / "qr.png").open("wb") as fh:
        qr.save(fh, kind="png", scale=6, border=4)
    image.paste(Image.open(path.parent / "qr.png").convert("L"), ((640 - size) // 2, (480 - size) // 2))
    luma = image.tobytes()
    chroma = bytes([128]) * (320 * 240)
    with path.open("wb") as fh:
        fh.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            fh.write(b"FRAME\n" + luma + chroma + chroma)


def test_the_camera_reads_the_card(browser, site, world, approved, tmp_path):
    text = card(approved)
    video = tmp_path / "card.y4m"
    y4m_of_qr(text, video)
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context, page = open_check_page(camera_browser, site)
        context.grant_permissions(["camera"])
        page.get_by_role("button", name="Mit der Kamera scannen").click()
        expect(page.get_by_label("Code des Ausweises")).to_have_value(text)
        expect(check(page, text, "DD-XY 42")).to_contain_text("Gültig")
    finally:
        camera_browser.close()
