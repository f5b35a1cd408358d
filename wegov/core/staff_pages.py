"""The staff hub: one page listing the work pages each person may open.

The service navigation used to carry a link per staff page (sixteen items
for an administrator). Now it carries one, "Staff pages", and each app
registers its work pages here once, with the same permission its view
checks, so the hub never lists a page that would refuse the person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import rules
from django.urls import reverse


@dataclass(frozen=True)
class StaffPage:
    key: str  # stable machine name
    label: Any  # translatable title, as the page's own h1
    description: Any  # one translatable sentence: what is done there
    url_name: str
    # A rules permission name the view checks, or a callable (user) -> bool.
    allowed: str | Callable[[Any], bool]
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def allows(self, user) -> bool:
        if callable(self.allowed):
            return bool(self.allowed(user))
        # The rules set itself, not user.has_perm: a refusal there falls
        # through to Django's model backend and costs queries.
        return rules.has_perm(self.allowed, user)


_pages: dict[str, StaffPage] = {}


def register(page: StaffPage) -> StaffPage:
    _pages[page.key] = page
    return page


def pages() -> list[StaffPage]:
    return sorted(_pages.values(), key=lambda page: (page.order, page.key))


def pages_by_key() -> dict[str, StaffPage]:
    return dict(_pages)


def available_to(user) -> list[StaffPage]:
    """The work pages ``user`` may open, in the hub's order."""
    if not user.is_authenticated:
        return []
    return [page for page in pages() if page.allows(user)]
