"""Comments in the contribution registry (so they can be flagged, followed and
exported) and in the personal-data registry (export and erasure)."""

from collections import defaultdict

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from wegov.core import personal_data, registry

from .models import Comment, CommentVersion, CommentVote


def _presentation(comment: Comment, target: registry.Presentation | None):
    """A comment shows itself as its place in the target's page."""
    title, url, process_id, district = str(_("Comment")), "", None, ""
    if target is not None:
        title = str(_("Comment on: %(title)s")) % {"title": target.title}
        url = f"{target.url}#{comment.anchor}"
        process_id, district = target.process_id, target.district
    return registry.Presentation(
        kind="comment",
        id=comment.pk,
        title=title,
        url=url,
        status="deleted" if comment.is_deleted else "",
        summary=comment.body[:200],
        district=district,
        public=comment.is_visible and (target.public if target else False),
        process_id=process_id,
        author_id=comment.author_id,
    )


def present(comment: Comment) -> registry.Presentation:
    try:
        kind = registry.get_kind(comment.target_kind)
        target = kind.present(kind.with_relations().get(pk=comment.target_id))
    except (KeyError, ObjectDoesNotExist):  # a vanished target
        target = None
    return _presentation(comment, target)


def present_many(comments: list[Comment]) -> dict[int, registry.Presentation]:
    """Comments presented through their targets: one query per target kind."""
    ids_by_kind: dict[str, set[int]] = defaultdict(set)
    for comment in comments:
        ids_by_kind[comment.target_kind].add(comment.target_id)
    targets: dict[tuple[str, int], registry.Presentation] = {}
    for kind_name, ids in ids_by_kind.items():
        try:
            kind = registry.get_kind(kind_name)
        except KeyError:  # a kind no longer installed
            continue
        for pk, presentation in kind.present_all(list(kind.load(ids).values())).items():
            targets[(kind_name, pk)] = presentation
    return {c.pk: _presentation(c, targets.get((c.target_kind, c.target_id))) for c in comments}


COMMENT_KIND = registry.register(
    registry.ContributionKind(
        kind="comment",
        label=_("Comment"),
        model=Comment,
        author_field="author",
        present=present,
        present_many=present_many,
        export_fields=(
            "target_kind",
            "target_id",
            "parent_id",
            "body",
            "stance",
            "created_at",
            "edited_at",
            "deleted_at",
        ),
        comment_policy=None,  # comments are answered by replies, not by comments
        flaggable=True,
    )
)


def _export(user) -> dict:
    return {
        "comment_votes": [
            {"comment": v["comment_id"], "value": v["value"], "at": v["created_at"].isoformat()}
            for v in CommentVote.objects.filter(user=user)
            .order_by("created_at")
            .values("comment_id", "value", "created_at")
        ],
        "comment_previous_versions": [
            {
                "comment": v["comment_id"],
                "text": v["body"],
                "replaced_at": v["edited_at"].isoformat(),
            }
            for v in CommentVersion.objects.filter(comment__author=user)
            .order_by("edited_at")
            .values("comment_id", "body", "edited_at")
        ],
    }


def _erase(user) -> None:
    """Comments stay (others replied to them) under "former participant"; the
    person's votes go, with the counts corrected; mentions stop linking to them."""
    from .services import fix_vote_counts

    voted = list(CommentVote.objects.filter(user=user).values_list("comment_id", flat=True))
    CommentVote.objects.filter(user=user).delete()
    if voted:
        fix_vote_counts(voted)
    if user.display_name:
        for comment in Comment.objects.filter(body__icontains="@" + user.display_name):
            kept = [m for m in comment.mentions if m.get("user_id") != user.pk]
            if kept != comment.mentions:
                comment.mentions = kept
                comment.save(update_fields=["mentions"])


personal_data.register_section(
    personal_data.PersonalDataSection("comments", _export, _erase, order=60)
)
