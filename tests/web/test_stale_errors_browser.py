"""No stale error messages (issue 26, "smaller" list): once the person changes a field that has a
message, its inline message, its aria-invalid and its entry in the error summary go — the other fields'
messages stay until they are corrected too; an empty summary hides. static/js/forms.js, for every form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_report_form_clears_a_corrected_fields_message_and_summary_entry(page, site):
    page.goto(site + "/")
    page.get_by_role("button", name="Meldung absenden").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Kategorie: Bitte wählen Sie eine Kategorie.")
    expect(summary).to_contain_text("Beschreibung: Bitte beschreiben Sie den Mangel.")

    description = page.get_by_label("Beschreibung")
    description.fill("Laterne flackert")
    expect(page.locator("#field-description .errorlist")).to_have_count(0)
    expect(description).not_to_have_attribute("aria-invalid", "true")
    expect(summary.get_by_role("link", name=re.compile("^Beschreibung"))).to_have_count(0)
    expect(summary.get_by_role("link", name=re.compile("^Kategorie"))).to_have_count(1)  # still wrong

    page.get_by_label("Kategorie").select_option(label="Schlagloch")
    expect(summary.get_by_role("link", name=re.compile("^Kategorie"))).to_have_count(0)
    page.get_by_label("Breitengrad").fill("51,0504")
    page.get_by_label("Längengrad").fill("13,7373")
    expect(summary).to_be_hidden()
