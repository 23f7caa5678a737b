"""How districts and communes are called and ordered wherever people read them.

Dresden, Leipzig and Chemnitz are *kreisfreie Städte*: the district record (AGS ``14612``) and the commune
(``14612000``) are the same city, so a list must never call the district "Landkreis Dresden" nor offer
the city twice. Two communes may share a name (Bernsdorf in the Landkreise Bautzen and Zwickau): their
label then names the district. Every list of communes or districts is ordered by German rules (ICU
collation ``german``, migration ``boundaries.0004``), so "Bärenstein" comes before "Burkhardtsdorf" –
byte order would put umlauts after "z".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db.models import Expression, F
from django.db.models.functions import Collate
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from kernel.boundaries.models import Commune, District

# ICU, German, digits as numbers ("Ortsteil 2" before "Ortsteil 10"); created by migration 0004.
GERMAN_COLLATION = "german"
# District.bez as the official data (VG250 BEZ, our shipped CSV) gives it for a city that is its own district.
CITY_BEZ = "kreisfreie stadt"


def german(field: str | Expression) -> Collate:
    """``field`` ordered by German rules: ``qs.order_by(german("name"), "ags")``."""
    return Collate(F(field) if isinstance(field, str) else field, GERMAN_COLLATION)


def german_sql(expression: str) -> str:
    """The SQL twin of :func:`german` for hand-written statements (``expression`` is SQL, never user text)."""
    return f'{expression} COLLATE "{GERMAN_COLLATION}"'


def city_sql(alias: str) -> str:
    """SQL: is the district ``alias`` a kreisfreie Stadt (the rule of :func:`is_city`)."""
    return f"(lower({alias}.bez) = '{CITY_BEZ}')"


def is_city(district: District) -> bool:
    """A kreisfreie Stadt: the district is one commune, which holds the district's seat and name."""
    return (district.bez or "").strip().lower() == CITY_BEZ


def district_kind(district: District) -> str:
    return _("kreisfreie Stadt") if is_city(district) else _("Landkreis")


def district_title(district: District) -> str:
    """ "Landkreis Leipzig" or "Leipzig (kreisfreie Stadt)": never two rows that read the same."""
    if is_city(district):
        return _("%(name)s (kreisfreie Stadt)") % {"name": district.name}
    return _("Landkreis %(name)s") % {"name": district.name}


def commune_labels(communes: Iterable[Commune], *, every_name: Sequence[str] | None = None) -> dict[int, str]:
    """Label per commune id: its name, with the district where another current commune has the same name.

    ``every_name``: the names of all communes in force (for a partial list such as search hits); default:
    the communes given. Needs ``commune.district`` (``communes_light()`` selects it).
    """
    communes = list(communes)
    counts = Counter(every_name if every_name is not None else (c.name for c in communes))
    return {
        c.pk: (f"{c.name}, {district_title(c.district)}" if counts[c.name] > 1 else c.name) for c in communes
    }
