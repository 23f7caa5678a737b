"""The go-live checklist of an organisation (issue 29.6), computed from the data, never ticked by hand.

Each point is a :class:`Check`: whether it applies to an organisation (e.g. only when permits are on),
whether it is required, and a *batch* test that answers for many organisations at once with a fixed
number of queries — the operator page computes all 418 communes in one go. The kernel registers its own
points below (first admin with a second factor, confirmed recipient address, retention periods, embed
origins); ``domains.reports`` and ``domains.permits`` register theirs in their ``AppConfig.ready`` through
:func:`register_check`, because the kernel may not import the domains (import-linter). So the tariff
point follows a new fee model by changing only the permits side.

While a required point is missing the organisation is "in Vorbereitung": reports are still accepted and
routed, but the mail to its report recipient goes to a fallback (:func:`preparation_fallback`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kernel.organisations.directory_models import DirectoryFactor, SecondFactorSource, StaffDirectory
from kernel.organisations.models import (
    AuditEvent,
    Membership,
    Organisation,
    OrganisationKind,
    PlatformOperator,
    Role,
)

# An organisation → done?  Answers for all given organisations; the set holds the ids that are done.
BatchTest = Callable[[Sequence[Organisation]], set[int]]


@dataclass(frozen=True)
class Check:
    """One point of the checklist. ``url_name`` is the staff page that fixes it (``staff:…``)."""

    key: str
    label: str
    missing: str  # German sentence: what is missing and what to do
    done: str  # German sentence once done
    url_name: str
    test: BatchTest
    required: bool = True
    applies: Callable[[Organisation], bool] = lambda org: True
    order: int = 100


@dataclass(frozen=True)
class Point:
    """A check's answer for one organisation."""

    key: str
    label: str
    done: bool
    required: bool
    sentence: str
    url: str


@dataclass(frozen=True)
class Readiness:
    organisation: Organisation
    points: tuple[Point, ...]

    @property
    def ready(self) -> bool:
        """All required points done: the organisation has gone live (no longer "in Vorbereitung")."""
        return all(p.done for p in self.points if p.required)

    @property
    def missing(self) -> list[Point]:
        return [p for p in self.points if p.required and not p.done]

    @property
    def state_label(self) -> str:
        return "startklar" if self.ready else "in Vorbereitung"


_CHECKS: dict[str, Check] = {}


def register_check(check: Check) -> None:
    """Add (or replace, by key) a point; called in ``AppConfig.ready`` of the app that owns the data."""
    _CHECKS[check.key] = check


def checks() -> list[Check]:
    return sorted(_CHECKS.values(), key=lambda c: (c.order, c.key))


def _ids(organisations: Sequence[Organisation]) -> list[int]:
    return [o.pk for o in organisations]


def readiness_of_many(organisations: Iterable[Organisation]) -> dict[int, Readiness]:
    """The checklist of each organisation: one batch test per check, whatever their number."""
    orgs = list(organisations)
    results: list[tuple[Check, set[int]]] = []
    for check in checks():
        concerned = [o for o in orgs if check.applies(o)]
        results.append((check, check.test(concerned) if concerned else set()))
    base = {check.url_name: reverse(check.url_name) for check, _ in results}
    answer: dict[int, Readiness] = {}
    for org in orgs:
        points = []
        for check, done_ids in results:
            if not check.applies(org):
                continue
            done = org.pk in done_ids
            points.append(
                Point(
                    key=check.key,
                    label=check.label,
                    done=done,
                    required=check.required,
                    sentence=check.done if done else check.missing,
                    url=f"{base[check.url_name]}?organisation={org.pk}",
                )
            )
        answer[org.pk] = Readiness(organisation=org, points=tuple(points))
    return answer


def readiness_of(organisation: Organisation) -> Readiness:
    return readiness_of_many([organisation])[organisation.pk]


def audited(action: str) -> BatchTest:
    """A point done by a recorded act: an audit row ``action`` of the organisation (e.g. an admin
    confirmed the retention periods), which is never edited or deleted."""

    def test(organisations: Sequence[Organisation]) -> set[int]:
        rows = AuditEvent.objects.filter(action=action, organisation_id__in=_ids(organisations))
        return set(rows.values_list("organisation_id", flat=True).distinct())

    return test


def _admin_with_second_factor(organisations: Sequence[Organisation]) -> set[int]:
    """An active admin with a confirmed TOTP app, or one whose second factor the organisation's own
    directory has confirmed at sign-in (``directory_factor``) while that directory is active and trusted
    for it (``SecondFactorSource.PROVIDER``): such an admin may never have enrolled an app here."""
    device = TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)
    by_directory = DirectoryFactor.objects.filter(user_id=OuterRef("user_id"), confirmed=True).filter(
        name=Concat(Value("Verzeichnis "), Cast(OuterRef("organisation_id"), CharField()))
    )
    trusted = StaffDirectory.objects.filter(
        organisation_id=OuterRef("organisation_id"), active=True, second_factor=SecondFactorSource.PROVIDER
    )
    rows = Membership.objects.filter(
        organisation_id__in=_ids(organisations), role=Role.ADMIN, active=True, user__is_active=True
    ).filter(Exists(device) | (Exists(by_directory) & Exists(trusted)))
    return set(rows.values_list("organisation_id", flat=True).distinct())


def _recipient_confirmed(organisations: Sequence[Organisation]) -> set[int]:
    return {o.pk for o in organisations if o.email_confirmed}


def _embed_origins(organisations: Sequence[Organisation]) -> set[int]:
    return {o.pk for o in organisations if o.embed_origins.strip()}


def _is_commune(org: Organisation) -> bool:
    return org.kind == OrganisationKind.COMMUNE


register_check(
    Check(
        key="admin",
        label="Erste Administration mit zweitem Faktor",
        missing="Es gibt noch keine aktive Administration mit Zwei-Faktor-Anmeldung.",
        done="Mindestens eine aktive Administration meldet sich mit zweitem Faktor an.",
        url_name="staff:members",
        test=_admin_with_second_factor,
        order=10,
    )
)
register_check(
    Check(
        key="recipient",
        label="Empfangsadresse bestätigt",
        missing="Die E-Mail-Adresse für neue Meldungen fehlt oder ihr Empfang ist noch nicht bestätigt: "
        "Bitte eine Testmail senden und den Link darin öffnen.",
        done="Die E-Mail-Adresse für neue Meldungen ist bestätigt.",
        url_name="staff:settings",
        test=_recipient_confirmed,
        order=20,
    )
)
register_check(
    Check(
        key="retention",
        label="Aufbewahrungsfristen bestätigt",
        missing="Die Aufbewahrungsfristen sind noch nicht bestätigt oder festgelegt.",
        done="Die Aufbewahrungsfristen sind bestätigt.",
        url_name="staff:retention",
        test=audited("organisation.retention"),
        order=40,
    )
)
register_check(
    Check(
        key="embed",
        label="Einbettung auf der eigenen Internetseite",
        missing="Optional: Noch keine Internetseite darf die Karte der Gemeinde einbetten.",
        done="Die Karte darf auf den eingetragenen Internetseiten eingebettet werden.",
        url_name="staff:settings",
        test=_embed_origins,
        required=False,
        applies=_is_commune,
        order=90,
    )
)


@dataclass(frozen=True)
class Fallback:
    """Where mails for an organisation in preparation go instead, and who that is (named in the mail)."""

    email: str
    name: str


def in_preparation(organisation: Organisation) -> bool:
    """A commune whose required points are not all done yet."""
    return organisation.kind == OrganisationKind.COMMUNE and not readiness_of(organisation).ready


def preparation_fallback(organisation: Organisation) -> Fallback | None:
    """For a commune "in Vorbereitung": its district's organisation if that has a confirmed address, else
    the platform operator. None when the commune is live, or when neither exists — then the commune's own
    (unconfirmed) address is the best there is, and a report is never left without a recipient."""
    if not in_preparation(organisation):
        return None
    district = Organisation.objects.filter(
        kind=OrganisationKind.DISTRICT, ags=organisation.ags[:5], active=True
    ).first()
    if district is not None and district.email_confirmed:
        return Fallback(email=district.email, name=district.name)
    operator = PlatformOperator.objects.filter(pk=1).first()
    if operator is not None and operator.email:
        return Fallback(email=operator.email, name=operator.name)
    return None


STATES = {"ready": "startklar", "preparing": "in Vorbereitung"}


def readiness_overview(
    *, q: str = "", district: str = "", state: str = "", missing: str = ""
) -> list[Readiness]:
    """The operator page's rows: every active organisation matching the name search ``q`` and the
    district (5-digit AGS prefix), with its checklist, then filtered by ``state`` (``ready`` /
    ``preparing``) and by a ``missing`` point's key. A fixed number of queries for any number of
    organisations (one for the list, one per check)."""
    organisations = Organisation.objects.filter(active=True).order_by("name", "pk")
    if q:
        organisations = organisations.filter(name__icontains=q)
    if district:
        organisations = organisations.filter(ags__startswith=district)
    rows = list(readiness_of_many(organisations).values())
    if state in STATES:
        rows = [r for r in rows if r.ready is (state == "ready")]
    if missing:
        rows = [r for r in rows if any(p.key == missing for p in r.missing)]
    return rows


def commune_in_preparation(ags: str) -> bool:
    """For the public pages' one sentence: the commune's own organisation is still in preparation."""
    organisation = Organisation.objects.filter(kind=OrganisationKind.COMMUNE, ags=ags, active=True).first()
    return organisation is not None and in_preparation(organisation)
