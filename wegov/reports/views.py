from django.http import Http404
from django.shortcuts import render

from . import selectors, services


def report_detail(request, pk):
    report = selectors.report_detail(pk, include_internal=False)
    if report is None or (
        report.is_hidden and not request.user.has_perm("reports.moderate_report", report)
    ):
        raise Http404
    include_internal = request.user.has_perm("reports.view_internal_notes", report)
    if include_internal:
        report = selectors.report_detail(pk, include_internal=True)
    return render(
        request,
        "reports/report_detail.html",
        {"report": report, "include_internal": include_internal},
    )


def unsubscribe(request, token):
    if request.method == "POST":
        done = services.report_unsubscribe(token=token)
        return render(request, "reports/unsubscribed.html", {"done": done})
    return render(request, "reports/unsubscribe_confirm.html", {"token": token})
