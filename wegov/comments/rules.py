"""Who may do what with a comment. Whether someone may comment on a target at
all is the target kind's ``comment_policy`` (see ``selectors.refusal``)."""

import rules

from wegov.accounts.rules import is_citizen, is_moderator, is_participant


@rules.predicate
def is_comment_author(user, comment) -> bool:
    return is_citizen(user) and comment is not None and comment.author_id == user.pk


# Authors edit and delete their own comments (deleting even when blocked:
# taking back what you wrote is always allowed); moderators delete any.
can_edit = is_participant & is_comment_author
can_delete = is_comment_author | is_moderator
# Voting: any participant, never on their own comment.
can_vote = is_participant & ~is_comment_author

rules.add_perm("comments.edit_comment", can_edit)
rules.add_perm("comments.delete_comment", can_delete)
rules.add_perm("comments.vote_comment", can_vote)
