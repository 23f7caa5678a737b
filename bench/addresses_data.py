"""Synthetic Saxon house addresses for ``bench/addresses.py``, generated in SQL (``generate_series``).

Realistic in what the search and the reverse lookup feel: street names built like Saxon ones
("Goethestraße", "Lindenweg", "Meißner Straße", "Am Mühlgraben", "Käthe-Kollwitz-Platz", a few written
"…str."), the same names recurring in many communes (as "Hauptstraße" does), umlauts and ß, house numbers
1…47 per street with 6 % "a"/"b" suffixes, one or a few postcodes per commune, the commune as postal place
and an Ortsteil. Streets start at random points inside their commune (``ST_GeneratePoints``, EPSG:25833)
and run straight in a random direction, houses every 9 m alternating sides 12 m off the axis. Dresden,
Leipzig and Chemnitz get fixed shares (their real order of magnitude), every other commune a share by area.

The ``search_text``/``street_key`` columns are the loader's normal form, computed here in SQL
(``kernel.addresses.normalise.sql_normalise``); the bench compares a sample against ``kernel.addresses.normalise`` in
Python and stops on any difference. The streets are then derived by the loader's ``streets_rebuild``.
"""

from __future__ import annotations

import random
import time

from django.db import connection

from kernel.addresses.models import Address
from kernel.addresses.normalise import normalise, search_text, sql_normalise
from kernel.addresses.services import streets_rebuild

ADDR = Address._meta.db_table
HOUSES_PER_STREET = 47  # 1…47, mean 24
CITIES = {"14612000": 0.06, "14713000": 0.055, "14511000": 0.03}  # Dresden, Leipzig, Chemnitz
NAMES = (
    "Goethe Schiller Lessing Herder Bach Mozart Beethoven Wagner Fröbel Körner Luther Humboldt Uhland "
    "Linden Birken Eichen Buchen Kastanien Ahorn Tannen Rosen Tulpen Nelken Flieder Holunder Kirsch "
    "Bahnhof Haupt Kirch Schul Post Markt Mühl Dorf Garten Wiesen Feld Wald Berg Tal Bach Brunnen "
    "Schloss Friedhof Sonnen Quell Weinberg Hohl Gruben Hütten Schmiede Ziegelei Teich Anger Heide Au "
    "Fichte Kiefern Erlen Weiden Pappel Ulmen Eschen Lärchen Efeu Mohn Lilien Veilchen Primel Dahlien "
    "Fontane Heine Kleist Hölderlin Novalis Eichendorff Storm Raabe Reuter Mörike Grillparzer Rückert "
    "Händel Schubert Schumann Brahms Haydn Liszt Weber Lortzing Silbermann Bähr Semper Pöppelmann "
    "Kant Leibniz Fichte Hegel Gellert Klopstock Gauß Kepler Röntgen Diesel Benz Zeppelin Opel Horch "
    "Amsel Drossel Finken Lerchen Meisen Schwalben Falken Adler Eulen Reiher Kranich Storchen "
    "Sand Lehm Stein Kies Kalk Kohlen Salz Erz Silber Zinn Kupfer Glas Papier Tuch Leinen Woll "
    "Forst Jäger Fischer Gärtner Bauern Müller Weber Bäcker Brauer Zimmer Töpfer Gerber Färber"
).split()
PARTS = ",,,,,berg,tal,feld,hain,grund,wiesen,blick,höhe,ring".split(",")  # mostly none
KINDS = "straße|straße|straße|straße|weg|weg|platz|gasse|ring|allee|str.".split("|")
ADJECTIVES = (
    "Meißner Dresdner Leipziger Chemnitzer Zwickauer Plauener Görlitzer Bautzner Großenhainer Freiberger "
    "Königsbrücker Löbauer Pirnaer Torgauer Döbelner Annaberger Würzener Grimmaische Alte Neue Obere "
    "Untere Lange Kurze Breite Hohe Große Kleine"
).split()
SEPARATE = "Straße|Straße|Straße|Weg|Platz|Gasse|Allee|Str.".split("|")
PREPOSITIONS = (
    "Am Hang|Am Mühlgraben|An der Kirche|Zum Sportplatz|Am Anger|Im Grund|Auf der Höhe|Am Bächle".split("|")
)
PERSONS = (
    "Käthe-Kollwitz- Robert-Koch- Dr.-Wilhelm-Külz- Rudolf-Breitscheid- August-Bebel- Ernst-Thälmann- "
    "Clara-Zetkin- Albert-Schweitzer- Geschwister-Scholl- Bürgermeister-Müller- Gustav-Freytag-"
).split()
DISTRICT_HEADS = "Ober Nieder Alt Neu Klein Groß".split()
DISTRICT_TAILS = "hain dorf walde bach au grün rode witz litz".split()


def _array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def _pick(array: list[str]) -> str:
    return f"({_array(array)})[1 + floor(random() * {len(array)})::int]"


def street_name_sql() -> str:
    """One street name, drawn per row: 60 % noun + kind, 20 % adjective + separate kind, 10 % each other."""
    compound = f"{_pick(NAMES)} || {_pick(PARTS)} || {_pick(KINDS)}"
    return f"""CASE
        WHEN r < 0.6 THEN {compound}
        WHEN r < 0.8 THEN {_pick(ADJECTIVES)} || ' ' || {_pick(SEPARATE)}
        WHEN r < 0.9 THEN {_pick(PREPOSITIONS)}
        ELSE {_pick(PERSONS)} || {_pick(["Straße", "Platz", "Weg", "Str."])}
    END"""


def commune_counts_sql(total: int) -> str:
    """Addresses per current commune: fixed shares for the three cities, the rest by area."""
    cities = ", ".join(f"('{ags}', {share})" for ags, share in CITIES.items())
    rest = 1 - sum(CITIES.values())
    return f"""
        CREATE TEMP TABLE bench_commune ON COMMIT DROP AS
        WITH c AS (
            SELECT c.ags, c.name, c.geom, ST_Area(c.geom) AS area, s.share
            FROM boundaries_commune c LEFT JOIN (VALUES {cities}) s(ags, share) ON s.ags = c.ags
            WHERE c.valid_to IS NULL
        )
        SELECT ags, name, geom, row_number() OVER (ORDER BY ags) AS idx,
               round({total} * coalesce(share, {rest} * area
                     / sum(area) FILTER (WHERE share IS NULL) OVER ()))::int AS wanted
        FROM c
    """


STREETS_SQL = f"""
    CREATE TEMP TABLE bench_street ON COMMIT DROP AS
    SELECT s.*, sum(s.houses) OVER (PARTITION BY s.ags ORDER BY s.street_no) - s.houses AS before
    FROM (
        SELECT d.*, {street_name_sql()} AS street,
               CASE WHEN d.wanted > 20000 THEN 1 + (d.street_no % 40) * 2 ELSE 0 END AS postcode_step,
               {_pick(DISTRICT_HEADS)} || {_pick(DISTRICT_TAILS)} AS district
        FROM (
            SELECT c.ags, c.name, c.idx, c.wanted, p.path[1] AS street_no, p.geom AS start, random() AS r,
                   random() * 2 * pi() AS angle, 1 + floor(random() * {HOUSES_PER_STREET})::int AS houses
            FROM bench_commune c,
                 ST_Dump(ST_GeneratePoints(c.geom, greatest(1, ceil(c.wanted / 16.0)::int), c.idx::int)) p
            WHERE c.wanted > 0
        ) d
    ) s
"""

INSERT_SQL = f"""
    INSERT INTO {ADDR} (street, housenumber, suffix, postcode, place, district_name, ags, source, source_id,
                        quality, geom, search_text, street_key)
    SELECT h.street, h.no::text, h.suffix, h.postcode, h.name, h.district, h.ags, 'hk-de',
           'DESNBENCH' || lpad((h.idx * 1000000 + h.before + h.no)::text, 12, '0'), 'A',
           ST_SetSRID(ST_MakePoint(
               ST_X(h.start) + (h.no / 2) * 9 * cos(h.angle) + h.side * 12 * sin(h.angle),
               ST_Y(h.start) + (h.no / 2) * 9 * sin(h.angle) - h.side * 12 * cos(h.angle)), 25833),
           {sql_normalise("concat_ws(' ', h.street, h.no::text || h.suffix, h.postcode, h.name, h.district)")},
           {sql_normalise("h.street")}
    FROM (
        SELECT s.*, n.no, CASE WHEN n.no %% 2 = 0 THEN 1 ELSE -1 END AS side,
               CASE WHEN random() < 0.05 THEN 'a' WHEN random() < 0.2 THEN 'b' ELSE '' END AS suffix,
               lpad((1001 + (s.idx * 211) %% 8900 + s.postcode_step)::text, 5, '0') AS postcode
        FROM bench_street s, generate_series(1, s.houses) n(no)
        WHERE s.before + n.no <= s.wanted
    ) h
    LIMIT %(total)s
"""


def index_definitions() -> list[tuple[str, str]]:
    """(name, CREATE INDEX …) of the address table's secondary indexes, as the migrations made them."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef NOT LIKE %s",
            [ADDR, "%UNIQUE%"],
        )
        return list(cur.fetchall())


def generate(total: int, seed: int) -> dict[str, float]:
    """Replace all addresses by ``total`` synthetic ones; indexes dropped for the insert and rebuilt from
    their own definitions (faster than maintaining a GIN index row by row). Returns step → seconds."""
    timings: dict[str, float] = {}
    indexes = index_definitions()
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        started = time.perf_counter()
        cur.execute("BEGIN")
        cur.execute(f"TRUNCATE {ADDR}")
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("SELECT setseed(%s)", [random.Random(seed).uniform(-1, 1)])
        cur.execute(commune_counts_sql(total))
        cur.execute(STREETS_SQL)
        cur.execute(INSERT_SQL, {"total": total})
        timings["insert"] = time.perf_counter() - started
        for name, definition in indexes:
            step = time.perf_counter()
            cur.execute(definition)
            timings[f"index {name}"] = time.perf_counter() - step
        cur.execute("COMMIT")
        step = time.perf_counter()
        cur.execute(f"SELECT array_agg(DISTINCT ags) FROM {ADDR}")
        streets_rebuild(ags=cur.fetchone()[0])  # the loader's own step, all communes at once
        timings["streets_rebuild"] = time.perf_counter() - step
        step = time.perf_counter()
        cur.execute(f"VACUUM ANALYZE {ADDR}")
        cur.execute("VACUUM ANALYZE addresses_street")
        timings["vacuum analyze"] = time.perf_counter() - step
    return timings


def check_normal_form(sample: int = 20000) -> None:
    """Stop when the SQL normal form differs from the loader's Python one on a random sample."""
    rows = Address.objects.order_by("?")[:sample].values_list(
        "street", "housenumber", "suffix", "postcode", "place", "district_name", "search_text", "street_key"
    )
    for street, number, suffix, postcode, place, district, text, key in rows:
        expected = search_text(
            street=street, number=number + suffix, postcode=postcode, place=place, district_name=district
        )
        if (text, key) != (expected, normalise(street)):
            raise SystemExit(
                f"SQL normal form differs: {text!r}/{key!r} vs {expected!r}/{normalise(street)!r}"
            )
