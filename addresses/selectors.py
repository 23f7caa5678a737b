"""Address search and reverse lookup, in PostgreSQL (pg_trgm over ``search_text``, GIN-indexed).

Scores: ``word_similarity(query, text)`` says how well the typed words occur in an address (order and
extra words in the address matter little, so a postcode or place can be anywhere); a matching house
number adds 1, so the exact house comes before its neighbours. Streets (a query without a house number)
and communes/districts add half their plain ``similarity`` to the query, so "Dresden" puts the city
before the hundreds of Dresden streets that also contain the word.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import connection, transaction

from addresses.models import Address, label
from addresses.normalise import house_number_in, normalise
from boundaries.models import Commune, District
from boundaries.selectors import today
from core.errors import DomainError
from geo.srid import API_SRID, STORAGE_SRID

# word_similarity threshold for the `<%` operator (GIN-indexed): lower finds more typos, costs more rows.
WORD_THRESHOLD = 0.5
REVERSE_RADIUS_M = 50.0
MAX_GEOCODE_CHARS = 300
# What a search needs and may be: the API and the pages' "Adresse oder Ort suchen" refuse the same texts.
MIN_QUERY = 3
MAX_QUERY = 200
ADDR = Address._meta.db_table
COMMUNE = Commune._meta.db_table
DISTRICT = District._meta.db_table


@dataclass(frozen=True)
class Hit:
    kind: str  # "address", "street", "commune", "district"
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


def _sql_normalised(column: str) -> str:
    """The SQL twin of ``addresses.normalise`` for names (communes, districts): umlauts, accents, case."""
    expr = f"lower({column})"
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        expr = f"replace({expr}, '{umlaut}', '{plain}')"
    return f"regexp_replace(unaccent({expr}), '[^a-z0-9]+', ' ', 'g')"


def _xy(alias: str) -> str:
    return f"ST_X(ST_Transform({alias}, {API_SRID})), ST_Y(ST_Transform({alias}, {API_SRID}))"


CURRENT_COMMUNE = f"LEFT JOIN {COMMUNE} c ON c.ags = a.ags AND c.valid_to IS NULL"

ADDRESS_SQL = f"""
    SELECT a.id, a.street, a.housenumber || a.suffix, a.postcode, a.place, a.ags, coalesce(c.name, ''),
           {_xy("a.geom")},
           word_similarity(%(q)s, a.search_text)
             + CASE WHEN lower(a.housenumber || a.suffix) = %(number)s THEN 1 ELSE 0 END AS score
    FROM {ADDR} a {CURRENT_COMMUNE}
    WHERE %(q)s <%% a.search_text
    ORDER BY score DESC, a.street, a.housenumber, a.suffix
    LIMIT %(limit)s
"""

STREET_SQL = f"""
    SELECT s.street, s.postcode, s.place, s.ags, coalesce(c.name, ''), {_xy("s.geom")}, s.score
    FROM (
        SELECT min(a.street) AS street, min(a.postcode) AS postcode, min(a.place) AS place, a.ags,
               ST_ClosestPoint(ST_Collect(a.geom), ST_Centroid(ST_Collect(a.geom))) AS geom,
               max(word_similarity(%(q)s, a.search_text)) + 0.5 * similarity(%(q)s, a.street_key) AS score
        FROM {ADDR} a
        WHERE %(q)s <%% a.search_text
        GROUP BY a.street_key, a.ags
        ORDER BY score DESC, min(a.street)
        LIMIT %(limit)s
    ) s {CURRENT_COMMUNE.replace("a.ags", "s.ags")}
    ORDER BY s.score DESC, s.street
"""


def _area_sql(table: str, kind: str) -> str:
    name = _sql_normalised("t.name")
    commune_name = "t.name" if kind == "commune" else "''"
    return f"""
        SELECT '{kind}', t.name, t.ags, {commune_name}, {_xy("ST_PointOnSurface(t.geom)")}, m.score
        FROM {table} t,
             LATERAL (SELECT word_similarity(%(q)s, {name}) + 0.5 * similarity(%(q)s, {name})
                             + 0.5 * (word_similarity({name}, %(q)s) >= 0.9)::int AS score) m
        WHERE t.valid_from <= %(day)s AND (t.valid_to IS NULL OR t.valid_to > %(day)s)
          AND (word_similarity(%(q)s, {name}) >= %(threshold)s OR word_similarity({name}, %(q)s) >= 0.9)
    """


AREA_SQL = f"""
    SELECT * FROM ({_area_sql(COMMUNE, "commune")} UNION ALL {_area_sql(DISTRICT, "district")}) hits
    ORDER BY 7 DESC, 2
    LIMIT %(limit)s
"""


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
        Hit(kind, name, "", "", "", "", ags, commune, lon, lat, score)
        for kind, name, ags, commune, lon, lat, score in cur.fetchall()
    ]


def search(query: str, *, limit: int = 10) -> list[Hit]:
    """Addresses (or streets, without a house number), communes and districts for ``query``, best first."""
    q = normalise(query)
    if not q:
        return []
    number = house_number_in(q) or ""
    params = {"q": q, "number": number, "limit": limit, "day": today(), "threshold": WORD_THRESHOLD}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(WORD_THRESHOLD)])
        hits = _address_hits(cur, params) if number else _street_hits(cur, params)
        hits += _area_hits(cur, params)
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]


REVERSE_SQL = f"""
    SELECT a.id, a.street, a.housenumber || a.suffix, a.postcode, a.place, a.ags, coalesce(c.name, ''),
           {_xy("a.geom")}, ST_Distance(a.geom, p.geom),
           a.source || ':' || coalesce(nullif(a.source_id, ''), a.id::text)
    FROM {ADDR} a {CURRENT_COMMUNE},
         (SELECT ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), {STORAGE_SRID}) AS geom) p
    WHERE ST_DWithin(a.geom, p.geom, %(radius)s)
    ORDER BY a.geom <-> p.geom, a.id
    LIMIT 1
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
    hits = [h for h in search(text[:MAX_GEOCODE_CHARS], limit=5) if h.kind == "address" and h.score >= 1]
    if not hits:
        raise AddressNotFound
    if len(hits) > 1 and hits[1].score >= hits[0].score - 1e-9:
        candidates = "; ".join(h.label for h in hits[:3])
        raise AddressAmbiguous(
            f"Die Adresse ist mehrdeutig ({candidates}). Bitte Postleitzahl oder Ort ergänzen."
        )
    return hits[0]
