"""A commune website (a second server on another port, so another origin) frames /einbetten/<AGS>/:
Chromium shows it only when the commune lists that origin."""

from __future__ import annotations

import http.server
import threading

import pytest
from playwright.sync_api import expect

from kernel.organisations.services import organisation_set_embed_origins
from tests.web.conftest import new_context

pytestmark = pytest.mark.browser


class CommuneWebsite:
    """A tiny real HTTP server on loopback serving one page with an iframe of our embed."""

    def __init__(self, embed_url: str) -> None:
        body = f'<!DOCTYPE html><html lang="de"><title>Stadt</title><iframe id="karte" src="{embed_url}" width="600" height="500" title="Mängelkarte"></iframe></html>'.encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        # Bound to port 0 directly: no gap between choosing a free port and taking it.
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def website(site):
    server = CommuneWebsite(site.replace("localhost", "127.0.0.1") + "/einbetten/14612000/")
    yield server
    server.close()


def framed(browser, website) -> str:
    """ "shown" or "blocked": the page's load event waits for its iframe, which is then either our embed or
    Chromium's error page for a refused frame (frame-ancestors / X-Frame-Options)."""
    context = new_context(browser)
    page = context.new_page()
    try:
        page.goto(website.origin + "/", wait_until="load")
        [child] = page.main_frame.child_frames
        if child.url.startswith("chrome-error://"):
            return "blocked"
        expect(
            page.frame_locator("#karte").get_by_role("heading", name="Offene Meldungen in Dresden")
        ).to_be_visible()
        return "shown"
    finally:
        context.close()


def test_only_a_listed_website_can_frame_the_map(browser, site, transactional_db, world, website):
    assert framed(browser, website) == "blocked"
    organisation_set_embed_origins(
        actor=world.users["admin_a"], organisation=world.dresden, origins=website.origin
    )
    assert framed(browser, website) == "shown"
    organisation_set_embed_origins(
        actor=world.users["admin_a"], organisation=world.dresden, origins="https://www.dresden.de"
    )
    assert framed(browser, website) == "blocked"
