"""Downloads of a conversation as Pol.is openData: the four CSV files and a zip of them.

Everyone may download a public conversation's files; organisers (who may see
unpublished conversations) also theirs. Participants appear by number only,
statements waiting for moderation are left out and removed ones keep their
number and votes but not their text (``importexport.export_conversation``
with ``public=True``).
"""

from __future__ import annotations

import io
import zipfile

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from . import importexport, polis
from .models import Conversation

# URL name -> file name in the export
FILES = {name.removesuffix(".csv"): name for name in polis.FILES}


def _conversation(request, slug: str) -> Conversation:
    conversation = get_object_or_404(Conversation.objects.select_related("process"), slug=slug)
    if not request.user.has_perm("opinions.view_conversation", conversation):
        raise Http404  # an unpublished conversation does not exist for the public
    return conversation


def _attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def export_file(request, slug: str, name: str):
    if name not in FILES:
        raise Http404
    conversation = _conversation(request, slug)
    export = importexport.export_conversation(conversation, public=True)
    return _attachment(
        polis.WRITERS[FILES[name]](export),
        "text/csv; charset=utf-8",
        f"{conversation.slug}-{name}.csv",
    )


@require_GET
def export_zip(request, slug: str):
    conversation = _conversation(request, slug)
    export = importexport.export_conversation(conversation, public=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, render in polis.WRITERS.items():
            archive.writestr(f"{conversation.slug}/{filename}", render(export))
    return _attachment(buffer.getvalue(), "application/zip", f"{conversation.slug}-polis.zip")
