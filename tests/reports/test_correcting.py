"""Staff correct a report (issue #30 item 1): another category, or the point moved — across a commune
boundary too, where the report is handed over, the old commune loses access and the counts stay exact."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.db.models import Sum

from domains.reports.models import CommuneCategorySetting, Report, ReportCount
from domains.reports.services import report_change_category, report_move
from domains.reports.tiles.counts import count_differences
from kernel.cases.deadlines import due_from
from kernel.cases.tracking import tracking_url
from kernel.core.errors import ValidationFailed
from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import AuditEvent
from kernel.organisations.scoping import Forbidden
from tests.factories import DRESDEN, LEIPZIG
from tests.staff_world import World, login, state

pytestmark = pytest.mark.django_db

LEIPZIG_AUGUSTUSPLATZ = (12.3810, 51.3390)


def counts(commune_id: int) -> int:
    return ReportCount.objects.filter(commune_id=commune_id).aggregate(n=Sum("n"))["n"] or 0


def full_state(report: Report) -> tuple:
    """``state`` plus everything a correction touches."""
    before = state(report)
    return (
        *before,
        report.category_id,
        report.commune_id,
        report.location.wkt,
        report.due,
        dict(report.attributes),
        report.nearest_address,
        AuditEvent.objects.filter(object_type="report", object_id=str(report.pk)).count(),
    )


def test_cross_boundary_move_hands_over(client, world: World):
    world.leipzig.email = "maengel@leipzig.example"
    world.leipzig.save()
    report, caseworker = world.own, world.users["caseworker_a"]
    dresden_commune, dresden_before = report.commune_id, counts(report.commune_id)
    leipzig_commune = world.other.commune_id
    leipzig_before = counts(leipzig_commune)
    OutgoingMail.objects.all().delete()
    login(client, "crew_a")
    assert report.public_id in client.get("/bauhof/").content.decode()

    report_move(
        actor=caseworker, public_id=report.public_id, lon=LEIPZIG[0], lat=LEIPZIG[1], note="Foto zeigt Markt"
    )

    report.refresh_from_db()
    assert report.commune_id == leipzig_commune and report.organisation == world.leipzig
    assert report.assignee is None and report.team is None  # Dresden's crew does not follow it
    assert report.district_id == world.other.district_id
    # Tile counts: one less in Dresden, one more in Leipzig, exact against a recount.
    assert counts(dresden_commune) == dresden_before - 1
    assert counts(leipzig_commune) == leipzig_before + 1
    assert count_differences() == 0
    # The new organisation is told through the outbox; the reporter gets no status mail for a correction.
    mails = list(OutgoingMail.objects.all())
    assert [(m.kind, m.to) for m in mails] == [("report.forwarded", "maengel@leipzig.example")]
    assert "Ort berichtigt" in mails[0].body and f"ist {world.leipzig.name} zuständig" in mails[0].body
    # History: the correction and the hand-over, public; Dresden's internal note stays with Dresden.
    rows = list(report.history.order_by("id"))
    assert rows[-2].public_note.startswith("Ort berichtigt") and rows[-2].internal_note == "Foto zeigt Markt"
    assert rows[-1].public_note == f"Die Meldung wurde an {world.leipzig.name} übergeben."
    assert {r.organisation_id for r in rows[-2:]} == {world.dresden.pk}
    actions = set(
        AuditEvent.objects.filter(object_type="report", object_id=str(report.pk)).values_list(
            "action", "organisation_id"
        )
    )
    assert {("report.move", world.dresden.pk), ("report.handover", world.dresden.pk)} <= actions
    assert ("report.handover", world.leipzig.pk) in actions
    # Access: Dresden 404, Leipzig sees it, the reporter's tracking link still works.
    login(client, "caseworker_a")
    assert client.get(f"/verwaltung/meldungen/{report.public_id}/").status_code == 404
    login(client, "crew_a")  # the Dresden crew it was assigned to: gone from its phone too
    assert client.get(f"/verwaltung/meldungen/{report.public_id}/").status_code == 404
    assert report.public_id not in client.get("/bauhof/").content.decode()
    login(client, "caseworker_b")
    page = client.get(f"/verwaltung/meldungen/{report.public_id}/")
    assert page.status_code == 200 and "Foto zeigt Markt" not in page.content.decode()
    client.logout()
    assert client.get(urlsplit(tracking_url(report)).path).status_code == 200


def test_move_within_commune_keeps_organisation_and_refreshes_address(world: World):
    report = world.own
    before_history = report.history.count()
    report_move(actor=world.users["caseworker_a"], public_id=report.public_id, lon="13,7410", lat="51,0520")
    report.refresh_from_db()
    assert report.organisation == world.dresden and report.assignee is not None
    assert abs(report.location.transform(4326, clone=True).x - 13.741) < 1e-6
    assert report.history.count() == before_history + 1
    assert count_differences() == 0


@pytest.mark.parametrize(
    ("lon", "lat", "field", "text"),
    [
        (13.40, 52.52, "location", "außerhalb Sachsens"),  # Berlin
        (51.05, 13.74, "location", "vertauscht"),
        ("abc", 51.05, "lon", "Zahl"),
        ("", "", "location", "Bitte geben Sie den Ort an"),
        (13.7373, 51.0504, "location", "unverändert"),
    ],
)
def test_bad_moves_change_nothing(world: World, lon, lat, field, text):
    report = world.own
    before = full_state(report)
    with pytest.raises(ValidationFailed) as info:
        report_move(actor=world.users["caseworker_a"], public_id=report.public_id, lon=lon, lat=lat)
    assert text in info.value.errors[field][0]
    assert full_state(report) == before


def test_crew_may_not_correct(world: World):
    with pytest.raises(Forbidden):
        report_move(actor=world.users["crew_a"], public_id=world.own.public_id, lon=13.74, lat=51.052)
    with pytest.raises(Forbidden):
        report_change_category(actor=world.users["crew_a"], public_id=world.own.public_id, category="gehweg")


def test_category_change_recomputes_due_and_counts(world: World):
    report = world.own
    CommuneCategorySetting.objects.create(ags="14612000", category_id=_cat("strassenlaterne"), sla_days=3)
    old_category = report.category_id
    report_change_category(
        actor=world.users["caseworker_a"],
        public_id=report.public_id,
        category="strassenlaterne",
        attributes={"fault": "dark"},
    )
    report.refresh_from_db()
    assert report.category.slug == "strassenlaterne"
    # Three calendar days after the day it came in, at the end of that day (Berlin): kernel.cases.deadlines.
    assert report.due == due_from(report.created, 3, "calendar")
    assert report.attributes == {"fault": "dark"}
    assert report.history.order_by("id").last().public_note == (
        "Kategorie berichtigt: Schlagloch → Straßenlaterne defekt."
    )
    assert (
        ReportCount.objects.filter(commune=report.commune, category_id=old_category).aggregate(n=Sum("n"))[
            "n"
        ]
        == Report.objects.filter(commune=report.commune, category_id=old_category).count()
    )
    assert count_differences() == 0
    assert AuditEvent.objects.filter(action="report.category", object_id=str(report.pk)).exists()


def _cat(slug: str) -> int:
    from domains.reports.models import Category

    return Category.objects.get(slug=slug).pk


def _with_size(report: Report, size: str = "large") -> None:
    Report.objects.filter(pk=report.pk).update(attributes={"size": size, "depth_cm": 7})
    report.refresh_from_db()


def test_category_change_drops_answers_the_new_category_does_not_ask(world: World):
    report = world.own
    _with_size(report)
    report_change_category(actor=world.users["caseworker_a"], public_id=report.public_id, category="gehweg")
    report.refresh_from_db()
    assert report.attributes == {}
    assert "depth_cm, size" in report.history.order_by("id").last().internal_note


def test_category_change_refuses_an_answer_that_no_longer_fits(world: World):
    """Both categories ask "size", with other choices: refused unless staff drop it or answer anew."""
    from domains.reports.models import CategoryAttribute

    CategoryAttribute.objects.create(
        category_id=_cat("gehweg"),
        code="size",
        datatype="singlevaluelist",
        description="Wie groß ist der Schaden?",
        values=[{"key": "small", "name": "klein"}, {"key": "huge", "name": "riesig"}],
    )
    report = world.own
    _with_size(report, "large")
    before = full_state(report)
    with pytest.raises(ValidationFailed) as info:
        report_change_category(
            actor=world.users["caseworker_a"], public_id=report.public_id, category="gehweg"
        )
    assert "„large“ ist keine der möglichen Antworten" in info.value.errors["attributes[size]"][0]
    with pytest.raises(ValidationFailed):  # a wrong new answer is never dropped silently
        report_change_category(
            actor=world.users["caseworker_a"],
            public_id=report.public_id,
            category="gehweg",
            attributes={"size": "giant"},
            drop_unfit=True,
        )
    assert full_state(report) == before
    report_change_category(
        actor=world.users["caseworker_a"], public_id=report.public_id, category="gehweg", drop_unfit=True
    )
    report.refresh_from_db()
    assert report.category.slug == "gehweg" and report.attributes == {}


@pytest.mark.parametrize(
    ("category", "text"),
    [("gibtsnicht", "Unbekannte Kategorie „gibtsnicht“"), ("schlagloch", "bereits"), ("", "Bitte wählen")],
)
def test_bad_category_changes_nothing(world: World, category, text):
    report = world.own
    before = full_state(report)
    with pytest.raises(ValidationFailed) as info:
        report_change_category(
            actor=world.users["caseworker_a"], public_id=report.public_id, category=category
        )
    assert text in info.value.errors["category"][0]
    assert full_state(report) == before


def test_nul_in_an_answer_is_refused_before_postgresql_sees_it(world: World):
    before = full_state(world.own)
    with pytest.raises(ValidationFailed) as info:
        report_change_category(
            actor=world.users["caseworker_a"],
            public_id=world.own.public_id,
            category="strassenlaterne",
            attributes={"pole_number": "1\x00"},
        )
    assert "NUL" in info.value.errors["attributes"][0]
    assert full_state(world.own) == before


def test_category_the_commune_does_not_offer_is_refused(world: World):
    CommuneCategorySetting.objects.create(ags="14612000", category_id=_cat("graffiti"), enabled=False)
    before = full_state(world.own)
    with pytest.raises(ValidationFailed) as info:
        report_change_category(
            actor=world.users["caseworker_a"], public_id=world.own.public_id, category="graffiti"
        )
    assert "nicht angeboten" in info.value.errors["category"][0]
    assert full_state(world.own) == before


def test_other_commune_cannot_correct(world: World):
    from kernel.core.errors import NotFound

    with pytest.raises(NotFound):
        report_move(actor=world.users["caseworker_b"], public_id=world.own.public_id, lon=12.38, lat=51.34)


def test_cross_boundary_move_refreshes_both_communes_cached_tiles(
    client, world: World, django_capture_on_commit_callbacks
):
    """The cached tiles of both places (points at z16, commune badges at z8) are rebuilt at once after the
    commit: the report leaves Dresden's and appears in Leipzig's."""
    from tests.reports.test_tile_cache import features, tile_at, url

    def seen() -> tuple[set, set, dict]:
        at_dresden = {
            f["properties"].get("id") for f in features(client.get(url(tile_at(*DRESDEN, 16))).content)
        }
        at_leipzig = {
            f["properties"].get("id") for f in features(client.get(url(tile_at(*LEIPZIG, 16))).content)
        }
        badges = {
            f["properties"]["commune"]: f["properties"]["count"]
            for f in features(client.get(url(tile_at(*DRESDEN, 7))).content)
        }
        return at_dresden, at_leipzig, badges

    report = world.own
    dresden_before, leipzig_before, badges_before = seen()  # now cached
    assert report.public_id in dresden_before and report.public_id not in leipzig_before
    with django_capture_on_commit_callbacks(execute=True):
        report_move(
            actor=world.users["caseworker_a"], public_id=report.public_id, lon=LEIPZIG[0], lat=LEIPZIG[1]
        )
    dresden_after, leipzig_after, badges_after = seen()
    assert dresden_after == dresden_before - {report.public_id}
    assert leipzig_after == leipzig_before | {report.public_id}
    assert badges_after["14612000"] == badges_before["14612000"] - 1
    assert badges_after["14713000"] == badges_before["14713000"] + 1
