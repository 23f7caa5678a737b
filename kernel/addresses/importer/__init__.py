"""Readers for address files. Each yields :class:`AddressRow` (EPSG:25833) or :class:`Refused` lines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AddressRow:
    street: str
    housenumber: str
    suffix: str
    postcode: str
    place: str
    district_name: str
    x: float  # EPSG:25833 metres
    y: float
    source_id: str = ""
    quality: str = ""
    ags_in_file: str = ""


@dataclass(frozen=True)
class Refused:
    line: int
    reason: str
