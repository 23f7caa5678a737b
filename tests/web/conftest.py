"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

The live server runs in another thread with its own database connection, so browser tests use
transactional database access: what a test creates is committed, and afterwards pytest-django empties
every table; tests/conftest.py puts the reference data (communes, organisations, categories) back before
the next database test.
"""

from __future__ import annotations

import copy
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LOCAL_URL = re.compile(r"^(https?://(127\.0\.0\.1|localhost)(:\d+)?/|data:|blob:|about:)")


@pytest.fixture
def web_settings(settings):
    """No basemap (there is no internet in tests) and a fresh cache namespace the live server shares:
    throttling counters of one test must not leak into the next."""
    settings.MAP_TILE_URL = ""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"mm-test-web-{uuid.uuid4().hex}"
    settings.CACHES = caches
    return settings


@pytest.fixture(autouse=True)
def _german_again_afterwards():
    """A test-client request activates its language in this thread (the middleware) and nothing
    deactivates it: after a page test in English, later tests — German e-mails, say — would be rendered
    in English. Put the default language back after every page test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium for all browser tests (they run last, so nothing else runs while it is open).

    Playwright's sync API runs an event loop in this thread, which makes Django refuse the plain
    synchronous ORM calls of the test code between browser steps; DJANGO_ALLOW_ASYNC_UNSAFE allows them
    for exactly this fixture's lifetime (it must not leak: ``check --deploy`` rejects it).
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _block_outside(route) -> None:
    route.abort()


def new_context(browser, **options):
    """A German-speaking browser context that can reach only the live server (never the internet)."""
    options.setdefault("locale", "de-DE")
    options.setdefault("viewport", {"width": 1280, "height": 800})
    context = browser.new_context(**options)
    context.route(lambda url: not LOCAL_URL.match(url), _block_outside)
    context.set_default_timeout(15_000)
    return context


# Waiting assertions (expect) get the same patience as actions: on a loaded 2-core CI machine a photo
# upload or a tile request can take longer than Playwright's default 5 s, and a test must wait for the
# condition, not fail on a busy machine.
expect.set_options(timeout=15_000)


@pytest.fixture
def site(live_server, web_settings) -> str:
    return live_server.url


@pytest.fixture
def page(browser, site):
    context = new_context(browser)
    page = context.new_page()
    yield page
    context.close()


STYLESHEETS_LOADED = "[...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.sheet !== null)"


def wait_for_stylesheets(page) -> None:
    """Wait until every stylesheet of the page has loaded.

    Chromium answers ``getComputedStyle`` before a pending stylesheet arrives, so on a busy machine
    staff.css can apply while site.css (which defines the colour tokens it uses) is still on its way:
    ``var(--error)`` is then undefined and a red button computes as transparent. Measure styles (and
    run axe's contrast rules) only after this.
    """
    page.wait_for_function(STYLESHEETS_LOADED)


def axe_serious(page) -> list[dict]:
    """Run axe-core (from npm, injected only here) and return serious/critical violations."""
    wait_for_stylesheets(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
