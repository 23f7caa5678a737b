"""``MM.formErrors`` (static/js/forms.js): a newer answer replaces a field's messages.

Found by a fresh-clone run under load: on the parking form a live zone check and the submit were both in
flight; each cleared the messages before it asked, so both answers' lists stood side by side under
"Ort" (strict-mode violation in tests/web/test_permit_flow.py, and one id twice in the page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_two_answers_for_one_field_leave_one_list_and_one_summary_entry(page, site):
    page.goto(site + "/parkausweis/beantragen/")
    expect(page.locator("#parking-form")).to_be_attached()
    page.evaluate(
        """() => {
          const form = document.getElementById("parking-form");
          const errors = MM.formErrors(form, document.getElementById("error-summary"));
          errors.show({ location: ["Erste Antwort"] }, { summary: false });
          errors.show({ location: ["Zweite Antwort"] });
          errors.show({ location: ["Dritte Antwort"] });
        }"""
    )
    lists = page.locator("#field-location .errorlist")
    expect(lists).to_have_count(1)
    expect(lists).to_have_text("Dritte Antwort")
    expect(page.locator("#error-summary li")).to_have_count(1)
    described = page.locator("#place-search-input").get_attribute("aria-describedby") or ""
    assert described.split().count(lists.get_attribute("id")) == 1
