"""Deep links that the state portal Amt24 and commune websites use to open a form for one commune.

``/?gemeinde=<AGS>`` opens "Mängel melden" centred on that commune with the categories it offers;
``/sondernutzung/beantragen/?gemeinde=<AGS>&art=<slug>`` opens the application centred on the commune with
the kind chosen. A key that is not 8 digits, a commune that does not exist (today) or an unknown kind is
said on the page, which stays usable (400/404 status, the form as without the parameter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from kernel.boundaries.selectors import commune_current
from shared.http.params import AGS8


@dataclass(frozen=True)
class CommuneLink:
    """The commune a page was opened for (``commune`` None when none or not found)."""

    commune: Any = None
    notice: str = ""
    status: int = 200

    @property
    def ags(self) -> str:
        return self.commune.ags if self.commune is not None else ""


def commune_link(request: HttpRequest) -> CommuneLink:
    value = request.GET.get("gemeinde", "").strip()
    if not value:
        return CommuneLink()
    if not AGS8.match(value):
        return CommuneLink(
            notice=_(
                "„%(value)s“ ist kein Gemeindeschlüssel (8 Ziffern). Bitte wählen Sie den Ort auf der Karte."
            )
            % {"value": value[:20]},
            status=400,
        )
    commune = commune_current(value)
    if commune is None:
        return CommuneLink(
            notice=_(
                "Eine sächsische Gemeinde mit dem Schlüssel %(ags)s gibt es nicht. Bitte wählen Sie den Ort auf der Karte."
            )
            % {"ags": value},
            status=404,
        )
    return CommuneLink(commune=commune)
