"""Issue 26: a fee breakdown adds up, in every output.

For random areas, periods, tariffs and fee zones each line is rounded once (half up, to the cent) and the
total is the sum of the lines — in ``compute_fee`` (hypothesis), and for seeded random applications in
everything a person reads: the estimate API, the stored permit, the tracking page, the staff page, the
applicant's and the commune's mail and the Gebührenbescheid (PDF text, pdftotext)."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domains.permits.fees import ZoneShare, compute_fee
from domains.permits.models import FeeSchedule, FeeUnit, Notice, NoticeKind, Permit, PermitKind, Tariff
from kernel.core.amounts import format_amount
from kernel.notifications.models import OutgoingMail
from tests.permits.helpers import applicant, future
from tests.permits.notice_helpers import configure_bank, pdf_text, stored_bytes
from tests.staff_world import login

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
CENT = Decimal("0.01")
GERMAN_AMOUNT = r"\d{1,3}(?:\.\d{3})*,\d{2}"


def money(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places)


@st.composite
def fee_cases(draw: st.DrawFn) -> dict:
    area = draw(money("0.01", "20000", 2))
    shares = draw(st.lists(st.integers(0, 50), max_size=2))  # percent of the area per zone, ≤ 100 in all
    start = dt.datetime(2026, 1, 1, tzinfo=BERLIN) + dt.timedelta(hours=draw(st.integers(0, 24 * 800)))
    return {
        "area": area,
        "zones": [
            ZoneShare(f"Z{i}", draw(money("0.1", "3", 2)), (area * share / 100).quantize(CENT))
            for i, share in enumerate(shares)
        ],
        "start": start,
        "end": start + dt.timedelta(hours=draw(st.integers(1, 24 * 400))),
        "unit": draw(st.sampled_from(FeeUnit.values)),
        "units": draw(st.integers(1, 20)),
        "rates": [draw(money("0.0001", "60", 4)) for _ in range(2)],
        "change_after_days": draw(st.integers(1, 400)),  # a second version from then on
        "minimum": draw(money("0", "150", 2)),
        "admin": draw(money("0", "60", 2)),
    }


def _fee_for(case: dict):
    kind = PermitKind.objects.create(slug="zufall", name="Zufallsnutzung", unit=case["unit"])
    change = case["start"].date() + dt.timedelta(days=case["change_after_days"])
    common = {"kind": kind, "unit": case["unit"], "admin_fee": case["admin"]}
    versions = [
        FeeSchedule.objects.create(
            ags="09999999",
            title=title,
            satzung_date=begin,
            valid_from=begin,
            valid_to=until,
            state="published",
        )
        for title, begin, until in (("alt", dt.date(2020, 1, 1), change), ("neu", change, None))
    ]
    Tariff.objects.create(schedule=versions[0], rate=case["rates"][0], minimum_fee=case["minimum"], **common)
    Tariff.objects.create(schedule=versions[1], rate=case["rates"][1], **common)
    return compute_fee(
        ags="09999999",
        kind=kind,
        start=case["start"],
        end=case["end"],
        area_m2=case["area"],
        units=case["units"],
        zones=case["zones"],
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=fee_cases())
def test_each_line_is_rounded_once_and_the_lines_add_up_to_the_total(case):
    with transaction.atomic():  # each example its own tariffs
        fee = _fee_for(case)
        transaction.set_rollback(True)
    assert fee.complete and fee.lines
    for line in fee.lines:
        assert line.amount.as_tuple().exponent == -2, line
        assert line.amount == (line.quantity * line.rate).quantize(CENT, rounding=ROUND_HALF_UP), line
    assert sum(line.amount for line in fee.lines) == fee.total
    assert fee.total >= case["minimum"] + case["admin"]
    data = fee.as_dict()
    assert all(re.fullmatch(r"\d+\.\d{2}", line["amount"]) for line in data["lines"])
    assert re.fullmatch(r"\d+\.\d{2}", data["total"])
    assert sum(Decimal(line["amount"]) for line in data["lines"]) == Decimal(data["total"])
    # what the pages print adds up as well
    assert sum(_german(format_amount(line["amount"])) for line in data["lines"]) == _german(
        format_amount(data["total"])
    )


# --- through every output, for seeded random applications -------------------------------------------


def _german(text: str) -> Decimal:
    """ "1.234,50" → Decimal("1234.50")."""
    return Decimal(text.replace(".", "").replace(",", "."))


def _rectangle(rng: random.Random) -> dict:
    """A random rectangle in Dresden across the east edge of the demo fee zone "Innenstadt" (lon 13.750),
    so most areas have a line without and one with the zone factor 1.5."""
    west = 13.750 - rng.uniform(0, 0.0008)
    east = 13.750 + rng.uniform(0.00003, 0.0008)
    south = 51.050 + rng.uniform(0, 0.001)
    north = south + rng.uniform(0.00003, 0.0006)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 7), round(y, 7)] for x, y in ring]]}


def _check(lines: list[Decimal], total: Decimal, where: str) -> None:
    assert lines, f"{where}: no fee lines found"
    assert sum(lines) == total, f"{where}: {lines} do not add up to {total}"


def _page_lines(html: str) -> tuple[list[Decimal], Decimal]:
    """The citizen's fee table: each row's amount cell and the total."""
    table = html.split('class="fee-table"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    lines = [_german(a) for a in re.findall(rf'<td class="num">({GERMAN_AMOUNT})\s€</td>', body)]
    total = re.search(rf'class="fee-total">({GERMAN_AMOUNT})\s€', table).group(1)
    return lines, _german(total)


def _staff_lines(html: str) -> tuple[list[Decimal], Decimal]:
    """The staff page's fee table: the last cell of each row ("Betrag (€)") and the sum."""
    table = html.split("<h2>Gebühr</h2>", 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = body.split("</tr>")[:-1]
    lines = [_german(re.findall(r"<td[^>]*>([^<]*)</td>", row)[-1]) for row in rows]
    total = re.search(rf"<strong>({GERMAN_AMOUNT})</strong>", table.split("<tfoot>", 1)[1]).group(1)
    return lines, _german(total)


def _mail_lines(body: str, total_label: str) -> tuple[list[Decimal], Decimal]:
    lines = [_german(a) for a in re.findall(rf"^  .*: ({GERMAN_AMOUNT}) EUR$", body, flags=re.M)]
    total = re.search(rf"^{total_label}: ({GERMAN_AMOUNT}) EUR$", body, flags=re.M).group(1)
    return lines, _german(total)


def _notice_lines(text: str) -> tuple[list[Decimal], Decimal]:
    """The Gebührenbescheid's table as pdftotext lays it out: rows end with their amount."""
    table = text.split("Betrag (EUR)", 1)[1].split("Festgesetzte Gebühr", 1)
    lines = [_german(a) for a in re.findall(rf"\s({GERMAN_AMOUNT})\s*$", table[0], flags=re.M)]
    total = re.match(rf"\s*({GERMAN_AMOUNT})", table[1]).group(1)
    return lines, _german(total)


@pytest.mark.parametrize("seed", range(4))
def test_the_lines_add_up_to_the_total_in_every_output(client, world, tmp_path, seed):
    rng = random.Random(2600 + seed)
    configure_bank(world.dresden)
    # an odd rate, so the lines have fractions of a cent before rounding
    Tariff.objects.filter(schedule__ags="14612000", kind__slug="geruest").update(
        rate=Decimal(rng.randint(1, 9999)) / 10000, minimum_fee=Decimal(rng.randint(0, 3000)) / 100
    )
    start_days = rng.randint(2, 20)
    application = {
        "kind": "geruest",
        "geometry": _rectangle(rng),
        "start": future(start_days, rng.randint(0, 20)),
        "end": future(start_days + rng.randint(0, 90), 22),
        "applicant": applicant(),
    }

    estimate = client.post("/api/v1/permits/estimate/", application, content_type="application/json")
    assert estimate.status_code == 200, estimate.content
    fee = estimate.json()["fee"]
    _check([Decimal(line["amount"]) for line in fee["lines"]], Decimal(fee["total"]), "estimate API")

    created = client.post("/api/v1/permits/", application, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["fee"] == fee  # the estimate is what is stored
    permit = Permit.objects.get(public_id=body["id"])
    _check([Decimal(line["amount"]) for line in permit.fee_lines], permit.fee_total, "stored permit")
    assert f"{permit.fee_total:.2f}" == fee["total"]

    _check(*_page_lines(client.get(body["tracking_url"]).content.decode()), "tracking page")
    for kind, label in (
        ("permit.received", "Voraussichtliche Gebühr"),
        ("permit.new", "Gebühr \\(vorläufig\\)"),
    ):
        _check(*_mail_lines(OutgoingMail.objects.get(kind=kind).body, label), f"mail {kind}")

    login(client, "caseworker_a")
    staff = client.get(f"/verwaltung/sondernutzungen/{permit.public_id}/")
    _check(*_staff_lines(staff.content.decode()), "staff page")

    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens['caseworker_a']}"
    decided = client.patch(
        f"/api/v1/staff/permits/{permit.public_id}/", {"status": "approved"}, content_type="application/json"
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["payment"]["amount"] == fee["total"]
    notice = Notice.objects.get(permit=permit, kind=NoticeKind.FEE)
    lines, total = _notice_lines(pdf_text(stored_bytes(notice), tmp_path))
    _check(lines, total, "Gebührenbescheid")
    assert total == permit.fee_total
