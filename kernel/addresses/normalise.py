"""One normal form for address text, used when loading (``search_text``) and when searching.

Forgiving about what people type: case, umlauts written as ae/oe/ue/ss, other accents, "Straße",
"Strasse" and "Str." alike, punctuation and missing commas, and "12 a" for "12a".
"""

from __future__ import annotations

import re
import unicodedata

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
STREET_WORD = re.compile(r"(strasse|str)\b\.?")
NON_WORD = re.compile(r"[^a-z0-9]+")
NUMBER_SUFFIX = re.compile(r"\b(\d+) ([a-z])\b")
HOUSE_NUMBER = re.compile(r"\b(\d{1,4})([a-z]?)\b")
POSTCODE = re.compile(r"\b\d{5}\b")


def normalise(text: str) -> str:
    lowered = text.lower().translate(UMLAUTS)
    plain = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    plain = STREET_WORD.sub("str ", plain)
    plain = NON_WORD.sub(" ", plain).strip()
    return NUMBER_SUFFIX.sub(r"\1\2", plain)


def house_number_in(normalised: str) -> str | None:
    """The first 1–4 digit number (with a letter suffix) of a normalised query, not a postcode."""
    match = HOUSE_NUMBER.search(POSTCODE.sub(" ", normalised))
    return match.group(1) + match.group(2) if match else None


def search_text(*, street: str, number: str, postcode: str, place: str, district_name: str) -> str:
    return normalise(" ".join(p for p in (street, number, postcode, place, district_name) if p))


def sql_normalise(expr: str) -> str:
    """The SQL twin of :func:`normalise` for names (streets, places, Ortsteile): the same lower case,
    umlauts, accents (``unaccent``), "Straße"/"Str." and punctuation rules, for statements that derive
    search text from stored columns. ``expr`` is SQL written by the caller, never user text."""
    lowered = f"lower({expr})"
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        lowered = f"replace({lowered}, '{umlaut}', '{plain}')"
    street_word = rf"regexp_replace(unaccent({lowered}), '(strasse|str)\M\.?', 'str ', 'g')"
    return f"btrim(regexp_replace({street_word}, '[^a-z0-9]+', ' ', 'g'))"
