"""Personal data kept by apps above this layer that a platform-wide request must still cover.

A request by e-mail address (``shared.privacy.requests``) finds cases, mails and subscriptions itself. Citizen
accounts live higher up (``citizens``, which builds on privacy to delete an account), so they register
here in their ``AppConfig.ready`` — the same inversion as ``kernel.notifications.daily`` — and a request across
all organisations (``manage.py personal_data``) exports and erases them too. A commune's request does
not: an account belongs to the person and the platform, not to one commune.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonSource:
    name: str  # key in the export and in the erase counts
    label: str  # what the command's summary calls them ("Bürgerkonto/-konten")
    export: Callable[[str], list[dict[str, Any]]]  # records under the address
    erase: Callable[[str], int]  # erase them; returns how many


_SOURCES: dict[str, PersonSource] = {}


def register_person_source(
    name: str, *, label: str, export: Callable[[str], list[dict[str, Any]]], erase: Callable[[str], int]
) -> None:
    _SOURCES[name] = PersonSource(name=name, label=label, export=export, erase=erase)


def person_sources() -> list[PersonSource]:
    return list(_SOURCES.values())
