"""Base-map problem pages: filing a flag, the mappers' list and exports, a
flag's page with its status, and "my flags". Thin: a form parses, a service or
selector does the work."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wegov.core.forms import apply_service_errors
from wegov.places.selectors import city_bounds

from . import selectors, services
from .forms import FilterForm, FlagForm, StatusForm

PAGE_SIZE = 25

# The services report a bad place under "location"; the form shows it at the latitude.
LOCATION_ON_LAT = {"location": "lat"}


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def flag_new(request):
    _require(request, "basemap.file_flag")
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                flag = services.flag_create(
                    actor=request.user,
                    data=services.NewFlag(
                        kind=data["kind"],
                        description=data["description"],
                        lat=data["lat"],
                        lon=data["lon"],
                        osm_reference=data["osm_reference"],
                    ),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, aliases=LOCATION_ON_LAT)
            else:
                messages.success(
                    request,
                    _("Thank you. The city’s mappers will look at it: follow it on this page."),
                )
                return redirect(flag.get_absolute_url())
        status = 400
    return render(
        request,
        "basemap/flag_form.html",
        {"form": form, "map_bounds": city_bounds()},
        status=status,
    )


def _filters(request):
    filters = FilterForm(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        return filters, {}, 400
    return filters, (filters.cleaned_data if filters.is_bound else {}), 200


@login_required
def flag_list(request):
    _require(request, "basemap.list_flags")
    filters, cleaned, status = _filters(request)
    qs = selectors.flags(status=cleaned.get("status", ""), kind=cleaned.get("kind", ""))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "basemap/flag_list.html",
        {"filters": filters, "page": page, "rows": list(page.object_list)},
        status=status,
    )


@login_required
def my_flags(request):
    page = Paginator(selectors.own_flags(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "basemap/flag_mine.html", {"page": page, "rows": list(page.object_list)})


def _render_detail(request, flag, *, status_form=None, status=200):
    can_change = request.user.has_perm("basemap.change_flag_status")
    return render(
        request,
        "basemap/flag_detail.html",
        {
            "flag": flag,
            "can_change": can_change,
            "status_form": status_form
            or (
                StatusForm(initial={"status": flag.status, "notes": flag.staff_notes})
                if can_change
                else None
            ),
            "note_text": selectors.note_text(flag),
        },
        status=status,
    )


def _visible_flag(request, pk: int):
    flag = selectors.flag_detail(pk)
    if flag is None:
        raise Http404
    _require(request, "basemap.view_flag", flag)
    return flag


@login_required
def flag_detail(request, pk: int):
    return _render_detail(request, _visible_flag(request, pk))


@login_required
@require_POST
def flag_status(request, pk: int):
    flag = _visible_flag(request, pk)
    _require(request, "basemap.change_flag_status")
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.flag_change_status(
                actor=request.user,
                flag=flag,
                status=form.cleaned_data["status"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases=LOCATION_ON_LAT)
        else:
            messages.success(request, _("Status saved."))
            return redirect(flag.get_absolute_url())
    return _render_detail(request, flag, status_form=form, status=400)


@login_required
def export_geojson(request):
    """The open flags as one GeoJSON FeatureCollection (OSM notes)."""
    _require(request, "basemap.list_flags")
    body = json.dumps(
        selectors.feature_collection(selectors.export_flags().iterator()), ensure_ascii=False
    )
    response = HttpResponse(body, content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="basemap-flags.geojson"'
    return response


@login_required
def export_challenge(request):
    """The open flags as MapRoulette line-by-line GeoJSON (RFC 7464/8142)."""
    _require(request, "basemap.list_flags")
    response = StreamingHttpResponse(
        selectors.challenge_lines(selectors.export_flags().iterator()),
        content_type="application/geo+json-seq",
    )
    response["Content-Disposition"] = 'attachment; filename="basemap-challenge.geojson"'
    return response
