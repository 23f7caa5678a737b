"""Extra questions per category (``CategoryAttribute``): the catalogue, validation in report_create."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from domains.reports.attributes import clean_attributes, unknown_attribute_codes
from domains.reports.catalogue import ATTRIBUTES
from domains.reports.models import Category, CategoryAttribute, Report
from domains.reports.services import categories_load_defaults
from kernel.core.errors import ValidationFailed
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def schlagloch() -> Category:
    return Category.objects.get(slug="schlagloch")


def test_catalogue_attributes_are_loaded_valid_and_idempotent():
    expected = sum(len(items) for items in ATTRIBUTES.values())
    assert CategoryAttribute.objects.count() == expected
    for attr in CategoryAttribute.objects.all():
        attr.full_clean()  # the value lists are usable by the validator
    categories_load_defaults()
    categories_load_defaults()
    assert CategoryAttribute.objects.count() == expected
    used = set(CategoryAttribute.objects.values_list("datatype", flat=True))
    assert used == {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def test_a_changed_attribute_is_restored_by_the_loader_but_extra_ones_are_kept():
    size = CategoryAttribute.objects.get(category=schlagloch(), code="size")
    size.description = "verändert"
    size.save()
    own = CategoryAttribute.objects.create(
        category=schlagloch(), code="lane", datatype="string", description="Fahrspur"
    )
    categories_load_defaults()
    size.refresh_from_db()
    assert size.description == "Wie groß ist das Schlagloch?"
    assert CategoryAttribute.objects.filter(pk=own.pk).exists()


def test_answers_are_cleaned_per_datatype():
    assert clean_attributes(schlagloch(), {"size": "large", "depth_cm": "7,5"}) == {
        "size": "large",
        "depth_cm": 7.5,
    }
    assert clean_attributes(schlagloch(), {"depth_cm": "12"}) == {"depth_cm": 12}
    muell = Category.objects.get(slug="muellablagerung")
    cleaned = clean_attributes(
        muell, {"waste_types": ["bulky", "tyres", "bulky"], "observed_at": "2026-11-25T12:00:00Z"}
    )
    assert cleaned == {"waste_types": ["bulky", "tyres"], "observed_at": "2026-11-25T13:00:00+01:00"}
    assert clean_attributes(muell, {"waste_types": "household,tyres"})["waste_types"] == [
        "household",
        "tyres",
    ]
    # Local time when the client sends no offset (summer: +02:00).
    assert clean_attributes(muell, {"observed_at": "2026-07-01T08:30"}) == {
        "observed_at": "2026-07-01T08:30:00+02:00"
    }


@pytest.mark.parametrize(
    ("answers", "field", "fragment"),
    [
        ({"size": "riesig"}, "attribute[size]", "keine der möglichen Antworten (small, medium, large)"),
        ({"size": ["small", "large"]}, "attribute[size]", "genau ein Wert"),
        ({"depth_cm": "tief"}, "attribute[depth_cm]", "bitte eine Zahl"),
        ({"depth_cm": "inf"}, "attribute[depth_cm]", "zu groß oder ungültig"),
    ],
)
def test_bad_answers_get_a_german_message_under_the_clients_field_name(answers, field, fragment):
    with pytest.raises(ValidationFailed) as exc:
        clean_attributes(schlagloch(), answers, prefix="attribute")
    assert fragment in exc.value.errors[field][0]


def test_required_informational_and_unknown_attributes():
    category = schlagloch()
    CategoryAttribute.objects.filter(category=category, code="size").update(required=True)
    CategoryAttribute.objects.create(
        category=category, code="hint", variable=False, datatype="string", description="Nur ein Hinweis"
    )
    with pytest.raises(ValidationFailed) as exc:
        clean_attributes(category, {"size": "  ", "hint": "x"}, prefix="attribute")
    assert exc.value.errors == {"attribute[size]": ["Bitte geben Sie an: Wie groß ist das Schlagloch?"]}
    # Informational attributes store nothing; unknown codes are reported to the caller, not stored.
    assert clean_attributes(category, {"size": "small", "hint": "x", "fixmystreet_id": "9"}) == {
        "size": "small"
    }
    assert unknown_attribute_codes(category, ["size", "hint", "fixmystreet_id"]) == ["fixmystreet_id", "hint"]


def test_report_create_stores_the_answers_and_refuses_bad_ones_with_the_other_errors():
    from domains.reports.services import ReportDraft, report_create

    draft = ReportDraft(
        category="schlagloch",
        description="Loch",
        lon=13.7373,
        lat=51.0504,
        attributes={"size": "medium", "other": "ignored"},
    )
    report = report_create(draft=draft).report
    assert Report.objects.get(pk=report.pk).attributes == {"size": "medium"}

    bad = ReportDraft(
        category="schlagloch",
        description="",
        lon=13.7373,
        lat=51.0504,
        attributes={"size": "xl"},
        field_names={"attributes": "attribute"},
    )
    with pytest.raises(ValidationFailed) as exc:
        report_create(draft=bad)
    assert set(exc.value.errors) == {"description", "attribute[size]"}
    assert Report.objects.count() == 1


def test_reports_without_answers_still_work_everywhere():
    assert make_report(category="schlagloch").report.attributes == {}


def test_admin_validation_of_value_lists():
    attr = CategoryAttribute(category=schlagloch(), code="x", datatype="singlevaluelist", description="X")
    with pytest.raises(ValidationError):
        attr.full_clean()
    attr.values = [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}]
    with pytest.raises(ValidationError):
        attr.full_clean()
    attr.datatype, attr.values = "string", [{"key": "a", "name": "A"}]
    with pytest.raises(ValidationError):
        attr.full_clean()
