"""Forms of the staff pages: parse and validate input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from domains.reports.workflow import REPORT_WORKFLOW, ReportStatus
from kernel.cases.deadlines import DeadlineUnit
from kernel.organisations.models import Role


class LoginForm(AuthenticationForm):
    """Django's login form, plus the username length it only renders as ``maxlength`` but never checks:
    a longer name reached django-axes, whose failed-attempt record (255 characters) then failed with a 500.
    No such user can exist, so it is the ordinary "falsch" answer without trying to authenticate."""

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if len(username) > get_user_model()._meta.get_field("username").max_length:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return username


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Neuer Status", choices=ReportStatus.choices)
    public_note = forms.CharField(
        label="Öffentliche Notiz (für die meldende Person sichtbar)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    internal_note = forms.CharField(
        label="Interne Notiz (nur Verwaltung)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    template = forms.CharField(label="Textbaustein", required=False, max_length=100)


class InquiryForm(forms.Form):
    """Rückfrage an die meldende Person; the service checks the text and the reporter's address."""

    question = forms.CharField(
        label="Frage an die meldende Person",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        max_length=2000,
        help_text="Wird per E-Mail mit einem Antwortlink geschickt; bis zur Antwort ruht die Frist.",
    )
    visibility = forms.ChoiceField(
        label="Die Antwort erscheint im",
        choices=[("internal", "internen Verlauf (nur Verwaltung)"), ("public", "öffentlichen Verlauf")],
        initial="internal",
        widget=forms.RadioSelect,
    )


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label="Mitarbeiter/in", required=False)
    team = forms.ChoiceField(label="Kolonne", required=False)

    def __init__(self, *args, members=(), teams=(), roles=None, **kwargs) -> None:
        """``roles``: user id → role label in the report's organisation, shown after each name."""
        super().__init__(*args, **kwargs)
        roles = roles or {}
        self.fields["assignee"].choices = [
            ("", "— niemand —"),
            *[(u.username, _member_choice(u, roles.get(u.pk, ""))) for u in members],
        ]
        self.fields["team"].choices = [("", "— keine —"), *[(str(t.pk), t.name) for t in teams]]


def _member_choice(user, role: str) -> str:
    name = user.get_full_name() or user.username
    return f"{name} ({role})" if role else name


class ForwardForm(forms.Form):
    """Forward to one of ~420 organisations. No preselection: the first entry ("Adorf/Vogtl.") was sent
    whenever nobody chose (issue 26), so the empty "Bitte wählen" is first and the form rejects it. The
    plain select works without JavaScript; ``static/staff/select-search.js`` adds a filter field."""

    organisation = forms.ChoiceField(
        label="Weiterleiten an",
        error_messages={
            "required": "Bitte wählen Sie die Organisation, an die weitergeleitet werden soll.",
            "invalid_choice": "Diese Organisation gibt es nicht (mehr); bitte wählen Sie aus der Liste.",
        },
        widget=forms.Select(attrs={"data-searchable": "Organisation suchen"}),
    )
    reason = forms.CharField(label="Begründung", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)

    def __init__(self, *args, organisations=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            ("", "Bitte wählen"),
            *[(str(o.pk), o.name) for o in organisations],
        ]


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label="Meldungsnummer des Originals",
        max_length=12,
        widget=forms.TextInput(attrs={"placeholder": "SN-XXXX-XX"}),
    )
    public_note = forms.CharField(label="Öffentliche Notiz", required=False, max_length=4000)

    def __init__(self, *args, **kwargs) -> None:
        # The report page also has the status form's public_note: its own ids, so each label names its field.
        kwargs.setdefault("auto_id", "id_duplicate_%s")
        super().__init__(*args, **kwargs)


class ModerateForm(forms.Form):
    hide_description = forms.ChoiceField(
        label="Text der Meldung (Beschreibung und Ortsangabe)",
        required=False,
        choices=[("", "unverändert"), ("hide", "öffentlich verbergen"), ("show", "wieder zeigen")],
    )
    photos = forms.MultipleChoiceField(label="Fotos", required=False, widget=forms.CheckboxSelectMultiple)
    photo_action = forms.ChoiceField(
        label="Mit den gewählten Fotos",
        required=False,
        choices=[("hide", "verbergen"), ("show", "wieder zeigen")],
    )
    reason = forms.CharField(label="Grund", max_length=300)

    def __init__(self, *args, photos=(), **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_moderate_%s")  # the forward form on the same page has a "reason" too
        super().__init__(*args, **kwargs)
        self.fields["photos"].choices = [(str(p.pk), f"Foto {i}") for i, p in enumerate(photos, start=1)]


# The crew's two buttons, each with its status's own label (as in the history and on the public page).
CREW_STATUSES = [(s, REPORT_WORKFLOW.label(s)) for s in (ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED)]


class CrewUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=CREW_STATUSES)
    note = forms.CharField(
        label="Notiz", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    note_visibility = forms.ChoiceField(
        label="Die Notiz ist",
        choices=[("internal", "intern (nur für die Verwaltung)"), ("public", "öffentlich (auf der Meldung)")],
        required=False,
    )
    photo = forms.FileField(label="Foto nach der Erledigung (optional)", required=False)
    template = forms.CharField(label="Textbaustein", required=False, max_length=100)


# "Checked before publishing" per category: "" follows the catalogue's default.
REVIEW_CHOICES = {"": None, "sofort": False, "pruefen": True}


class CategorySettingReviewField(forms.TypedChoiceField):
    def __init__(self) -> None:
        super().__init__(
            label="Vor Veröffentlichung prüfen",
            choices=[(k, k) for k in REVIEW_CHOICES],
            coerce=REVIEW_CHOICES.get,
            empty_value=None,
            required=False,
            error_messages={
                "invalid_choice": "Bitte wählen: Vorgabe, sofort veröffentlichen oder erst prüfen."
            },
        )


class CategorySettingForm(forms.Form):
    enabled = forms.BooleanField(label="Angeboten", required=False)
    recipient_email = forms.EmailField(label="Empfänger-E-Mail", required=False)
    sla_days = forms.IntegerField(label="Frist (Tage)", required=False, min_value=1, max_value=365)
    # Absent (an older form, a script) means calendar days, as before working days existed.
    sla_unit = forms.ChoiceField(
        label="Fristart",
        choices=DeadlineUnit.choices,
        required=False,
        error_messages={"invalid_choice": "Bitte als Fristart Arbeitstage oder Kalendertage wählen."},
    )
    review = CategorySettingReviewField()


class MemberForm(forms.Form):
    username = forms.CharField(label="Benutzername", max_length=150)
    role = forms.ChoiceField(label="Rolle", choices=Role.choices)
    team = forms.CharField(label="Kolonne (Bauhof)", required=False, max_length=100)


class AreaForm(forms.Form):
    name = forms.CharField(label="Bezeichnung", max_length=200)
    priority = forms.IntegerField(label="Priorität", initial=10, min_value=-1000, max_value=1000)
    categories = forms.MultipleChoiceField(
        label="Kategorien", required=False, widget=forms.CheckboxSelectMultiple
    )
    all_categories = forms.BooleanField(label="Alle Kategorien", required=False)
    geojson = forms.FileField(label="Gebiet als GeoJSON-Datei (Polygon/MultiPolygon, WGS84)")

    def __init__(self, *args, categories=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [(c.slug, c.name) for c in categories]


class InviteForm(forms.Form):
    """The members page's invitation by e-mail (the service validates again and decides who may)."""

    email = forms.EmailField(
        label="E-Mail-Adresse",
        max_length=254,
        error_messages={"invalid": "Bitte eine gültige E-Mail-Adresse angeben (höchstens 254 Zeichen)."},
    )
    name = forms.CharField(label="Name (optional)", required=False, max_length=150)
    role = forms.ChoiceField(label="Rolle", choices=Role.choices)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_invite_%s")  # the member form on the same page has a "role" too
        super().__init__(*args, **kwargs)


def _required(attrs: dict[str, str]) -> dict[str, str]:
    return {"required": "required", **attrs}


class InvitationAccountForm(forms.Form):
    """New account from an invitation link. Not required here: the service
    (``kernel.organisations.email_invitations.invitation_accept_new``) checks and names every error once."""

    username = forms.CharField(
        label=_("Benutzername"),
        required=False,
        max_length=150,
        help_text=_("Buchstaben, Ziffern und @ . + - _; damit melden Sie sich künftig an."),
        widget=forms.TextInput(attrs=_required({"autocomplete": "username"})),
    )
    password = forms.CharField(
        label=_("Passwort"),
        required=False,
        help_text=_(
            "Mindestens 10 Zeichen, nicht nur Ziffern, kein gängiges Passwort, nicht ähnlich zum Namen."
        ),
        widget=forms.PasswordInput(attrs=_required({"autocomplete": "new-password"})),
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        required=False,
        widget=forms.PasswordInput(attrs=_required({"autocomplete": "new-password"})),
    )
