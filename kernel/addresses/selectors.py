"""Address search and reverse lookup, in PostgreSQL (pg_trgm over the streets' ``search_text``, GIN-indexed).

Search in two steps: the query without its house number finds streets (``Street``: one row per street
and commune, its text with every postcode, place and Ortsteil), ``word_similarity(query, text)`` saying
how well the typed words occur in it (order and extra words matter little, so a postcode or place can be
anywhere) plus half the plain ``similarity`` to the street name. With a house number, the houses with
that number on the best streets follow (an exact number and suffix adds 1). Looking at ~45,000 streets
instead of 1.2 million addresses keeps a short or common query cheap (bench/addresses.py). Communes
and districts add half their plain ``similarity`` to the query, so "Dresden" puts the city before the
thousands of Dresden streets that also contain the word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import connection, transaction

from kernel.addresses.models import Address, Street, label
from kernel.addresses.normalise import house_number_in, normalise, sql_normalise
from kernel.boundaries.models import Commune, District
from kernel.boundaries.naming import city_sql, german_sql
from kernel.boundaries.selectors import SEARCH_CENTRE, today
from kernel.core.errors import DomainError
from kernel.geo.srid import API_SRID, STORAGE_SRID

# word_similarity threshold for the `<%` operator (GIN-indexed): lower finds more typos, costs more rows.
WORD_THRESHOLD = 0.6
REVERSE_RADIUS_M = 50.0
MAX_GEOCODE_CHARS = 300
# What a search needs and may be: the API and the pages' "Adresse oder Ort suchen" refuse the same texts.
MIN_QUERY = 3
MAX_QUERY = 200
ADDR = Address._meta.db_table
STREET = Street._meta.db_table
# Streets whose houses a query with a house number looks at: more finds a poorly typed street among many
# similar ones, fewer costs less.
CANDIDATE_STREET_COUNT = 20
# The score of a commune/district whose normalised name is the whole query: word similarity 1 both ways
# and plain similarity 1 (see _area_sql).
EXACT_NAME = 2.0 - 1e-9
COMMUNE = Commune._meta.db_table
DISTRICT = District._meta.db_table


@dataclass(frozen=True)
class Hit:
    kind: str  # "address", "street", "commune", "district", "postcode"
    label: str
    street: str
    housenumber: str
    postcode: str
    place: str
    ags: str
    commune_name: str
    lon: float
    lat: float
    score: float
    address_id: int | None = None
    distance_m: float | None = None
    # "hk-de:<OI>" or "osm:<id>": stable across reloads (row ids are not), Open311's address_id.
    address_key: str = ""
    # Communes and districts only: a kreisfreie Stadt; any street of the area loaded (else only the area,
    # never a house, can be found there, and the page says so).
    city: bool = False
    has_addresses: bool = True


# What a hit of these kinds gives: an area to look at, never the spot of a report.
AREA_KINDS = frozenset({"commune", "district", "postcode"})


def _xy(alias: str) -> str:
    return f"ST_X(ST_Transform({alias}, {API_SRID})), ST_Y(ST_Transform({alias}, {API_SRID}))"


CURRENT_COMMUNE = f"LEFT JOIN {COMMUNE} c ON c.ags = a.ags AND c.valid_to IS NULL"

# The best streets for the query without its house number, by the same score as street hits. A query
# with a house number looks for that number only on these streets (index ``address_street_ags``).
CANDIDATE_STREETS = f"""
    SELECT s.*, word_similarity(%(qs)s, s.search_text) + 0.5 * similarity(%(qs)s, s.street_key) AS score
    FROM {STREET} s
    WHERE %(qs)s <%% s.search_text
    ORDER BY score DESC, s.street
    LIMIT greatest(%(streets)s, %(limit)s)
"""

# Same street score for every house of a street; the exact number (with suffix) adds 1, and a tenth of
# the word similarity to the house's own text prefers the house with the postcode/Ortsteil typed.
ADDRESS_SQL = f"""
    SELECT a.id, a.street, a.housenumber || a.suffix, a.postcode, a.place, a.ags, coalesce(c.name, ''),
           {_xy("a.geom")},
           s.score + CASE WHEN lower(a.housenumber || a.suffix) = %(number)s THEN 1 ELSE 0 END
             + 0.1 * word_similarity(%(q)s, a.search_text) AS score
    FROM ({CANDIDATE_STREETS}) s
    JOIN {ADDR} a ON a.street_key = s.street_key AND a.ags = s.ags AND a.housenumber = %(digits)s
    {CURRENT_COMMUNE}
    ORDER BY score DESC, a.street, a.housenumber, a.suffix
    LIMIT %(limit)s
"""

STREET_SQL = f"""
    SELECT s.street, s.postcode, s.place, s.ags, coalesce(c.name, ''), {_xy("s.geom")}, s.score
    FROM ({CANDIDATE_STREETS}) s {CURRENT_COMMUNE.replace("a.ags", "s.ags")}
    ORDER BY s.score DESC, s.street
    LIMIT %(limit)s
"""


def _area_sql(kind: str) -> str:
    """Communes or districts by name. The normalised name is computed once per row (``OFFSET 0`` keeps
    the planner from inlining it into every use: unaccent and regexp per use cost more than the rest).

    A kreisfreie Stadt is found as the commune only (its district record is the same city); a commune
    whose name another current commune shares is labelled with its district ("Bernsdorf, Landkreis
    Bautzen"). ``has_addresses``: whether any street of the area is loaded, so the page can say that
    there only the area, no house, can be found.
    """
    current = "t0.valid_from <= %(day)s AND (t0.valid_to IS NULL OR t0.valid_to > %(day)s)"
    if kind == "commune":
        twin = f"SELECT 1 FROM {COMMUNE} o WHERE o.name = t0.name AND o.ags <> t0.ags AND o.valid_to IS NULL"
        district = (
            f"CASE WHEN {city_sql('d')} THEN d.name || ' (kreisfreie Stadt)' ELSE 'Landkreis ' || d.name END"
        )
        inner = f"""SELECT t0.name, t0.ags, t0.geom, {city_sql("d")} AS city,
                   t0.name || CASE WHEN EXISTS ({twin}) THEN ', ' || {district} ELSE '' END AS label
            FROM {COMMUNE} t0 JOIN {DISTRICT} d ON d.id = t0.district_id WHERE {current}"""
        commune_name, streets = "t.name", "s.ags = t.ags"
    else:
        inner = f"""SELECT t0.name, t0.ags, t0.geom, false AS city, t0.name AS label
            FROM {DISTRICT} t0 WHERE {current} AND NOT {city_sql("t0")}"""
        commune_name, streets = "''", "left(s.ags, 5) = t.ags"
    return f"""
        SELECT '{kind}' AS kind, t.label, t.ags, {commune_name} AS commune,
               {_xy(SEARCH_CENTRE.format(geom="t.geom"))},
               w.forward + 0.5 * similarity(%(q)s, t.n) + 0.5 * (w.back >= 0.9)::int AS score,
               t.city, EXISTS (SELECT 1 FROM {STREET} s WHERE {streets}) AS has_addresses
        FROM (SELECT i.*, {sql_normalise("i.name")} AS n FROM ({inner}) i OFFSET 0) t,
             LATERAL (SELECT word_similarity(%(q)s, t.n) AS forward, word_similarity(t.n, %(q)s) AS back
                      OFFSET 0) w
        WHERE w.forward >= %(threshold)s OR w.back >= 0.9
    """


AREA_SQL = f"""
    SELECT * FROM ({_area_sql("commune")} UNION ALL {_area_sql("district")}) hits
    ORDER BY score DESC, {german_sql("label")}
    LIMIT %(limit)s
"""


# A query that is only a postcode ("01067") means the postcode's area: per commune, the streets with that
# postcode (trigram index for LIKE, then the whole word), centred on their middle.
POSTCODE_SQL = f"""
    SELECT s.ags, coalesce(c.name, ''), {_xy("ST_Centroid(ST_Collect(s.geom))")}
    FROM {STREET} s {CURRENT_COMMUNE.replace("a.ags", "s.ags")}
    WHERE s.search_text LIKE %(postcode_like)s AND s.search_text ~ %(postcode_word)s
    GROUP BY s.ags, c.name
    ORDER BY count(*) DESC, s.ags
    LIMIT %(limit)s
"""
ONLY_POSTCODE = re.compile(r"^\d{5}$")


def _postcode_hits(cur, params: dict) -> list[Hit]:
    postcode = params["q"]
    cur.execute(
        POSTCODE_SQL, {**params, "postcode_like": f"%{postcode}%", "postcode_word": rf"\m{postcode}\M"}
    )
    return [
        Hit(
            "postcode",
            f"{postcode} {commune}".strip(),
            "",
            "",
            postcode,
            "",
            ags,
            commune,
            lon,
            lat,
            EXACT_NAME,
        )
        for ags, commune, lon, lat in cur.fetchall()
    ]


def _address_hits(cur, params: dict) -> list[Hit]:
    cur.execute(ADDRESS_SQL, params)
    return [
        Hit("address", label(street, number, postcode, place), street, number, postcode, place, ags,
            commune, lon, lat, score, address_id=pk)
        for pk, street, number, postcode, place, ags, commune, lon, lat, score in cur.fetchall()
    ]  # fmt: skip


def _street_hits(cur, params: dict) -> list[Hit]:
    cur.execute(STREET_SQL, params)
    return [
        Hit("street", label(street, "", postcode, place), street, "", postcode, place, ags, commune,
            lon, lat, score)
        for street, postcode, place, ags, commune, lon, lat, score in cur.fetchall()
    ]  # fmt: skip


def _area_hits(cur, params: dict) -> list[Hit]:
    cur.execute(AREA_SQL, params)
    return [
        Hit(kind, name, "", "", "", "", ags, commune, lon, lat, score, city=city, has_addresses=has_addresses)
        for kind, name, ags, commune, lon, lat, score, city, has_addresses in cur.fetchall()
    ]


def _without(number: str, q: str) -> str:
    """The normalised query without its house number: what names the street, postcode and place."""
    words = q.split()
    if number in words:
        words.remove(number)
    return " ".join(words)


def search(query: str, *, limit: int = 10) -> list[Hit]:
    """Addresses (or streets, without a house number), communes and districts for ``query``, best first.

    Streets are found first (``Street``, trigram index), houses only on the best of them; a house number
    that none of them has gives the streets instead (the street exists, the house is not known).
    """
    q = normalise(query)
    if not q:
        return []
    number = house_number_in(q) or ""
    params = {
        "q": q, "qs": _without(number, q), "number": number, "digits": re.sub(r"\D", "", number),
        "limit": limit, "streets": CANDIDATE_STREET_COUNT, "day": today(), "threshold": WORD_THRESHOLD,
    }  # fmt: skip
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(WORD_THRESHOLD)])
        areas = _area_hits(cur, params)
        if ONLY_POSTCODE.match(q):
            areas = _postcode_hits(cur, params) + areas
        hits = _address_hits(cur, params) if number and params["qs"] else []
        # Just a commune's or district's name ("Dresden") means that place, not the thousands of streets
        # whose postal place it is: the most expensive street search is skipped.
        names_a_place = not number and any(h.score >= EXACT_NAME for h in areas)
        if not hits and params["qs"] and not names_a_place:
            hits = _street_hits(cur, params)
        hits += areas
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]


def has_addresses(ags: str) -> bool:
    """Whether any street of the commune ``ags`` is loaded: else the search finds only the area there."""
    return Street.objects.filter(ags=ags).exists()


# Nearest first by the GiST index (KNN ``<->``), bounded by ST_DWithin; the commune is joined to the one
# row found only.
REVERSE_SQL = f"""
    SELECT a.id, a.street, a.housenumber || a.suffix, a.postcode, a.place, a.ags, coalesce(c.name, ''),
           {_xy("a.geom")}, a.distance,
           a.source || ':' || coalesce(nullif(a.source_id, ''), a.id::text)
    FROM (
        SELECT a.*, ST_Distance(a.geom, p.geom) AS distance
        FROM {ADDR} a,
             (SELECT ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), {STORAGE_SRID}) AS geom) p
        WHERE ST_DWithin(a.geom, p.geom, %(radius)s)
        ORDER BY a.geom <-> p.geom, a.id
        LIMIT 1
    ) a {CURRENT_COMMUNE}
"""


def nearest(point: Point, *, radius_m: float = REVERSE_RADIUS_M) -> Hit | None:
    """The nearest house address within ``radius_m`` metres of ``point`` (EPSG:25833), or None."""
    assert point.srid == STORAGE_SRID, "nearest expects EPSG:25833"
    with connection.cursor() as cur:
        cur.execute(REVERSE_SQL, {"x": point.x, "y": point.y, "radius": radius_m})
        row = cur.fetchone()
    if row is None:
        return None
    pk, street, number, postcode, place, ags, commune, lon, lat, distance, key = row
    return Hit(
        "address", label(street, number, postcode, place), street, number, postcode, place, ags,
        commune, lon, lat, 1.0, address_id=pk, distance_m=round(distance, 1), address_key=key,
    )  # fmt: skip


class AddressNotFound(DomainError):
    code = "address_not_found"
    default_message = (
        "Zu dieser Adresse ist keine Hausadresse bekannt. Bitte Straße, Hausnummer und Ort angeben."
    )


class AddressAmbiguous(DomainError):
    code = "address_ambiguous"
    default_message = "Die Adresse ist mehrdeutig."


def geocode(text: str) -> Hit:
    """The one house address ``text`` names: its house number must match exactly, and no other address may
    score as well (e.g. the same street and number in two communes without a postcode or place)."""
    # An address is short; a longer text (a whole description) is cut rather than searched at length.
    # Only the house with exactly this number (and suffix) counts, never a neighbour on the same street.
    text = text[:MAX_GEOCODE_CHARS]
    number = house_number_in(normalise(text))
    hits = [h for h in search(text, limit=5) if h.kind == "address" and normalise(h.housenumber) == number]
    if not hits:
        raise AddressNotFound
    if len(hits) > 1 and hits[1].score >= hits[0].score - 1e-9:
        candidates = "; ".join(h.label for h in hits[:3])
        raise AddressAmbiguous(
            f"Die Adresse ist mehrdeutig ({candidates}). Bitte Postleitzahl oder Ort ergänzen."
        )
    return hits[0]
