"""Official house coordinates in the AdV format "Hauskoordinaten Deutschland" (HK-DE), as GeoSN delivers them.

One address per line, 18 fields separated by ``;``:
NBA; OI; QUA; LAN; RBZ; KRS; GMD; OTT; SSS; HNR; ADZ; East; North; STN; PLZ; ONM; ZON; POT.
East/North are ETRS89/UTM metres with a decimal comma; East may carry the zone as a prefix ("33" and
6 digits before the comma). ONM is the postal place, ZON an addition to it, POT the postal Ortsteil.
Lines starting with ``#`` are comments. Current deliveries are UTF-8, older ones ISO-8859-1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kernel.addresses.importer import AddressRow, Refused
from kernel.geo.srid import SAXONY_BBOX_25833

FIELDS = 18
ZONE = "33"
NUMBER = re.compile(r"^\d+$")


def decode(data: bytes) -> str:
    """UTF-8 if the bytes are valid UTF-8 (a BOM is dropped), else ISO-8859-1 (older deliveries)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("iso-8859-1")


def _coordinate(text: str, *, east: bool) -> float:
    value = text.strip().replace(" ", "")
    integer = value.split(",")[0]
    if east and len(integer) == 8 and integer.startswith(ZONE):
        value = value[len(ZONE) :]
    if not re.fullmatch(r"\d+(,\d+)?", value):
        raise ValueError(text)
    return float(value.replace(",", "."))


def _row(fields: list[str]) -> AddressRow | str:
    if len(fields) != FIELDS:
        return f"{len(fields)} statt {FIELDS} Felder"
    f = [v.strip() for v in fields]
    ags = f[3] + f[4] + f[5] + f[6]
    if not re.fullmatch(r"\d{8}", ags):
        return f"Gemeindeschlüssel (LAN+RBZ+KRS+GMD) „{ags}“ ist nicht achtstellig"
    if not f[13] or not f[9]:
        return "Straßenname oder Hausnummer fehlt"
    try:
        x = _coordinate(f[11], east=True)
        y = _coordinate(f[12], east=False)
    except ValueError:
        return f"Koordinaten „{f[11]}“/„{f[12]}“ sind keine Zahlen"
    min_x, min_y, max_x, max_y = SAXONY_BBOX_25833
    if not (min_x <= x <= max_x and min_y <= y <= max_y):
        return "Koordinaten liegen nicht in Sachsen (ETRS89/UTM 33)"
    place = f"{f[15]} {f[16]}".strip()
    return AddressRow(
        street=f[13][:200],
        housenumber=f[9][:20],
        suffix=f[10][:20],
        postcode=f[14][:5] if NUMBER.match(f[14]) else "",
        place=place[:200],
        district_name=f[17][:200],
        x=x,
        y=y,
        source_id=f[1][:64],
        quality=f[2][:10],
        ags_in_file=ags,
    )


def read(data: bytes) -> Iterator[AddressRow | Refused]:
    for number, line in enumerate(decode(data).splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        result = _row(line.split(";"))
        yield Refused(number, result) if isinstance(result, str) else result
