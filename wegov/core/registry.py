"""The contribution registry.

Every kind of thing a citizen creates (report, proposal, debate, budget
project, request/offer, action, conversation...) registers here once, saying
how to present itself, which of its rows a user authored, and how to export
them. The map, activity feed, search, follows, comments, flags, open-data
export and the GDPR "my data" export all work through this registry, so a new
kind appears everywhere by registering once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models


@functools.cache
def _presented_relations(model: type[models.Model]) -> tuple[str, ...]:
    user_model = settings.AUTH_USER_MODEL.lower()
    return tuple(
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation
        and (f.many_to_one or f.one_to_one)
        and f.related_model._meta.label_lower != user_model
    )


@dataclass(frozen=True)
class Presentation:
    """How a contribution shows itself outside its own app."""

    kind: str
    id: int
    title: str
    url: str
    status: str = ""
    summary: str = ""
    lat: float | None = None
    lon: float | None = None
    category: str = ""
    district: str = ""
    public: bool = True
    # Where the contribution lives, for follows and the activity feed.
    process_id: int | None = None
    author_id: int | None = None


@dataclass(frozen=True)
class MapSpec:
    """How a kind shows on the one map (``wegov.mapview``), which indexes it."""

    # The rows that belong on the public map: visible, published, with a point.
    # Takes the kind's base queryset, returns it filtered.
    public: Callable[[models.QuerySet], models.QuerySet]
    # (value, label) of the statuses the map filters offer, labels translated on use.
    statuses: Callable[[], list[tuple[str, Any]]]
    # (value, label) of the categories (report categories, proposal topics...).
    categories: Callable[[], list[tuple[str, Any]]]
    # Other models whose saves change which of this kind's rows are on the map:
    # (model, instance -> queryset of this kind's rows to look at again).
    depends_on: tuple[tuple[type[models.Model], Callable[[Any], models.QuerySet]], ...] = ()


@dataclass(frozen=True)
class ContributionKind:
    kind: str  # stable machine name, e.g. "report"
    label: Any  # translatable human name, e.g. _("Problem report")
    model: type[models.Model]
    author_field: str  # FK to the user who created it
    present: Callable[[models.Model], Presentation]
    # Fields of a row that go into the author's data export.
    export_fields: tuple[str, ...] = field(default_factory=tuple)
    # Boolean field moderation sets; lists, feeds, map, search, API and
    # exports leave out rows where it is true.
    hidden_field: str = "is_hidden"
    # Comments: None means the kind takes no comments. Otherwise a callable
    # (user, obj) -> None when the user may comment now, or a translated
    # reason why not (wrong phase, closed debate...), shown to the user.
    comment_policy: Callable[[Any, models.Model], str | None] | None = None
    # Whether comments on this kind take a stance (for / against / neutral).
    comment_stances: bool = False
    # Whether logged-in users may flag it for moderation.
    flaggable: bool = True
    # Presents many rows at once: (rows) -> {pk: Presentation}. For kinds
    # whose present() reads more than the row's own foreign keys (a comment
    # presents itself through its target); without it, present() per row.
    present_many: Callable[[list[models.Model]], dict[Any, Presentation]] | None = None
    # How it shows on the one map; None: the kind has no place on a map.
    map: MapSpec | None = None

    @property
    def commentable(self) -> bool:
        return self.comment_policy is not None

    def get(self, object_id) -> models.Model:
        """The row, hidden or not; raises ``self.model.DoesNotExist``."""
        return self.model._default_manager.get(pk=object_id)

    def visible(self) -> models.QuerySet:
        return self.model._default_manager.filter(**{self.hidden_field: False})

    def is_hidden(self, obj: models.Model) -> bool:
        return bool(getattr(obj, self.hidden_field))

    def with_relations(self, queryset: models.QuerySet | None = None) -> models.QuerySet:
        """Rows joined with their own foreign keys (category, process,
        district; not people), which present() reads, so presenting a list
        costs no query per row."""
        if queryset is None:
            queryset = self.model._default_manager.all()
        return queryset.select_related(*_presented_relations(self.model))

    def load(self, ids) -> dict[Any, models.Model]:
        """pk -> row (hidden or not) for ``ids``, in one query."""
        return self.with_relations().in_bulk(list(ids))

    def present_all(self, objs: list[models.Model]) -> dict[Any, Presentation]:
        """pk -> Presentation for rows of this kind, in bulk where it can."""
        if self.present_many is not None:
            return self.present_many(list(objs))
        return {obj.pk: self.present(obj) for obj in objs}

    def authored_by(self, user) -> models.QuerySet:
        return self.model._default_manager.filter(**{self.author_field: user})

    def export_row(self, obj: models.Model) -> dict[str, Any]:
        row: dict[str, Any] = {"kind": self.kind, "id": obj.pk}
        for name in self.export_fields:
            value = getattr(obj, name)
            row[name] = value.isoformat() if hasattr(value, "isoformat") else value
        row["url"] = self.present(obj).url
        return row


_kinds: dict[str, ContributionKind] = {}


def register(kind: ContributionKind) -> ContributionKind:
    if kind.kind in _kinds and _kinds[kind.kind].model is not kind.model:
        raise ValueError(f"Contribution kind {kind.kind!r} is already registered.")
    _kinds[kind.kind] = kind
    return kind


def unregister(kind_name: str) -> None:
    _kinds.pop(kind_name, None)


def kinds() -> Iterable[ContributionKind]:
    return list(_kinds.values())


def get_kind(kind_name: str) -> ContributionKind:
    """The registered kind; raises ``KeyError`` for an unknown name."""
    return _kinds[kind_name]


def kind_of(obj: models.Model) -> ContributionKind:
    """The registered kind of a model instance; raises ``KeyError``."""
    for kind in _kinds.values():
        if isinstance(obj, kind.model):
            return kind
    raise KeyError(type(obj).__name__)


def contributions_by(user) -> list[tuple[ContributionKind, list[models.Model]]]:
    return [(kind, list(kind.authored_by(user))) for kind in kinds()]
