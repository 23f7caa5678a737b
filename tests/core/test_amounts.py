"""Money and numbers: one rounding rule (half up, to the cent) and Django's localisation for printing."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.template import Context, Template
from django.utils import translation

from kernel.core.amounts import (
    format_amount,
    format_decimal,
    format_euro,
    format_number,
    german_decimal,
    german_number,
    round_cents,
)


def test_round_cents_is_commercial_rounding():
    assert round_cents(D("85.79925")) == D("85.80")
    assert round_cents(D("0.005")) == D("0.01")  # half up, not half to even (0.00)
    assert round_cents(D("0.015")) == D("0.02")
    assert round_cents(D("0.0149")) == D("0.01")
    assert str(round_cents(D("12"))) == "12.00"


@pytest.mark.parametrize(
    ("language", "amount", "number", "factor"),
    [("de", "1.234,50", "4.000", "0,225"), ("en", "1,234.50", "4,000", "0.225")],
)
def test_printing_follows_the_active_language(language, amount, number, factor):
    with translation.override(language):
        assert format_amount("1234.5") == amount
        assert format_euro(D("1234.50")) == f"{amount}\u00a0€"
        assert format_number(D("4000.00")) == number
        assert format_number("0.2250") == factor


def test_an_amount_is_rounded_not_cut_off():
    # Django's number_format cuts decimals off: 85.79925 became "85,79" on the confirmation page.
    with translation.override("de"):
        assert format_amount("85.79925") == "85,80"
        assert format_euro(D("0.005")) == "0,01\u00a0€"


def test_german_number_is_german_on_an_english_page():
    with translation.override("en"):
        assert german_number(D("1.50")) == "1,5"


def test_non_numbers_print_nothing():
    assert format_amount("") == format_euro(None) == format_number("abc") == format_number("NaN") == ""


def test_the_template_library_is_there_for_every_template():
    template = Template("{% load amounts %}{{ a|amount }} | {{ a|euro }} | {{ f|number }}")
    with translation.override("de"):
        assert template.render(Context({"a": "110.8", "f": "0.225"})) == "110,80 | 110,80\u00a0€ | 0,225"


def test_a_measured_figure_has_fixed_places_in_the_page_language():
    # Median days on /statistik/ and areas in messages were printed with a hand-made replace(".", ","):
    # "4,3" on English pages too, and no grouping ("12345,6 m²").
    with translation.override("en"):
        assert format_decimal(4.25, 1) == "4.3"  # half up, not Python's round-half-even "4.2"
        assert format_decimal(12345.6, 0) == "12,346"
        assert german_decimal(12345.6, 0) == "12.346"
    with translation.override("de"):
        assert format_decimal(4.25, 1) == "4,3"
        assert format_decimal(None, 1) == ""
