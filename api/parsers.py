"""Request parsers of the API."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, plus: a body nested thousands deep (``[[[[…``) is a 400. ``json`` raises
    RecursionError for it, which DRF (catching only ValueError) let through as a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("Die JSON-Daten sind zu tief verschachtelt.") from None
