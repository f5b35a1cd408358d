"""Events from other apps that change what proposals store, and what makes the
cached proposal pages for visitors (``core.pagecache``) stale."""

from wegov.core import pagecache
from wegov.core.events import subscribe
from wegov.processes.models import Phase, Process, Topic

from . import services
from .models import Coauthorship, Proposal, ProposalAttachment


@subscribe("comment.count_changed")
def store_comment_count(*, kind: str, object_id: int, count: int, **_ignored) -> None:
    if kind == services.KIND:
        services.comment_count_store(proposal_id=object_id, count=count)


# The lists and a proposal's page show the proposals, their attachments and
# co-authors, and their process with its phases and topics. Subscribed after
# store_comment_count, so the bump follows the new count.
pagecache.bump_on_changes(Proposal, ProposalAttachment, Coauthorship, Process, Phase, Topic)
pagecache.bump_on_events("comment.count_changed")
