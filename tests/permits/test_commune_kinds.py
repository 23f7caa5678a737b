"""A commune's kinds of special use (issue 29.3): a platform kind switched off is not offered and is
refused at submission (form and API, German 400), a commune's own kind is offered and applicable only
there, and the commune's own standard conditions are the ones copied into an approval."""

from __future__ import annotations

import json

import pytest

from domains.permits.kinds import kinds_available_in, standard_conditions_for
from domains.permits.models import Permit, PermitKind
from domains.permits.services import (
    OwnKindValues,
    PermitDraft,
    permit_create,
    permit_decide,
    permit_kind_own_create,
    permit_kind_setting_set,
)
from kernel.core.errors import ValidationFailed
from tests.permits.helpers import applicant, body, future
from tests.web.permit_data import SECRET_APPLICANT, geojson_text, local_input

pytestmark = pytest.mark.django_db

REFUSAL = "In dieser Gemeinde (Dresden) kann „Container/Mulde“ nicht beantragt werden."
# 20 m × 10 m near Leipzig's Markt.
LEIPZIG_BOX = {
    "type": "Polygon",
    "coordinates": [
        [
            [12.3760, 51.3410],
            [12.37628, 51.3410],
            [12.37628, 51.34109],
            [12.3760, 51.34109],
            [12.3760, 51.3410],
        ]
    ],
}


def _switch_off(world, slug: str = "container", conditions: str = "") -> PermitKind:
    kind = PermitKind.objects.get(slug=slug)
    permit_kind_setting_set(
        actor=world.users["admin_a"],
        organisation=world.dresden,
        kind=kind,
        enabled=False,
        standard_conditions=conditions,
    )
    return kind


def _own_kind(world, name: str = "Weihnachtsbaumverkauf", **values) -> PermitKind:
    return permit_kind_own_create(
        actor=world.users["admin_a"],
        organisation=world.dresden,
        values=OwnKindValues(name=name, description="Verkaufsstand im Advent", unit="m2_day", **values),
    )


def _slugs(kinds) -> list[str]:
    return [k.slug for k in kinds]


def test_a_switched_off_kind_is_not_offered_in_that_commune_only(world):
    _switch_off(world)
    assert "container" not in _slugs(kinds_available_in("14612000"))
    assert "container" not in _slugs(kinds_available_in(world.dresden))
    assert "container" in _slugs(kinds_available_in("14713000"))  # Leipzig still offers it
    assert "container" in _slugs(kinds_available_in(None))  # the platform's list


def test_a_switched_off_kind_is_refused_through_the_api_with_a_german_400(client, world):
    _switch_off(world)
    response = client.post("/api/v1/permits/", body(kind="container"), content_type="application/json")
    assert response.status_code == 400
    assert REFUSAL in json.dumps(response.json(), ensure_ascii=False)
    estimate = client.post(
        "/api/v1/permits/estimate/", body(kind="container"), content_type="application/json"
    )
    assert estimate.status_code == 400
    assert Permit.objects.count() == 0
    # The same kind in Leipzig is fine.
    leipzig = client.post(
        "/api/v1/permits/", body(kind="container", geometry=LEIPZIG_BOX), content_type="application/json"
    )
    assert leipzig.status_code == 201, leipzig.json()


def _form(**overrides) -> dict:
    return {
        "kind": "container",
        "start": local_input(10),
        "end": local_input(12, 18),
        "units": "1",
        "geometry": geojson_text(),
        "description": "Container für Bauschutt",
        **SECRET_APPLICANT,
        **overrides,
    }


def test_a_switched_off_kind_is_refused_through_the_form_with_a_german_400(client, world):
    _switch_off(world)
    response = client.post("/sondernutzung/beantragen/", _form())
    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    assert Permit.objects.count() == 0


def test_the_form_for_a_commune_leaves_out_its_switched_off_kinds(client, world):
    _switch_off(world)
    dresden = client.get("/sondernutzung/beantragen/", {"gemeinde": "14612000"}).content.decode()
    leipzig = client.get("/sondernutzung/beantragen/", {"gemeinde": "14713000"}).content.decode()
    assert 'value="container"' not in dresden and 'value="geruest"' in dresden
    assert 'value="container"' in leipzig


def test_a_deep_link_to_a_switched_off_kind_says_so(client, world):
    _switch_off(world)
    response = client.get("/sondernutzung/beantragen/", {"gemeinde": "14612000", "art": "container"})
    assert response.status_code == 404
    assert (
        "In dieser Gemeinde (Dresden) kann „Container/Mulde“ nicht beantragt werden."
        in response.content.decode()
    )


def test_the_api_kind_list_of_a_commune(client, world):
    _switch_off(world)
    own = _own_kind(world, occupies_carriageway=True)
    dresden = client.get("/api/v1/permit-kinds/", {"ags": "14612000"}).json()
    leipzig = client.get("/api/v1/permit-kinds/", {"ags": "14713000"}).json()
    platform = client.get("/api/v1/permit-kinds/").json()
    assert "container" not in _slugs_of(dresden) and own.slug in _slugs_of(dresden)
    mine = next(k for k in dresden if k["slug"] == own.slug)
    assert mine["commune_own"] is True and mine["occupies_carriageway"] is True
    assert own.slug not in _slugs_of(leipzig) and "container" in _slugs_of(leipzig)
    assert own.slug not in _slugs_of(platform)
    unknown = client.get("/api/v1/permit-kinds/", {"ags": "14999999"})
    assert unknown.status_code == 404 and "14999999" in unknown.json()["detail"]
    assert client.get("/api/v1/permit-kinds/", {"ags": "1461"}).status_code == 400


def _slugs_of(rows: list[dict]) -> list[str]:
    return [row["slug"] for row in rows]


def test_an_own_kind_is_offered_and_applicable_only_in_its_commune(client, world):
    own = _own_kind(world)
    assert own.slug.startswith("14612000-")
    assert own.slug in _slugs(kinds_available_in("14612000"))
    assert own.slug not in _slugs(kinds_available_in("14713000"))
    assert own.slug not in _slugs(kinds_available_in(None))
    dresden = client.get("/sondernutzung/beantragen/", {"gemeinde": "14612000"}).content.decode()
    assert "Weihnachtsbaumverkauf" in dresden
    assert "Weihnachtsbaumverkauf" not in client.get("/sondernutzung/beantragen/").content.decode()
    created = client.post("/api/v1/permits/", body(kind=own.slug), content_type="application/json")
    assert created.status_code == 201, created.json()
    in_leipzig = client.post(
        "/api/v1/permits/", body(kind=own.slug, geometry=LEIPZIG_BOX), content_type="application/json"
    )
    assert in_leipzig.status_code == 400
    assert "In dieser Gemeinde (Leipzig) kann „Weihnachtsbaumverkauf“ nicht beantragt werden." in json.dumps(
        in_leipzig.json(), ensure_ascii=False
    )
    assert Permit.objects.filter(kind=own).count() == 1


def test_after_an_estimate_the_form_offers_the_area_communes_own_kinds(client, world):
    _own_kind(world)
    response = client.post("/sondernutzung/beantragen/", _form(kind="geruest", action="estimate"))
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "Weihnachtsbaumverkauf" in html and 'name="gemeinde" value="14612000"' in html


def _approve(world, kind: str) -> Permit:
    permit = permit_create(
        draft=PermitDraft(
            kind=kind,
            geometry=body()["geometry"],
            start=future(3),
            end=future(5),
            applicant=applicant(),
        )
    ).permit
    return permit_decide(actor=world.users["caseworker_a"], public_id=permit.public_id, status="approved")


def test_the_communes_own_conditions_are_copied_at_the_decision(world):
    PermitKind.objects.filter(slug="container").update(standard_conditions="Plattform: Abläufe frei.")
    container = PermitKind.objects.get(slug="container")
    permit_kind_setting_set(
        actor=world.users["admin_a"],
        organisation=world.dresden,
        kind=container,
        enabled=True,
        standard_conditions="Dresden: Container nachts beleuchten.\nHydranten frei.",
    )
    assert standard_conditions_for(container, world.leipzig) == "Plattform: Abläufe frei."
    permit = _approve(world, "container")
    assert permit.standard_conditions == "Dresden: Container nachts beleuchten.\nHydranten frei."
    # A later change of the commune's text does not change the approval as issued.
    permit_kind_setting_set(
        actor=world.users["admin_a"],
        organisation=world.dresden,
        kind=container,
        enabled=True,
        standard_conditions="",
    )
    permit.refresh_from_db()
    assert "Dresden: Container" in permit.standard_conditions
    assert _approve(world, "container").standard_conditions == "Plattform: Abläufe frei."  # empty: default


def test_an_own_kinds_conditions_are_copied_at_the_decision(world):
    own = _own_kind(world, standard_conditions="Nur Sonntag bis Freitag.")
    assert _approve(world, own.slug).standard_conditions == "Nur Sonntag bis Freitag."


def test_another_communes_admin_cannot_change_the_settings(world):
    from django.contrib.auth import get_user_model

    from kernel.organisations.scoping import Forbidden
    from kernel.organisations.services import membership_set

    get_user_model().objects.create_user(username="admin_leipzig")
    membership_set(actor=None, organisation=world.leipzig, username="admin_leipzig", role="admin")
    stranger = get_user_model().objects.get(username="admin_leipzig")
    container = PermitKind.objects.get(slug="container")
    for who in (stranger, world.users["caseworker_a"]):
        with pytest.raises(Forbidden):
            permit_kind_setting_set(
                actor=who, organisation=world.dresden, kind=container, enabled=False, standard_conditions=""
            )
        with pytest.raises(Forbidden):
            permit_kind_own_create(actor=who, organisation=world.dresden, values=OwnKindValues(name="Zirkus"))
    assert "container" in _slugs(kinds_available_in(world.dresden))
    assert not PermitKind.objects.filter(organisation=world.dresden).exists()


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"name": ""}, "name", "Bitte einen Namen"),
        ({"name": "x" * 121}, "name", "höchstens 120 Zeichen"),
        ({"name": "container/MULDE"}, "name", "gibt es in Ihrer Gemeinde schon"),
        ({"name": "Zirkus", "unit": "furlong"}, "unit", "Gebührenbasis"),
        ({"name": "Zirkus", "standard_conditions": "x" * 4001}, "standard_conditions", "4.000 Zeichen"),
        ({"name": "Zirkus", "description": "x" * 1001}, "description", "1.000 Zeichen"),
    ],
)
def test_a_wrong_own_kind_is_refused_with_a_german_message_and_nothing_stored(world, values, field, fragment):
    with pytest.raises(ValidationFailed) as refused:
        permit_kind_own_create(
            actor=world.users["admin_a"],
            organisation=world.dresden,
            values=OwnKindValues(**{"unit": "m2_day", **values}),
        )
    assert fragment in " ".join(refused.value.errors[field])
    assert not PermitKind.objects.filter(organisation=world.dresden).exists()


def test_too_long_own_conditions_of_a_platform_kind_change_nothing(world):
    _switch_off(world)
    container = PermitKind.objects.get(slug="container")
    with pytest.raises(ValidationFailed):
        permit_kind_setting_set(
            actor=world.users["admin_a"],
            organisation=world.dresden,
            kind=container,
            enabled=True,
            standard_conditions="x" * 4001,
        )
    assert "container" not in _slugs(kinds_available_in(world.dresden))


def test_a_commune_prices_its_own_kinds_but_never_another_communes(world):
    """The Satzung page offers platform kinds and the commune's own; another commune's own kind is refused."""
    from domains.permits.selectors import permit_kinds_for_tariffs
    from domains.permits.services.fee_schedules import fee_schedule_create_draft, fee_schedule_set_tariff

    own = _own_kind(world)
    assert own.slug in _slugs(permit_kinds_for_tariffs(world.dresden.pk))
    assert own.slug not in _slugs(permit_kinds_for_tariffs(world.leipzig.pk))
    from kernel.organisations.services import membership_set

    membership_set(actor=None, organisation=world.leipzig, username="caseworker_b", role="admin")
    admin = world.users["caseworker_b"]
    draft = fee_schedule_create_draft(
        actor=admin,
        organisation=world.leipzig,
        values={"title": "Satzung Leipzig", "satzung_date": "12.03.2025", "valid_from": "2031-01-01"},
    )
    with pytest.raises(ValidationFailed) as refused:
        fee_schedule_set_tariff(
            actor=admin,
            organisation=world.leipzig,
            schedule=draft,
            values={"kind": own.slug, "rate": "1", "minimum_fee": "0", "admin_fee": "0"},
        )
    assert "kind" in refused.value.errors
    assert not draft.tariffs.filter(kind=own).exists()
