"""Money and decimal numbers: the one rounding rule and the one way to print them.

Rounding: commercially to the cent (``ROUND_HALF_UP``: 85.795 → 85.80), as the fee statutes state it;
``domains.permits.fees.round_fee_line`` applies it once per fee line. Printing: Django's localisation
(``number_format`` with the active language's separators and grouping: "1.234,50" in German, "1,234.50"
in English) — never a hand-made ``replace(".", ",")``. ``number_format`` cuts decimals off instead of
rounding (85.79925 with two places is "85,79"), so an amount goes through :func:`round_cents` first.

Grouping is forced here rather than switched on for every template with ``USE_THOUSAND_SEPARATOR``: that
setting would also group ids and years printed with ``{{ }}`` (``/admin/…/1.234/change/``, "2.026").
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, translation

CENT = Decimal("0.01")


def round_cents(amount: Decimal) -> Decimal:
    """``amount`` rounded to the cent, half up (0.005 → 0.01, 85.79925 → 85.80)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def as_decimal(value: object) -> Decimal | None:
    """A finite ``Decimal`` from a Decimal, int or decimal string ("85.80", as JSON carries amounts)."""
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_number(value: object) -> str:
    """A quantity, rate or factor in the active language, without trailing zeros and with grouping:
    "2000.00" → "2.000" / "2,000", "0.225" → "0,225" / "0.225". Empty for what is not a number."""
    number = as_decimal(value)
    if number is None:
        return ""
    normal = number.normalize()
    if normal == normal.to_integral_value():  # 2E+3 → 2000
        normal = normal.quantize(Decimal(1))
    return formats.number_format(normal, use_l10n=True, force_grouping=True)


def german_number(value: object) -> str:
    """:func:`format_number` in German whatever the active language: for German text that is stored or
    sent as it is (a fee line's label "Zone Innenstadt (×1,5)", a notice, a mail)."""
    with translation.override("de"):
        return format_number(value)


def format_decimal(value: object, places: int) -> str:
    """A measured figure with a fixed number of decimals, rounded half up, in the active language:
    (4.25, 1) → "4,3" / "4.3", (12345.6, 0) → "12.346" / "12,346". Empty for what is not a number."""
    number = as_decimal(value)
    if number is None:
        return ""
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, places, use_l10n=True, force_grouping=True)


def german_decimal(value: object, places: int) -> str:
    """:func:`format_decimal` in German, for German messages and stored summaries."""
    with translation.override("de"):
        return format_decimal(value, places)


def format_amount(value: object) -> str:
    """An amount of money with two decimals in the active language, without the currency:
    "1234.5" → "1.234,50" / "1,234.50". Empty for what is not a number."""
    number = as_decimal(value)
    if number is None:
        return ""
    return formats.number_format(round_cents(number), 2, use_l10n=True, force_grouping=True)


def german_amount(value: object) -> str:
    """:func:`format_amount` in German whatever the active language, for German text stored as it is
    (an audit summary "Gebühr 1.234,50 EUR bezahlt")."""
    with translation.override("de"):
        return format_amount(value)


def format_euro(value: object) -> str:
    """An amount with the euro sign after a no-break space: "1.234,50 €"."""
    text = format_amount(value)
    return f"{text}\u00a0€" if text else ""
