"""What can be followed, and how targets are shown: one query per kind.

Contribution kinds come from the registry; besides them people follow a
process, a topic (policy area), a district or another person. ``load()``
turns a set of ``(kind, id)`` pairs into ``Target`` objects with one query
per kind, leaving out what no longer exists or must not be shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from wegov.core import registry

EXTRA_KINDS = {
    "process": _("participatory process"),
    "topic": _("topic"),
    "district": _("district"),
    "user": _("person"),
}


@dataclass(frozen=True)
class Target:
    kind: str
    id: int
    title: str
    url: str
    label: object  # the kind's human name
    public: bool = True
    process_id: int | None = None
    author_id: int | None = None
    hidden: bool = False

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)


def is_followable_kind(kind: str) -> bool:
    if kind in EXTRA_KINDS:
        return True
    try:
        registry.get_kind(kind)
    except KeyError:
        return False
    return True


def kind_label(kind: str):
    if kind in EXTRA_KINDS:
        return EXTRA_KINDS[kind]
    try:
        return registry.get_kind(kind).label
    except KeyError:
        return kind


def _reverse(name: str, *args, query: dict | None = None) -> str:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}" if query else url


def has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return False
    return True


def visible_rows(kind: registry.ContributionKind) -> models.QuerySet:
    """The kind's rows moderation has not hidden (kinds without the field: all)."""
    if has_field(kind.model, kind.hidden_field):
        return kind.visible()
    return kind.model._default_manager.all()


def is_attached(kind: registry.ContributionKind) -> bool:
    """Kinds that live on another contribution (comments): they name it with
    ``target_kind`` / ``target_id`` and are shown through it."""
    return has_field(kind.model, "target_kind") and has_field(kind.model, "target_id")


def _load_contributions(kind_name: str, ids: set[int], include_hidden: bool) -> list[Target]:
    kind = registry.get_kind(kind_name)
    rows = kind.model._default_manager.all() if include_hidden else visible_rows(kind)
    found = []
    objs = list(kind.with_relations(rows.filter(pk__in=ids)))
    presented = kind.present_all(objs)
    for obj in objs:
        p = presented[obj.pk]
        hidden = has_field(kind.model, kind.hidden_field) and kind.is_hidden(obj)
        found.append(
            Target(
                kind=kind_name,
                id=obj.pk,
                title=p.title,
                url=p.url,
                label=kind.label,
                public=p.public and not hidden,
                process_id=p.process_id,
                author_id=p.author_id,
                hidden=hidden,
            )
        )
    return found


def _attached_rows(kind_name: str, ids: set[int], include_hidden: bool) -> list:
    kind = registry.get_kind(kind_name)
    rows = kind.model._default_manager.all() if include_hidden else visible_rows(kind)
    return list(rows.filter(pk__in=ids))


def _attached_target(kind_name: str, obj, on: Target) -> Target:
    """An attached row (a comment) shown as its place on what it is about,
    without calling its ``present()`` (which would query once per row)."""
    kind = registry.get_kind(kind_name)
    hidden = has_field(kind.model, kind.hidden_field) and kind.is_hidden(obj)
    anchor = getattr(obj, "anchor", "")
    return Target(
        kind=kind_name,
        id=obj.pk,
        title=on.title,
        url=f"{on.url}#{anchor}" if on.url and anchor else on.url,
        label=kind.label,
        public=on.public and not hidden and bool(getattr(obj, "is_visible", True)),
        process_id=on.process_id,
        author_id=getattr(obj, f"{kind.author_field}_id", None),
        hidden=hidden or on.hidden,
    )


def _load_processes(ids, include_hidden):
    from wegov.processes.models import Process

    rows = Process.objects.filter(pk__in=ids)
    return [
        Target(
            kind="process",
            id=p.pk,
            title=p.title,
            url=_reverse("processes:detail", p.slug),
            label=EXTRA_KINDS["process"],
            public=p.is_published,
            process_id=p.pk,
        )
        for p in rows
    ]


def _load_topics(ids, include_hidden):
    from wegov.processes.models import Topic

    return [
        Target(
            kind="topic",
            id=t.pk,
            title=t.name,
            url=_reverse("processes:list", query={"topic": t.slug}),
            label=EXTRA_KINDS["topic"],
        )
        for t in Topic.objects.filter(pk__in=ids)
    ]


def _load_districts(ids, include_hidden):
    from wegov.places.models import District

    return [
        Target(
            kind="district",
            id=d.pk,
            title=d.name,
            url=_reverse("processes:list", query={"district": d.slug}),
            label=EXTRA_KINDS["district"],
        )
        for d in District.objects.filter(pk__in=ids).only("pk", "name", "slug")
    ]


def _load_users(ids, include_hidden):
    from wegov.accounts.models import User

    rows = User.objects.filter(pk__in=ids).only(
        "pk", "public_id", "display_name", "erased_at", "is_active"
    )
    return [
        Target(
            kind="user",
            id=u.pk,
            title=u.public_name,
            url=_reverse("social:profile", u.public_id),
            label=EXTRA_KINDS["user"],
            public=u.is_active and u.erased_at is None,
        )
        for u in rows
    ]


_LOADERS = {
    "process": _load_processes,
    "topic": _load_topics,
    "district": _load_districts,
    "user": _load_users,
}


def load(
    keys: Iterable[tuple[str, int]], *, include_hidden: bool = False, public_only: bool = True
) -> dict[tuple[str, int], Target]:
    """Targets by ``(kind, id)``; one query per kind. Missing, unknown and
    (unless asked) hidden or non-public targets are left out.

    Attached kinds (comments) are read first, then what they are attached to
    joins the other kinds' queries, so a comment costs no query of its own
    beyond its kind's one.
    """
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, object_id in keys:
        if kind and object_id is not None:
            by_kind[kind].add(int(object_id))
    attached: dict[str, list] = {}
    for kind in list(by_kind):
        try:
            contribution = registry.get_kind(kind)
        except KeyError:
            continue
        if is_attached(contribution):
            attached[kind] = _attached_rows(kind, by_kind.pop(kind), include_hidden)
            for row in attached[kind]:
                by_kind[row.target_kind].add(int(row.target_id))
    found: dict[tuple[str, int], Target] = {}
    for kind, ids in by_kind.items():
        loader = _LOADERS.get(kind)
        if loader is not None:
            targets = loader(ids, include_hidden)
        elif kind in attached:
            continue  # attached to an attached row: not supported
        else:
            try:
                targets = _load_contributions(kind, ids, include_hidden)
            except KeyError:
                continue  # a kind nobody registers any more
        for target in targets:
            found[target.key] = target
    for kind, rows in attached.items():
        for row in rows:
            on = found.get((row.target_kind, int(row.target_id)))
            if on is not None:
                target = _attached_target(kind, row, on)
                found[target.key] = target
    if public_only:
        found = {key: target for key, target in found.items() if target.public}
    return found


def load_one(kind: str, object_id: int, **kwargs) -> Target | None:
    return load([(kind, object_id)], **kwargs).get((kind, int(object_id)))
