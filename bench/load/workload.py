"""What the virtual users of a load run do: the endpoint mix, each request, and what counts as success.

Every request is recorded as a :class:`Result`. Report POSTs carry a unique marker in the description
(``load-<run>-<n>``) and staff PATCHes one in the internal note (``load-<run>-p<n>``), so that afterwards
the database can be checked against what the client was told (``bench/load/reconcile.py``).
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.load.client import Connection, ConnectionBroken, Response, multipart

# Where the citizens are: (name, lon, lat) in WGS84. Reports are posted, maps and tiles read around these.
CITIES = [("Dresden", 13.7373, 51.0504), ("Leipzig", 12.3731, 51.3397)]
DRESDEN_AGS = "14612000"
STAFF_TARGETS = ["in_review", "in_progress", "resolved", "rejected", "submitted"]

# Relative weights of the mixed run (citizen reads dominate, as on a real map site).
MIX = {
    "map_bbox": 15,
    "tile": 30,
    "page_html": 8,
    "report_api": 8,
    "o311_services": 3,
    "o311_requests": 6,
    "o311_request": 5,
    "staff_patch": 10,
    "report_post": 15,
}
# Outcomes that are the expected answer, per endpoint (409: an illegal status move, refused by design;
# 204: an empty tile).
EXPECTED = {
    "report_post": {201},
    "staff_patch": {200, 409},
    "tile": {200, 204},
}
TIMEOUT_S = 30.0


@dataclass
class Result:
    endpoint: str
    start: float  # seconds since the run started
    seconds: float
    status: int = 0  # 0: no HTTP answer (see error)
    error: str = ""  # "", "timeout", "broken"
    marker: str = ""
    public_id: str = ""
    retry_after: str = ""
    content_type: str = ""
    german: bool = False  # a 503 body carried the German message
    detail: str = ""
    vu: int = 0  # virtual user
    reused: int = 0  # requests its connection had carried before this one (0: a fresh connection)

    @property
    def ok(self) -> bool:
        return self.status in EXPECTED.get(self.endpoint, {200})


@dataclass
class Workload:
    """Inputs for the virtual users: ids to read and patch, the photo, the staff token, a run id."""

    run_id: str
    photo: bytes
    categories: list[str]
    read_ids: list[str]
    patch_ids: list[str]
    staff_token: str
    mix: dict[str, int] = field(default_factory=lambda: dict(MIX))
    timeout: float = TIMEOUT_S
    _seq: int = 0

    def next_marker(self, kind: str = "") -> str:
        self._seq += 1
        return f"load-{self.run_id}-{kind}{self._seq:06d}"

    def pick(self, rng: random.Random) -> str:
        names = list(self.mix)
        return rng.choices(names, weights=[self.mix[n] for n in names])[0]


# --- geometry helpers ------------------------------------------------------------------------------------


def around(rng: random.Random, km: float) -> tuple[float, float]:
    _, lon, lat = rng.choice(CITIES)
    dlat = rng.uniform(-km, km) / 111.2
    dlon = rng.uniform(-km, km) / (111.2 * math.cos(math.radians(lat)))
    return lon + dlon, lat + dlat


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    """Web-Mercator (EPSG:3857) tile of a WGS84 point at zoom ``z``."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


# --- one request per endpoint -----------------------------------------------------------------------------


def _request_for(endpoint: str, w: Workload, rng: random.Random) -> tuple[str, str, dict, bytes, str]:
    """(method, path, headers, body, marker) of one request to ``endpoint``."""
    if endpoint == "map_bbox":
        lon, lat = around(rng, 3)
        half = rng.uniform(0.5, 1.5) / 111.2
        bbox = f"{lon - 1.6 * half:.5f},{lat - half:.5f},{lon + 1.6 * half:.5f},{lat + half:.5f}"
        return "GET", "/api/v1/reports/?" + urlencode({"bbox": bbox, "page_size": 500}), {}, b"", ""
    if endpoint == "tile":
        z = rng.randint(10, 16)
        x, y = tile_xy(*around(rng, 6), z)
        return "GET", f"/tiles/reports/{z}/{x}/{y}.pbf", {}, b"", ""
    if endpoint == "page_html":
        return "GET", f"/meldungen/{rng.choice(w.read_ids)}/", {"Accept": "text/html"}, b"", ""
    if endpoint == "report_api":
        return "GET", f"/api/v1/reports/{rng.choice(w.read_ids)}/", {}, b"", ""
    if endpoint == "o311_services":
        return "GET", "/open311/v2/services.json", {}, b"", ""
    if endpoint == "o311_requests":
        ags = rng.choice([DRESDEN_AGS, "14713000"])
        return "GET", f"/open311/v2/requests.json?jurisdiction_id={ags}&status=open", {}, b"", ""
    if endpoint == "o311_request":
        return "GET", f"/open311/v2/requests/{rng.choice(w.read_ids)}.json", {}, b"", ""
    if endpoint == "staff_patch":
        marker = w.next_marker("p")
        body = json.dumps({"status": rng.choice(STAFF_TARGETS), "internal_note": marker}).encode()
        headers = {"Authorization": f"Token {w.staff_token}", "Content-Type": "application/json"}
        return "PATCH", f"/api/v1/staff/reports/{rng.choice(w.patch_ids)}/", headers, body, marker
    if endpoint == "report_post":
        marker = w.next_marker()
        lon, lat = around(rng, 4)
        fields = {
            "category": rng.choice(w.categories),
            "description": marker,
            "lon": f"{lon:.6f}",
            "lat": f"{lat:.6f}",
        }
        content_type, body = multipart(fields, [("photos", "PXL_load.jpg", "image/jpeg", w.photo)])
        return "POST", "/api/v1/reports/", {"Content-Type": content_type}, body, marker
    raise ValueError(endpoint)


def _describe(result: Result, response: Response, endpoint: str) -> None:
    result.status = response.status
    result.retry_after = response.header("retry-after")
    result.content_type = response.header("content-type")
    text = response.body[:2000].decode("utf-8", "replace")
    if response.status == 201 and endpoint == "report_post":
        result.public_id = json.loads(response.body).get("id", "")
    if response.status >= 500:
        result.german = "vorübergehend nicht erreichbar" in text
        result.detail = " ".join(text.split())[:200]


async def one_request(
    conn: Connection, w: Workload, endpoint: str, rng: random.Random, t0: float, vu: int = 0
) -> Result:
    method, path, headers, body, marker = _request_for(endpoint, w, rng)
    start = time.monotonic()
    result = Result(endpoint=endpoint, start=start - t0, seconds=0.0, marker=marker, vu=vu)
    try:
        response = await conn.request(method, path, headers=headers, body=body, timeout=w.timeout)
        _describe(result, response, endpoint)
    except TimeoutError:
        result.error = "timeout"
    except ConnectionBroken as exc:
        result.error = "broken"
        result.detail = str(exc)[:200]
    result.seconds = time.monotonic() - start
    result.reused = conn.reused
    return result


async def virtual_user(
    port: int,
    w: Workload,
    seed: int,
    t0: float,
    deadline: float,
    budget: list[int],
    out: list[Result],
    vu: int,
) -> None:
    """Closed loop: request, record, repeat until the deadline or the shared request budget is used up."""
    rng = random.Random(seed)
    conn = Connection("127.0.0.1", port)
    try:
        while time.monotonic() < deadline and budget[0] > 0:
            budget[0] -= 1
            out.append(await one_request(conn, w, w.pick(rng), rng, t0, vu))
    finally:
        conn.close()


async def run_load(
    port: int, w: Workload, *, users: int, seconds: float, max_requests: int, seed: int = 1
) -> tuple[list[Result], float]:
    """``users`` concurrent virtual users for at most ``seconds`` and ``max_requests``; (results, wall s)."""
    t0 = time.monotonic()
    out: list[Result] = []
    budget = [max_requests]
    await asyncio.gather(
        *(virtual_user(port, w, seed * 1000 + i, t0, t0 + seconds, budget, out, i) for i in range(users))
    )
    return out, time.monotonic() - t0


def save_results(results: list[Result], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")


def load_results(path: Path) -> list[Result]:
    return [Result(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]


def summarise(results: list[Result], wall: float) -> list[dict[str, Any]]:
    """Per endpoint: requests, rps, p50/p95/p99 (ms), unexpected answers, and the status counts."""
    from bench.common import percentile

    rows = []
    for endpoint in [*MIX, "total"]:
        rs = results if endpoint == "total" else [r for r in results if r.endpoint == endpoint]
        if not rs:
            continue
        ms = [r.seconds * 1000 for r in rs]
        statuses: dict[str, int] = {}
        for r in rs:
            key = r.error or str(r.status)
            statuses[key] = statuses.get(key, 0) + 1
        rows.append(
            {
                "endpoint": endpoint,
                "requests": len(rs),
                "rps": len(rs) / wall,
                "p50": percentile(ms, 50),
                "p95": percentile(ms, 95),
                "p99": percentile(ms, 99),
                "max": max(ms),
                "errors": sum(1 for r in rs if not r.ok),
                "statuses": dict(sorted(statuses.items())),
            }
        )
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | answers |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        answers = ", ".join(f"{k}×{v}" for k, v in r["statuses"].items())
        name = f"**{r['endpoint']}**" if r["endpoint"] == "total" else f"`{r['endpoint']}`"
        lines.append(
            f"| {name} | {r['requests']:,} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} "
            f"| {r['p99']:.0f} | {r['max']:.0f} | {r['errors']} ({100 * r['errors'] / r['requests']:.2f} %) "
            f"| {answers} |"
        )
    return "\n".join(lines)
