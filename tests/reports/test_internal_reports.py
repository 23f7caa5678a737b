"""Staff mark a report "intern" (issue 30 item 1): it is absent from every public output — REST API,
Open311, OGC API, vector tiles and their pre-aggregated counts, Atom feeds, open data, statistics, map
GeoJSON, the nearby list, public pages — and every public count drops by one; un-marked, all is as before.
The reporter's own tracking link keeps working and says the report is not public."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import feedparser
import mapbox_vector_tile
import pytest

from domains.reports.models import Report
from domains.reports.selectors import commune_figures, reports_public_total
from domains.reports.services.visibility import report_set_internal
from domains.reports.statistics import compute_statistics
from domains.reports.tiles.counts import count_differences
from interfaces.opendata.export import export_opendata
from tests.api.test_tiles import tile_of
from tests.factories import DRESDEN, make_report
from tests.staff_world import World

pytestmark = pytest.mark.django_db

DRESDEN_AGS = "14612000"
NEAR = (DRESDEN[0] + 0.0001, DRESDEN[1])  # ~7 m east: same tiles, same "nearby" circle


@dataclass(frozen=True)
class Seen:
    """What one public output shows: which of the test's reports (None: it lists none, only counts) and
    its count of reports (None: it shows no count)."""

    ids: frozenset[str] | None
    count: int | None = None


Output = Callable[..., Seen]


def _listing(url: str) -> Output:
    def seen(client, ids: list[str], **_) -> Seen:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.content.decode()
        return Seen(frozenset(i for i in ids if i in body))

    return seen


def _by_id(url: str) -> Output:
    """One report by its id: 200 when public; an internal one answers exactly like an unknown id."""

    def seen(client, ids: list[str], **_) -> Seen:
        found = set()
        for public_id in ids:
            response = client.get(url.format(id=public_id))
            unknown = client.get(url.format(id="SN-0000-00000"))
            assert response.status_code in (200, unknown.status_code), (url, response.status_code)
            if response.status_code == 200:
                found.add(public_id)
            else:
                assert response.content.decode().replace(public_id, "X") == unknown.content.decode().replace(
                    "SN-0000-00000", "X"
                )
        return Seen(frozenset(found))

    return seen


def _feed(url: str) -> Output:
    def seen(client, ids: list[str], **_) -> Seen:
        entries = feedparser.parse(client.get(url).content).entries
        return Seen(frozenset(i for i in ids if any(i in e.id for e in entries)))

    return seen


def _ogc_items(client, ids: list[str], **_) -> Seen:
    body = client.get("/ogcapi/collections/reports/items?f=json&limit=100").json()
    listed = {f["id"] for f in body["features"]}
    assert body["numberMatched"] == len(listed)  # the count is what the public can list
    return Seen(frozenset(listed & set(ids)), body["numberMatched"])


def _ogc_matched(client, ids: list[str], **_) -> Seen:
    """A page shorter than everything: numberMatched comes from the pre-aggregated counts."""
    body = client.get("/ogcapi/collections/reports/items?f=json&limit=1").json()
    return Seen(None, body["numberMatched"])


def _tile(client, lonlat: tuple[float, float], z: int) -> list[dict]:
    _, x, y = tile_of(*lonlat, z)
    response = client.get(f"/tiles/reports/{z}/{x}/{y}.pbf")
    assert response.status_code in (200, 204)
    data = response.content
    return mapbox_vector_tile.decode(data)["reports"]["features"] if data else []


def _tile_points(client, ids: list[str], **_) -> Seen:
    features = _tile(client, DRESDEN, 16)
    return Seen(frozenset(f["properties"].get("id") for f in features) & set(ids), len(features))


def _tile_clusters(client, ids: list[str], **_) -> Seen:
    return Seen(None, sum(f["properties"]["count"] for f in _tile(client, DRESDEN, 12)))


def _tile_communes(client, ids: list[str], **_) -> Seen:
    counts = [
        f["properties"]["count"]
        for f in _tile(client, DRESDEN, 5)
        if f["properties"]["commune"] == DRESDEN_AGS
    ]
    return Seen(None, sum(counts))


def _open_data(client, ids: list[str], *, tmp_path: Path, settings, **_) -> Seen:
    settings.OPENDATA_ROOT = str(tmp_path / "opendata")
    day = dt.date(2026, 12, 4)
    result = export_opendata(day=day)
    with (tmp_path / "opendata" / day.isoformat() / "meldungen-sachsen.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert result["reports"] == len(rows)
    return Seen(frozenset(r["id"] for r in rows) & set(ids), len(rows))


def _statistics(kind: str, ags: str = "") -> Output:
    def seen(client, ids: list[str], **_) -> Seen:
        return Seen(None, compute_statistics(kind, ags).summary.total)

    return seen


def _statistics_csv(client, ids: list[str], **_) -> Seen:
    """The public statistics download: "Meldungen insgesamt" of Dresden."""
    from django.core.cache import cache

    cache.clear()  # the figures are cached per scope for STATISTICS_CACHE_SECONDS, as for a new report
    response = client.get(f"/statistik/gemeinden/{DRESDEN_AGS}/kennzahlen.csv")
    assert response.status_code == 200
    rows = list(csv.reader(response.content.decode("utf-8-sig").splitlines(), delimiter=";"))
    rows = rows if len(rows[0]) > 1 else list(csv.reader(response.content.decode("utf-8-sig").splitlines()))
    return Seen(None, int(next(r[1] for r in rows if r[0] == "Meldungen insgesamt")))


OUTPUTS: dict[str, Output] = {
    "rest list (map GeoJSON)": _listing("/api/v1/reports/?bbox=13.7,51.0,13.8,51.1&page_size=100"),
    "rest detail": _by_id("/api/v1/reports/{id}/"),
    "rest nearby (Bereits gemeldet)": _listing(f"/api/v1/reports/nearby/?lon={DRESDEN[0]}&lat={DRESDEN[1]}"),
    "open311 list json": _listing("/open311/v2/requests.json"),
    "open311 list xml": _listing("/open311/v2/requests.xml"),
    "open311 by id": _by_id("/open311/v2/requests/{id}.json"),
    "open311 token": _by_id("/open311/v2/tokens/{id}.json"),
    "ogcapi items": _ogc_items,
    "ogcapi numberMatched (counts)": _ogc_matched,
    "ogcapi item": _by_id("/ogcapi/collections/reports/items/{id}?f=json"),
    "tiles z16 points": _tile_points,
    "tiles z12 clusters": _tile_clusters,
    "tiles z5 commune counts": _tile_communes,
    "feed all": _feed("/feeds/meldungen.atom"),
    "feed commune": _feed(f"/feeds/gemeinden/{DRESDEN_AGS}.atom"),
    "feed of the report": _by_id("/feeds/meldungen/{id}.atom"),
    "open data export": _open_data,
    "statistics state": _statistics("state"),
    "statistics commune": _statistics("commune", DRESDEN_AGS),
    "statistics csv download": _statistics_csv,
    "public total (downloads page)": lambda client, ids, **_: Seen(None, reports_public_total()),
    "commune figures": lambda client, ids, **_: Seen(None, commune_figures(DRESDEN_AGS).open),
    "report list page": _listing("/meldungen/"),
    "commune page": _listing(f"/gemeinden/{DRESDEN_AGS}/"),
    "report page": _by_id("/meldungen/{id}/"),
}


@pytest.fixture
def pair(world: World, django_capture_on_commit_callbacks) -> tuple[Report, Report]:
    with django_capture_on_commit_callbacks(execute=True):
        shown = make_report(lonlat=DRESDEN, description="Schlagloch vor der Kreuzkirche").report
        hidden = make_report(lonlat=NEAR, description="Schlagloch vor dem Haus Nr. 5").report
    return shown, hidden


def _mark(world: World, report: Report, internal: bool, capture) -> None:
    with capture(execute=True):  # the tiles are dropped after the commit
        report_set_internal(
            actor=world.users["caseworker_a"], public_id=report.public_id, internal=internal, reason="Test"
        )


@pytest.mark.parametrize("name", OUTPUTS)
def test_an_internal_report_is_absent_from_every_public_output_and_counts_drop_by_one(
    client, world, pair, name, tmp_path, settings, django_capture_on_commit_callbacks
):
    shown, hidden = pair
    ids = [shown.public_id, hidden.public_id]
    output = OUTPUTS[name]
    extra = {"tmp_path": tmp_path, "settings": settings}
    before = output(client, ids, **extra)
    if before.ids is not None:
        assert before.ids == set(ids), name

    _mark(world, hidden, True, django_capture_on_commit_callbacks)
    after = output(client, ids, **extra)
    if after.ids is not None:
        assert after.ids == {shown.public_id}, name
    if before.count is not None:
        assert after.count == before.count - 1, name

    _mark(world, hidden, False, django_capture_on_commit_callbacks)
    assert output(client, ids, **extra) == before, name
    assert count_differences() == 0  # the pre-aggregated counts equal a fresh count of public reports


def test_public_counts_equal_what_the_public_can_list(
    client, world, pair, django_capture_on_commit_callbacks
):
    _mark(world, pair[1], True, django_capture_on_commit_callbacks)
    listed = client.get("/ogcapi/collections/reports/items?f=json&limit=100").json()["features"]
    in_dresden = [f for f in listed if f["properties"]["commune"]["ags"] == DRESDEN_AGS]
    assert reports_public_total() == len(listed)
    assert compute_statistics("state").summary.total == len(listed)
    assert compute_statistics("commune", DRESDEN_AGS).summary.total == len(in_dresden)
    assert _tile_communes(client, []).count == len(in_dresden)
    assert count_differences() == 0


def test_reporters_tracking_link_keeps_working_and_says_it_is_not_public(
    client, world, django_capture_on_commit_callbacks
):
    created = make_report(lonlat=DRESDEN)
    report = created.report
    _mark(world, report, True, django_capture_on_commit_callbacks)
    response = client.get(f"/meldungen/{report.public_id}/verfolgen/{created.tracking_token}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nicht öffentlich." in body and report.public_id in body
    assert f"/meldungen/{report.public_id}/ergaenzen/" not in body  # public forms would 404 for it
    assert client.get(f"/meldungen/{report.public_id}/verfolgen/falsch/").status_code == 404
    assert client.get(f"/meldungen/{report.public_id}/").status_code == 404


def test_photos_of_an_internal_report_are_private(client, world, django_capture_on_commit_callbacks):
    from tests.factories import photo
    from tests.staff_world import login

    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(lonlat=DRESDEN, photos=[photo()]).report
    url = report.photos.get().image.url
    assert client.get(url).status_code == 200
    _mark(world, report, True, django_capture_on_commit_callbacks)
    assert client.get(url).status_code == 404
    login(client, "caseworker_a")
    response = client.get(url)
    assert response.status_code == 200 and "private" in response.get("Cache-Control", "")


def test_the_public_can_neither_support_nor_follow_an_internal_report(
    client, world, django_capture_on_commit_callbacks
):
    report = make_report(lonlat=DRESDEN).report
    _mark(world, report, True, django_capture_on_commit_callbacks)
    supported = client.post(
        f"/api/v1/reports/{report.public_id}/support/", {}, content_type="application/json"
    )
    assert supported.status_code == 404
    followed = client.post(
        f"/api/v1/reports/{report.public_id}/follow/",
        {"email": "nachbar@example.org"},
        content_type="application/json",
    )
    assert followed.status_code == 404
    report.refresh_from_db()
    assert report.supporters == 0


def test_area_alerts_leave_internal_reports_out(world, django_capture_on_commit_callbacks):
    from shared.subscriptions.models import Subscription, SubscriptionKind
    from shared.subscriptions.selectors import reports_for_alert

    shown = make_report(lonlat=DRESDEN).report
    hidden = make_report(lonlat=NEAR).report
    _mark(world, hidden, True, django_capture_on_commit_callbacks)
    subscription = Subscription.objects.create(
        kind=SubscriptionKind.COMMUNE, ags=DRESDEN_AGS, email="a@example.org", email_digest="x"
    )
    since = shown.created - dt.timedelta(minutes=1)
    found = set(reports_for_alert(subscription, since=since, until=since + dt.timedelta(hours=1)))
    assert shown in found and hidden not in found


def test_counts_rebuild_leaves_internal_reports_out(world, pair, django_capture_on_commit_callbacks):
    from domains.reports.tiles.counts import rebuild_counts

    _mark(world, pair[1], True, django_capture_on_commit_callbacks)
    before = reports_public_total()
    with django_capture_on_commit_callbacks(execute=True):
        rebuild_counts()
    assert reports_public_total() == before == Report.objects.filter(internal=False).count()


def test_status_changes_of_an_internal_report_leave_the_counts_exact(
    world, pair, django_capture_on_commit_callbacks
):
    from tests.factories import set_status

    _mark(world, pair[1], True, django_capture_on_commit_callbacks)
    before = reports_public_total(statuses=["in_review"])
    set_status(pair[1], "in_review")
    assert reports_public_total(statuses=["in_review"]) == before
    assert count_differences() == 0


def test_followers_get_no_status_mail_of_an_internal_report_but_the_reporter_does(
    world, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from kernel.notifications.models import OutgoingMail
    from shared.subscriptions.models import Subscription, SubscriptionKind, email_digest
    from tests.factories import set_status

    report = make_report(lonlat=DRESDEN, email="meldend@example.org").report
    follower = "nachbar@example.org"
    Subscription.objects.create(
        kind=SubscriptionKind.REPORT,
        report=report,
        email=follower,
        email_digest=email_digest(follower),
        confirmed=timezone.now(),
    )
    set_status(report, "in_review", public_note="Wir prüfen das.")
    assert OutgoingMail.objects.filter(kind="report.status", to=follower).count() == 1
    _mark(world, report, True, django_capture_on_commit_callbacks)
    set_status(report, "in_progress", public_note="Die Polizei ist informiert.")
    assert OutgoingMail.objects.filter(kind="report.status", to=follower).count() == 1  # none since
    assert OutgoingMail.objects.filter(kind="report.status", to="meldend@example.org").count() == 2
