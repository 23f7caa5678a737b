"""Results of ``bench/assign.py`` and their Markdown section in ``docs/benchmarks.md``."""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kernel.boundaries.models import Commune, CommunePart
from kernel.geo.srid import SAXONY_BBOX_25833

SECTION = "## Commune assignment (bench/assign.py)"
DOC_HEADER = """# Benchmarks

Every figure below is a throughput, latency or ratio from **one run** of the named script on the machine
stated in its section — a record to compare against, never a timed test. Absolute numbers move with the
machine and its load; compare ratios across machines. Each script rewrites only its own section.
"""

COMMUNES, PARTS = Commune._meta.db_table, CommunePart._meta.db_table
SEGMENT_M = 20.0  # vertex spacing of the densified variant, metres in EPSG:25833
DATA_LABEL = {"shipped": "shipped", "dense": f"densified {SEGMENT_M:g} m"}
BULK_LABELS = {
    "a": f"(a) naive `ST_Covers` on full polygons (`{COMMUNES}`)",
    "b": f"(b) subdivided lookup table (`{PARTS}`)",
    "c": "(c) Shapely `STRtree`, prepared geometries, in process",
    "d": "(d) `kernel.boundaries.assignment.assign_many` (service, one statement)",
}
VARIANTS = {
    "v0": "floor: the service's transport with a statement that does no lookup",
    "v0b": "floor as v0, coordinate arrays bound as binary (`%(xs)b`)",
    "v1": "the service: `assign_many` (server-side binding with `%(xs)s`, `jit = off`)",
    "v2": "the service statement through Django's cursor (client-side binding, server's JIT default)",
    "v3": "LEFT JOIN + `DISTINCT ON (ord)` instead of the LIMIT 1 subquery, service transport",
    "v4": "points sent in Morton (Z) order, service",
    "v5": "points INSERTed (binary) into an unlogged table, LEFT JOIN + `DISTINCT ON`, parallel scan allowed, "
    "`jit = off`",
    "v6": "the service statement with binary coordinate arrays (`%(xs)b`, `%(ys)b`)",
    "v7": "v3 (LEFT JOIN + `DISTINCT ON`) with binary coordinate arrays",
}
FLOORS = ("v0", "v0b")
LATENCY_LABELS = {
    "raw": "raw SQL: the statement(s) the service sends, replayed via one cursor",
    "service": "`kernel.boundaries.assignment.assign_point`, point in EPSG:25833",
    "service_wgs84": "`assign_point`, same point in WGS84 (as the locate endpoint passes it)",
    "to_storage": "`kernel.geo.coords.to_storage` alone, WGS84 → EPSG:25833",
}


@dataclass
class Run:
    """Timed runs of one bulk method; ``ids`` are commune version ids per point (-1 = outside)."""

    seconds: list[float]
    ids: np.ndarray

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def rate(self, n: int) -> float:
        return n / self.median


@dataclass
class Latency:
    """Per-call seconds of each single-point case, measured interleaved on the same points."""

    cases: dict[str, list[float]] = field(default_factory=lambda: {key: [] for key in LATENCY_LABELS})
    statements: int = 0
    warmup: int = 0


@dataclass
class EndpointResult:
    seconds: list[float] = field(default_factory=list)  # per request over HTTP: send, wait, read body
    in_process: list[float] = field(default_factory=list)  # same requests through django.test.Client
    errors: int = 0  # answers other than 200
    wrong: int = 0  # 200 answers naming another AGS than the bulk assignment of the same point
    warmup: int = 0


@dataclass
class Report:
    args: argparse.Namespace
    machine: dict[str, str]
    sizes: dict[str, tuple[int, int, int, int]]
    dense_build_s: float
    n_inside: int
    bulk: dict[tuple[str, str], Run]
    variants: dict[tuple[str, str], Run]
    tree_setup_s: dict[str, float]
    mismatches: dict[tuple[str, str], tuple[int, list[str]]]
    latency: Latency
    endpoint: EndpointResult


def ms(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000


def rate_cell(run: Run, n: int) -> str:
    """Median time with the spread over the rounds, then points/s at the median."""
    return f"{run.median:.2f} s ({min(run.seconds):.2f}–{max(run.seconds):.2f}) | {run.rate(n):,.0f}"


def data_table(r: Report) -> list[str]:
    lines = [
        "| data | communes | vertices | lookup parts (≤ 256 vertices) | part vertices |",
        "|---|--:|--:|--:|--:|",
    ]
    for key, (nc, vc, np_, vp) in r.sizes.items():
        lines.append(f"| {DATA_LABEL[key]} | {nc:,} | {vc:,} | {np_:,} | {vp:,} |")
    return lines


def mismatch_cell(r: Report, key: tuple[str, str]) -> str:
    count, examples = r.mismatches[key]
    return "0" if not count else f"**{count}** ({'; '.join(examples)})"


def bulk_table(r: Report) -> list[str]:
    n = r.args.points
    lines = [
        "| method | shipped: time | points/s | densified: time | points/s | dense ÷ shipped time | "
        "differences to (d) shipped (shipped / dense) |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for m, label in BULK_LABELS.items():
        s, d = r.bulk[m, "shipped"], r.bulk[m, "dense"]
        lines.append(
            f"| {label} | {rate_cell(s, n)} | {rate_cell(d, n)} | {d.median / s.median:.2f}× | "
            f"{mismatch_cell(r, (m, 'shipped'))} / {mismatch_cell(r, (m, 'dense'))} |"
        )
    return lines


def variant_table(r: Report) -> list[str]:
    n = r.args.points
    lines = [
        "| bulk SQL variant on the lookup parts | shipped: time | points/s | densified: time | points/s | "
        "differences to v1 (shipped / dense) |",
        "|---|--:|--:|--:|--:|---|",
    ]
    for v, label in VARIANTS.items():
        s, d = r.variants[v, "shipped"], r.variants[v, "dense"]
        diffs = [
            int(np.count_nonzero(run.ids != r.variants["v1", key].ids))
            for run, key in ((s, "shipped"), (d, "dense"))
        ]
        diff_cell = "— (no lookup)" if v in FLOORS else f"{diffs[0]} / {diffs[1]}"
        lines.append(f"| {v}: {label} | {rate_cell(s, n)} | {rate_cell(d, n)} | {diff_cell} |")
    return lines


def latency_table(r: Report) -> list[str]:
    lines = ["| single point | p50 ms | p95 ms | p99 ms | mean ms |", "|---|--:|--:|--:|--:|"]
    for key, label in LATENCY_LABELS.items():
        values = r.latency.cases[key]
        lines.append(
            f"| {label} | {ms(values, 50):.3f} | {ms(values, 95):.3f} | {ms(values, 99):.3f} | "
            f"{statistics.fmean(values) * 1000:.3f} |"
        )
    return lines


def endpoint_table(r: Report) -> list[str]:
    ep = r.endpoint
    lines = [
        "| path | requests | p50 ms | p95 ms | p99 ms | max ms | requests/s |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for label, s in (("HTTP via gunicorn", ep.seconds), ("in process, `django.test.Client`", ep.in_process)):
        lines.append(
            f"| {label} | {len(s):,} | {ms(s, 50):.2f} | {ms(s, 95):.2f} | {ms(s, 99):.2f} | "
            f"{max(s) * 1000:.2f} | {len(s) / sum(s):,.0f} |"
        )
    return lines


def ratios(r: Report) -> dict[str, float]:
    b, cases = r.bulk, r.latency.cases
    return {
        "a_b_shipped": b["a", "shipped"].median / b["b", "shipped"].median,
        "a_b_dense": b["a", "dense"].median / b["b", "dense"].median,
        "d_c_shipped": b["d", "shipped"].median / b["c", "shipped"].median,
        "d_c_dense": b["d", "dense"].median / b["c", "dense"].median,
        "d_rate": b["d", "shipped"].rate(r.args.points),
        "d_rate_dense": b["d", "dense"].rate(r.args.points),
        "overhead_p50_ms": ms(cases["service"], 50) - ms(cases["raw"], 50),
        "overhead_p99_ms": ms(cases["service"], 99) - ms(cases["raw"], 99),
    }


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def targets_table(r: Report, q: dict[str, float]) -> list[str]:
    ep_p99 = ms(r.endpoint.seconds, 99)
    return [
        "| target | measured | |",
        "|---|---|---|",
        f"| (b) ≥ 2× faster than (a) on the densified data | {q['a_b_dense']:.2f}× | {verdict(q['a_b_dense'] >= 2)} |",
        f"| bulk assignment (d) ≥ 50,000 points/s | {q['d_rate']:,.0f} points/s shipped "
        f"({q['d_rate_dense']:,.0f} densified) | {verdict(q['d_rate'] >= 50_000)} |",
        f"| locate endpoint p99 < 10 ms | {ep_p99:.2f} ms | {verdict(ep_p99 < 10)} |",
        f"| `assign_point` adds ≤ 1 ms over its raw SQL (p50, EPSG:25833 input) | "
        f"{q['overhead_p50_ms']:+.3f} ms (p99: {q['overhead_p99_ms']:+.3f} ms) | "
        f"{verdict(q['overhead_p50_ms'] <= 1)} |",
    ]


def findings(r: Report, q: dict[str, float]) -> list[str]:
    """Observations computed from this run's numbers, to point at what dominates each cost."""
    n, v, c = r.args.points, r.variants, r.latency.cases
    lookups = [name for name in VARIANTS if name not in FLOORS]
    best = {key: min(lookups, key=lambda name, k=key: v[name, k].median) for key in DATA_LABEL}
    http50, proc50 = ms(r.endpoint.seconds, 50), ms(r.endpoint.in_process, 50)
    same = (r.bulk["b", "shipped"].median, r.bulk["d", "shipped"].median)
    return [
        f"- Noise: (b) and (d) on the shipped data send the identical statement through the identical function; "
        f"their medians differ by {abs(same[0] - same[1]) / min(same):.0%}. Differences of that size between "
        "other rows say nothing.",
        f"- Binding: the same statement through Django's cursor (v2: coordinates rendered into the SQL text, "
        f"JIT per server default) takes {v['v2', 'shipped'].median / v['v1', 'shipped'].median:.2f}× the time "
        f"of the service (v1) on the shipped data, {v['v2', 'dense'].median / v['v1', 'dense'].median:.2f}× on "
        "the densified data.",
        f"- Transport floor (v0: same binding and fetching, no lookup): {v['v0', 'shipped'].median:.3f} s for "
        f"{n:,} points, {v['v0', 'shipped'].median / v['v1', 'shipped'].median:.0%} of v1 on the shipped data; "
        f"with the arrays bound as binary (v0b) {v['v0b', 'shipped'].median:.3f} s. The service statement with "
        f"binary arrays (v6) takes {v['v6', 'shipped'].median / v['v1', 'shipped'].median:.2f}× the time of v1 "
        f"shipped, {v['v6', 'dense'].median / v['v1', 'dense'].median:.2f}× densified.",
        *(
            f"- Fastest bulk form on the {DATA_LABEL[key]} data: {name} at {v[name, key].rate(n):,.0f} points/s "
            f"({v['v1', key].median / v[name, key].median:.2f}× v1)."
            for key, name in best.items()
        ),
        f"- Locate endpoint: p50 {http50:.2f} ms over HTTP, {proc50:.2f} ms in process (HTTP and gunicorn add "
        f"{http50 - proc50:.2f} ms). In process, `assign_point` with the WGS84 point takes "
        f"{ms(c['service_wgs84'], 50):.2f} ms (p50), of which {ms(c['to_storage'], 50):.2f} ms is "
        "`kernel.geo.coords.to_storage`; the rest of the request is routing, middleware, DRF and the JSON body.",
        f"- `assign_point` on an EPSG:25833 point: p50 {ms(c['service'], 50):.2f} ms against "
        f"{ms(c['raw'], 50):.2f} ms for its own SQL replayed raw ({q['overhead_p50_ms']:+.2f} ms of Python "
        "around the statement).",
    ]


def header(r: Report) -> list[str]:
    n, m = r.args.points, r.machine
    return [
        SECTION,
        "",
        f"- **Command** (repository root): `{r.args.command}`",
        f"- **Date**: {r.args.started:%Y-%m-%d %H:%M %Z}",
        f"- **Machine**: {m['cpu']}; {m['os']}",
        f"- **Database**: {m['db']}",
        f"- **Software**: {m['python']}",
        *([f"- **Note**: {m['note']}"] if m.get("note") else []),
        "",
        f"{n:,} points, uniform in Saxony's bounding box {SAXONY_BBOX_25833} (EPSG:25833, seed "
        f"{r.args.seed}); {r.n_inside:,} ({r.n_inside / n:.1%}) lie in a commune. The same points go to every "
        "method. Times are end to end from Python (send the coordinate arrays, execute, fetch the ids): median "
        "(in brackets the fastest and slowest round) "
        f"of {r.args.repeat} timed rounds after one warm-up round, each round running every bulk method and variant "
        "in turn (so load changes hit all of them alike). The densified copy (`ST_Segmentize(geom, "
        f"{SEGMENT_M:g})`, then subdivided like the import does) took {r.dense_build_s:.1f} s to build into "
        "`bench_*` tables, which are dropped afterwards.",
        "",
        *data_table(r),
    ]


def markdown(r: Report) -> str:
    q = ratios(r)
    setup = ", ".join(f"{DATA_LABEL[k]} {s:.2f} s" for k, s in r.tree_setup_s.items())
    lines = [
        *header(r),
        "",
        "### Bulk assignment",
        "",
        *bulk_table(r),
        "",
        f"Ratios: (a)/(b) = **{q['a_b_shipped']:.2f}×** shipped, **{q['a_b_dense']:.2f}×** densified; "
        f"(d)/(c) = {q['d_c_shipped']:.1f}× shipped, {q['d_c_dense']:.1f}× densified (the distance of the "
        "database path from the in-process CPU limit). (c) also needs a one-off setup (load WKB, prepare, "
        f"build the tree): {setup}. (a), (b) and (d) all go through `assign_many` (arrays bound server-side, "
        "`jit = off`) with only the statement swapped: (a) and (b) use the same statement shape on the two "
        "tables, (d) is the service's own `BULK_SQL` (on the densified data pointed at the dense parts).",
        "",
        "### Bulk SQL variants (experiments; the service uses v1)",
        "",
        *variant_table(r),
        "",
        f"### Single-point latency ({len(r.latency.cases['service']):,} calls on points inside Saxony, "
        f"after {r.latency.warmup} warm-up calls)",
        "",
        *latency_table(r),
        "",
        f"The service sends {r.latency.statements} statement(s) per point (lookup in `{PARTS}`); "
        "all cases run interleaved on the same points and the same connection.",
        "",
        "### Locate endpoint",
        "",
        "`GET /api/v1/communes/locate/?lon=&lat=` on gunicorn (`--workers 2 --threads 4`, "
        "`config.wsgi:application`, dev settings), one client sending sequential requests over one keep-alive "
        f"connection (`http.client`), {r.endpoint.warmup} warm-up requests not counted; the points are the "
        "in-Saxony random points transformed to WGS84. The in-process row sends the same requests through "
        f"Django's test client (no HTTP, no gunicorn). Non-200 answers: {r.endpoint.errors}; answers naming "
        f"another AGS than the bulk assignment: {r.endpoint.wrong}.",
        "",
        *endpoint_table(r),
        "",
        "### Targets",
        "",
        *targets_table(r, q),
        "",
        "### Observations (computed from the figures above)",
        "",
        *findings(r, q),
        "",
    ]
    return "\n".join(lines)


def write_doc(doc: Path, section: str) -> None:
    """Replace this script's section of ``doc`` (or append it), keeping every other section."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else DOC_HEADER
    start = text.find(SECTION)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section.rstrip("\n") + "\n" + ("" if end < 0 else text[end:])
    doc.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
