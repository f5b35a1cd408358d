"""Registry of personal data held by each app, for GDPR export and erasure.

Each app that keeps data about a person registers a section: ``export(user)``
returns JSON-ready data for the "my data" download, ``erase(user)`` removes or
anonymises it when the person deletes their account. Contributions are
exported through the contribution registry and stay, anonymised, after
erasure (others replied to them).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalDataSection:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None]
    order: int = 100


_sections: dict[str, PersonalDataSection] = {}


def register_section(section: PersonalDataSection) -> PersonalDataSection:
    _sections[section.name] = section
    return section


def sections() -> list[PersonalDataSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.name))
