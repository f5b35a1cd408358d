"""The citizen side of problem reports: report, browse, follow, confirm."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wegov.osm import selectors as osm_selectors
from wegov.places import geocoding
from wegov.places.selectors import city_bounds

from . import forms, selectors, services
from .models import ServiceAttribute

PER_PAGE = 25
# A required feature closer than this is where the citizen put the pin already.
SNAP_MIN_METRES = 3


def _actor(request):
    return request.user if request.user.is_authenticated else None


# --- Reporting a problem ------------------------------------------------------------


def _render_form(request, step, start, **context):
    """Render a step of the report form. Steps: "start" (place, category, text),
    "duplicates" (is it one of these?), "details" (questions, photos, who)."""
    return render(
        request,
        "reports/report_form.html",
        {
            "step": step,
            "start": start,
            "map_bounds": city_bounds(),
            "geocoder_on": step == "start" and geocoding.is_available(),
            **context,
        },
    )


def _find_address(request):
    """The "Find address" button: look the typed address up and put the pin there;
    nothing else on the form is checked yet."""
    data = request.POST.copy()
    data["lat"] = data["lon"] = ""
    start = forms.ReportStartForm(data, user=request.user)
    start.is_valid()
    start.errors.clear()
    found = start.geocoded
    if found is None:
        start.add_error(
            "address",
            _(
                "We could not find this address. "
                "Choose the place on the map, or type its coordinates."
            )
            if data.get("address", "").strip()
            else _("Type an address to find, like Kerkstraat 12."),
        )
    return _render_form(request, "start", start, found=found)


def _place_check(start):
    """Warnings about the chosen place, and a feature to snap to: (warnings, feature)."""
    data = start.cleaned_data
    lat, lon = data["lat"], data["lon"]
    warnings = osm_selectors.location_warnings(lat, lon)
    check = osm_selectors.nearest_required_feature(data["category"], lat, lon)
    snap = None
    if check is not None and not check.is_near:
        warnings.append(check.message)
    elif check is not None and check.distance_m >= SNAP_MIN_METRES:
        snap = check
    return warnings, snap


def _snapped(request):
    """The posted form data, with the point moved to the feature the citizen chose."""
    data = request.POST
    choice = data.get("snap", "")
    if not choice.startswith("feature:"):
        return data
    point = osm_selectors.feature_point(choice.removeprefix("feature:"))
    if point is None:
        return data
    data = data.copy()
    data["lat"], data["lon"] = f"{point[0]:.6f}", f"{point[1]:.6f}"
    return data


def _photos_lost(request, forms_with_errors) -> None:
    """Browsers never send a file again: say so when the page comes back."""
    if request.FILES.getlist("photos"):
        target = forms_with_errors[-1]
        if "photos" in target.fields:
            target.add_error(
                "photos",
                _(
                    "Your photos could not be kept while the problems above were fixed: "
                    "add the photos again."
                ),
            )


@require_http_methods(["GET", "POST"])
def report_new(request):
    if request.method == "GET":
        initial = {k: request.GET[k] for k in ("lat", "lon", "category") if request.GET.get(k)}
        return _render_form(request, "start", forms.ReportStartForm(initial=initial))

    action = request.POST.get("action", "check")
    if action == "edit":
        # Back to step 1 with everything as typed, without error messages.
        fields = forms.ReportStartForm.base_fields
        typed = {name: request.POST.get(name, "") for name in fields if name != "place_confirmed"}
        return _render_form(request, "start", forms.ReportStartForm(initial=typed))
    if action == "find":
        return _find_address(request)
    start = forms.ReportStartForm(_snapped(request), user=request.user)
    if not start.is_valid():
        return _render_form(request, "start", start)
    category = start.cleaned_data["category"]

    if not start.cleaned_data["place_confirmed"]:
        # On water, in a building, no street lamp near: the citizen decides.
        warnings, snap = _place_check(start)
        if warnings or snap:
            return _render_form(request, "place", start, warnings=warnings, snap=snap)

    if action == "check":
        duplicates = selectors.likely_duplicates(
            category=category,
            lat=start.cleaned_data["lat"],
            lon=start.cleaned_data["lon"],
            text=start.text,
        )
        if duplicates:
            return _render_form(request, "duplicates", start, duplicates=duplicates)

    if action != "submit":
        details = forms.ReportDetailsForm(category=category, user=request.user)
        return _render_form(request, "details", start, details=details)

    details = forms.ReportDetailsForm(
        request.POST, request.FILES, category=category, user=request.user
    )
    if details.is_valid():
        data = start.cleaned_data
        address = data["address"]
        if not address.strip():
            # The nearest address or street, from the geocoder (when there is one).
            nearest = geocoding.reverse(data["lat"], data["lon"])
            address = nearest.label if nearest else ""
        try:
            report = services.report_create(
                actor=_actor(request),
                data=services.NewReport(
                    category=category,
                    title=data["title"],
                    description=data["description"],
                    lat=data["lat"],
                    lon=data["lon"],
                    address=address,
                    photos=details.cleaned_data["photos"],
                    attributes=details.attributes(),
                    anonymous=details.anonymous(),
                    email=details.cleaned_data.get("email", ""),
                ),
            )
        except ValidationError as exc:
            forms.apply_service_errors(exc, [start, details])
        else:
            messages.success(
                request,
                _("Thank you. Your report #%(id)s has been sent to %(department)s.")
                % {"id": report.pk, "department": report.department.name},
            )
            return redirect("reports:detail", pk=report.pk)
    _photos_lost(request, [start, details])
    if start.errors:
        return _render_form(request, "start", start)
    return _render_form(request, "details", start, details=details)


@require_GET
def duplicates(request):
    """Likely duplicates of a report being written (the form's live check)."""
    form = forms.DuplicateQueryForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            _("Give lat and lon as numbers, and category as a service code."),
            content_type="text/plain; charset=utf-8",
        )
    data = form.cleaned_data
    found = selectors.likely_duplicates(
        category=data["category"], lat=data["lat"], lon=data["lon"], text=data["text"]
    )
    template = "reports/_duplicates.html" if request.htmx else "reports/duplicates.html"
    return render(request, template, {"duplicates": found, "heading": request.htmx})


# --- A report's page ----------------------------------------------------------------


def _answers(report) -> list[tuple[str, str]]:
    """The category questions and the reporter's answers, in the questions' order."""
    lists = (ServiceAttribute.Datatype.SINGLEVALUELIST, ServiceAttribute.Datatype.MULTIVALUELIST)
    rows = []
    values = sorted(
        report.attribute_values.all(), key=lambda v: (v.attribute.order, v.attribute.code)
    )
    for value in values:
        attribute = value.attribute
        shown = value.value
        if attribute.datatype in lists:
            names = {str(v["key"]): v.get("name") or str(v["key"]) for v in attribute.values}
            shown = ", ".join(names.get(key, key) for key in value.value.split(","))
        rows.append((attribute.description, shown))
    return rows


def _hidden_from(request, report) -> bool:
    return report.is_hidden and not request.user.has_perm("reports.moderate_report", report)


def _with_history(request, report):
    include_internal = request.user.has_perm("reports.view_internal_notes", report)
    selectors.visible_history(report, include_internal=include_internal)
    return report, include_internal


def _visible_report(request, pk):
    report = selectors.report_detail(pk)
    if report is None or _hidden_from(request, report):
        raise Http404
    return _with_history(request, report)


def _render_detail(request, report, include_internal, subscribe_form=None):
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "include_internal": include_internal,
            "answers": _answers(report),
            "subscribe_form": subscribe_form or forms.SubscribeForm(),
            **selectors.follower_state(report, request.user),
        },
    )


def report_detail(request, pk):
    report = selectors.report_detail(pk)
    if report is None:
        raise Http404
    if _hidden_from(request, report):
        # The public sees that it was hidden, and why, instead of a dead link.
        return render(request, "reports/report_hidden.html", {"report": report})
    return _render_detail(request, *_with_history(request, report))


@require_POST
def confirm(request, pk):
    """ "This is my problem too"."""
    report = get_object_or_404(selectors.public_reports(), pk=pk)
    detail = reverse("reports:detail", args=[report.pk])
    if not request.user.is_authenticated:
        return redirect_to_login(detail)
    try:
        counted = services.report_confirm(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if counted:
            messages.success(
                request,
                _("Thank you: you said this is your problem too. We will email you about it."),
            )
        else:
            messages.info(request, _("You already said this is your problem too."))
    return redirect(detail)


@require_POST
def subscribe(request, pk):
    report, include_internal = _visible_report(request, pk)
    if request.user.is_authenticated:
        services.report_subscribe(report=report, user=request.user)
        messages.success(request, _("You follow this report: we email you when it changes."))
        return redirect("reports:detail", pk=report.pk)
    form = forms.SubscribeForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, report, include_internal, form)
    services.report_subscribe(report=report, email=form.cleaned_data["email"])
    messages.success(
        request,
        _("We will email %(email)s when this report changes. Every email has a link to stop.")
        % {"email": form.cleaned_data["email"]},
    )
    return redirect("reports:detail", pk=report.pk)


def unsubscribe(request, token):
    if request.method == "POST":
        done = services.report_unsubscribe(token=token)
        return render(request, "reports/unsubscribed.html", {"done": done})
    return render(request, "reports/unsubscribe_confirm.html", {"token": token})


# --- Browsing -----------------------------------------------------------------------


@require_GET
def report_list(request):
    form = forms.ReportFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else selectors.ReportFilters()
    reports = selectors.filter_reports(selectors.public_reports(), filters)
    if filters.near:
        reports = selectors.nearest_first(reports, *filters.near)
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {
            "form": form,
            "page": page,
            "near": filters.near,
            "map_bounds": city_bounds(),
            "geojson_url": reverse("reports:map_geojson"),
        },
    )
