"""Request parsers of the API."""

from __future__ import annotations

import codecs
from json import JSONDecodeError
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import get_encoding
from rest_framework.utils import json


def _has_lone_surrogate(data: Any) -> bool:
    """True if any string in the parsed JSON holds an unpaired UTF-16 surrogate (``"\\ud800"``): valid
    JSON, but no UTF-8 text, so PostgreSQL cannot store it. Without recursion (nesting may be deep)."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with German messages, plus two bodies it let through as a 500:

    * nested thousands deep (``[[[[…``): ``json`` raises RecursionError, DRF catches only ValueError;
    * strings with an unpaired surrogate escape (``"\\ud800"``), which fail when the database encodes them.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            encoding = get_encoding(parser_context or {})
        except ParseError:
            raise ParseError("Nicht unterstützter Zeichensatz im Content-Type; bitte UTF-8 senden.") from None
        parse_constant = json.strict_constant if self.strict else None
        try:
            data = json.load(codecs.getreader(encoding)(stream), parse_constant=parse_constant)
        except RecursionError:
            raise ParseError("Die JSON-Daten sind zu tief verschachtelt.") from None
        except UnicodeDecodeError:
            raise ParseError(f"Die JSON-Daten sind nicht {encoding.upper()}-kodiert.") from None
        except JSONDecodeError as exc:
            # DRF's own message is English ("JSON parse error - Expecting value: …"); say where it broke.
            raise ParseError(
                f"Ungültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno}). Bitte die Syntax prüfen."
            ) from None
        except ValueError:  # NaN/Infinity with STRICT_JSON
            raise ParseError("Ungültiges JSON: NaN und Infinity sind keine erlaubten Zahlen.") from None
        if _has_lone_surrogate(data):
            raise ParseError("Die JSON-Daten enthalten ungültige Zeichen (einzelne UTF-16-Surrogate).")
        return data
