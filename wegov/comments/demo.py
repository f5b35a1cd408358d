"""Comments on the demo's proposals and debates: threads with for / against
arguments, replies (some @mentioning the person they answer), a few edits and
deletions, and votes.

Runs after the proposals and debates demos (INSTALLED_APPS order) and reads
``demo.shared["proposals"]`` and ``demo.shared["debates"]``; without them it
does nothing. Rows are bulk-inserted with past timestamps, so no event fires
and nobody is notified; the targets' ``comment_count`` columns are then set.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from wegov.core import registry

from .models import Comment, CommentVersion, CommentVote, Stance

ARGUMENTS = {
    Stance.FOR: [
        "This would make the street much safer for the children walking to school.",
        "I have lived here for twenty years and this is the first plan that actually "
        "listens to the people who live on the street.",
        "Good idea. The shops on the square will benefit too: people who walk or cycle "
        "come back more often than people who drive in and out.",
        "We tried something similar in Oosterpark two summers ago and nobody wants to go "
        "back. Let's do it here as well.",
        "More shade and less asphalt: with the heat of the last summers this is not a "
        "luxury any more.",
        "Fully support this. Could the city also add a few benches? Older neighbours need "
        "a place to rest halfway to the market.",
        "Yes, please. The current situation is simply dangerous at rush hour.",
        "It costs little compared to what we spend on repairing the road every year.",
    ],
    Stance.AGAINST: [
        "I worry about where the delivery vans will go. They already double-park every morning.",
        "Nice on paper, but people with limited mobility depend on being able to park "
        "close to their front door.",
        "The money would be better spent on maintaining what we already have. Half the "
        "street lights on my street have been broken for months.",
        "This moves the traffic to the side streets, where there are no traffic lights at all.",
        "I am not against the idea, but not like this: nobody asked the shopkeepers.",
        "Another plan that looks good in the city centre and forgets the outer districts.",
    ],
    Stance.NEUTRAL: [
        "Has anyone looked at how this worked in the neighbouring towns? I would like to "
        "see numbers before deciding.",
        "What happens during the works? The last time the street was closed for three months.",
        "Could the city publish the full plan with the drawings? The summary is a bit "
        "short to form an opinion.",
        "Interesting. How would this be maintained after the first year?",
        "I would support a trial of six months, then decide with the results in hand.",
    ],
}

REPLIES = [
    "Good point, I had not thought about that.",
    "I see it differently: the side streets are quiet most of the day.",
    "The plan mentions a loading zone at the corner, page 4 of the documents.",
    "Exactly this. Thank you for putting it so clearly.",
    "Do you have a source for that? I would like to read more.",
    "We could ask the city to count the traffic before and after.",
    "That was the case five years ago, but a lot has changed since.",
    "Agreed, as long as the works are done outside the school holidays.",
    "My neighbour uses a wheelchair and she is in favour, for what it's worth.",
    "Let's keep it friendly: we all want the same street to be better.",
]

PLAIN = [
    "Thank you for proposing this. I added my support.",
    "Would this also cover the streets north of the canal?",
    "I like it, but the cost estimate seems low to me.",
    "This is long overdue. The current situation has been a problem for years.",
    "Could the proposal include a timeline? Otherwise it stays a wish.",
    "Nice. Maybe combine it with the other proposal about the bike racks?",
    "I hope the council takes this one seriously.",
]

EDIT_NOTES = [
    "Edit: I meant the stretch between the bridge and the school.",
    "Edit: added that I would also accept a trial period.",
    "Edit: fixed the name of the street.",
]


def _insert(model, objs: list) -> list:
    """bulk_create keeping the objects' own timestamps (see reports.demo)."""
    fields = [f for f in model._meta.concrete_fields if f.name in ("created_at", "updated_at")]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        return model.objects.bulk_create(objs, batch_size=500)
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _targets(demo) -> list:
    targets = []
    for key in ("proposals", "debates"):
        rows = demo.shared.get(key) or []
        if isinstance(rows, dict):
            rows = list(rows.values())
        for obj in rows:
            try:
                kind = registry.kind_of(obj)
            except KeyError:
                continue
            if kind.commentable and not kind.is_hidden(obj):
                targets.append((kind, obj))
    return targets


def _between(rng, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    if end <= start:
        return start
    return start + (end - start) * rng.random()


def load(demo) -> None:
    rng = demo.rng
    targets = _targets(demo)
    citizens = list(demo.shared.get("citizens", []))
    if not targets or len(citizens) < 3:
        return
    now = timezone.now()
    top_level: list[Comment] = []
    for kind, obj in targets:
        # Debates are where the arguments are; many proposals get a few comments.
        if kind.comment_stances and kind.kind == "debate":
            n = rng.randint(5, 12)
        elif rng.random() < 0.6:
            n = rng.choice([1, 1, 2, 3, 4, 6, 9])
        else:
            continue
        start = getattr(obj, "created_at", None) or now - dt.timedelta(days=30)
        end = getattr(obj, "closed_at", None) or now
        for _ in range(n):
            author = rng.choice(citizens)
            if kind.comment_stances:
                stance = rng.choices(list(ARGUMENTS), weights=[5, 3, 2])[0]
                body = rng.choice(ARGUMENTS[stance])
            else:
                stance, body = "", rng.choice(PLAIN)
            when = _between(rng, start + dt.timedelta(hours=1), end)
            top_level.append(
                Comment(
                    target_kind=kind.kind,
                    target_id=obj.pk,
                    author=author,
                    body=body,
                    stance=stance,
                    created_at=when,
                    updated_at=when,
                )
            )
    top_level = _insert(Comment, top_level)
    everything = list(top_level)

    # Replies: two levels, a few mentioning the person they answer.
    parents = top_level
    ends = {}
    for kind, obj in targets:
        ends[(kind.kind, obj.pk)] = getattr(obj, "closed_at", None) or now
    for depth in (1, 2):
        replies = []
        for parent in parents:
            if rng.random() > (0.45 if depth == 1 else 0.25):
                continue
            for _ in range(rng.choice([1, 1, 2, 3]) if depth == 1 else 1):
                author = rng.choice([c for c in citizens if c.pk != parent.author_id])
                body = rng.choice(REPLIES)
                mentions = []
                if rng.random() < 0.3 and parent.author and parent.author.display_name:
                    name = parent.author.display_name
                    body = f"@{name} {body}"
                    mentions = [
                        {
                            "name": name,
                            "public_id": str(parent.author.public_id),
                            "user_id": parent.author_id,
                        }
                    ]
                end = ends[(parent.target_kind, parent.target_id)]
                when = _between(rng, parent.created_at + dt.timedelta(minutes=20), end)
                replies.append(
                    Comment(
                        target_kind=parent.target_kind,
                        target_id=parent.target_id,
                        parent=parent,
                        depth=depth,
                        author=author,
                        body=body,
                        mentions=mentions,
                        created_at=when,
                        updated_at=when,
                    )
                )
        parents = _insert(Comment, replies)
        everything.extend(parents)

    # A few edits (with the earlier text kept) and a few deletions.
    versions, edited, deleted = [], [], []
    for comment in everything:
        roll = rng.random()
        if roll < 0.04:
            when = _between(rng, comment.created_at, comment.created_at + dt.timedelta(hours=3))
            versions.append(
                CommentVersion(
                    comment=comment, body=comment.body, stance=comment.stance, edited_at=when
                )
            )
            comment.body += "\n\n" + rng.choice(EDIT_NOTES)
            comment.edited_at = when
            edited.append(comment)
        elif roll < 0.06:
            comment.body, comment.stance, comment.mentions = "", "", []
            comment.deleted_at = comment.created_at + dt.timedelta(days=1)
            deleted.append(comment)
    CommentVersion.objects.bulk_create(versions)
    Comment.objects.bulk_update(edited, ["body", "edited_at"])
    Comment.objects.bulk_update(deleted, ["body", "stance", "mentions", "deleted_at"])

    # Votes: most comments get a handful, arguments more than chatter.
    votes = []
    for comment in everything:
        if comment.deleted_at:
            continue
        voters = [c for c in citizens if c.pk != comment.author_id]
        n = min(len(voters), rng.choice([0, 0, 1, 2, 3, 5, 8, 12]))
        liking = rng.uniform(0.4, 0.95)
        for voter in rng.sample(voters, n):
            value = 1 if rng.random() < liking else -1
            votes.append(
                CommentVote(
                    comment=comment,
                    user=voter,
                    value=value,
                    created_at=_between(rng, comment.created_at, now),
                )
            )
            if value == 1:
                comment.upvotes += 1
            else:
                comment.downvotes += 1
    _insert(CommentVote, votes)
    Comment.objects.bulk_update(everything, ["upvotes", "downvotes"], batch_size=500)

    # The targets' denormalised counts (lists order by them).
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for comment in everything:
        if comment.deleted_at is None:
            counts[(comment.target_kind, comment.target_id)] += 1
    for kind, obj in targets:
        if any(f.name == "comment_count" for f in kind.model._meta.concrete_fields):
            kind.model._default_manager.filter(pk=obj.pk).update(
                comment_count=counts.get((kind.kind, obj.pk), 0)
            )
    demo.say(
        f"  {len(everything)} comments on {len(counts)} contributions "
        f"({len(versions)} edited, {len(deleted)} deleted), {len(votes)} votes"
    )
