"""What people see of a conversation's opinion groups: the results page, the
opinion map (a page of its own without JavaScript, a fragment htmx refreshes
every 30 seconds) and the report for decision makers.

Thin views: ``selectors.conversation_results`` reads everything, ``charts``
lays out the map. Unpublished conversations are 404 for all but managers.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from . import charts, selectors

MAP_REFRESH_SECONDS = 30


def _context(request, slug: str, *, with_viewer: bool = True) -> dict:
    conversation = selectors.conversation_for_viewer(slug, request.user)
    participant = selectors.participant_of_request(conversation, request) if with_viewer else None
    results = selectors.conversation_results(conversation, participant=participant)
    return {
        "conversation": conversation,
        "results": results,
        "analysis": results.analysis,
        "map": charts.opinion_map(results),
        "live": conversation.is_open,
        "refresh_seconds": MAP_REFRESH_SECONDS,
        "with_viewer": with_viewer,
    }


@require_GET
def results(request, slug):
    return render(request, "opinions/results.html", _context(request, slug))


@require_GET
def opinion_map(request, slug):
    """The map with its table. htmx asks for the fragment with the analysis it
    shows (``?analysis=<id>``, or ``none``) and gets 204 while that is still the
    latest, so polling costs two small queries until something changes."""
    is_htmx = request.headers.get("HX-Request") == "true"
    if is_htmx and "analysis" in request.GET:
        conversation = selectors.conversation_for_viewer(slug, request.user)
        latest = selectors.latest_analysis_id(conversation)
        if request.GET["analysis"] == (str(latest) if latest else "none"):
            response = HttpResponse(status=204)
            patch_vary_headers(response, ["HX-Request"])
            return response
    context = _context(request, slug)
    template = "opinions/_opinion_map.html" if is_htmx else "opinions/opinion_map.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def report(request, slug):
    # A document about the conversation, not about the reader: no "You" in it.
    context = _context(request, slug, with_viewer=False)
    conversation, results = context["conversation"], context["results"]
    context["table"] = selectors.statement_table(conversation, results)
    context["period"] = selectors.voting_period(conversation)
    context["statement_origin"] = selectors.statement_origin(conversation)
    return render(request, "opinions/report.html", context)
