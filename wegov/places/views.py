"""Pages of places: the boundaries as GeoJSON for the maps, and each
person's areas of interest under /me/areas/."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import forms, selectors, services
from .api import geojson_response


@require_GET
def areas_geojson(request):
    """The city boundary and districts for the maps (same as GET /api/v1/places/areas)."""
    return geojson_response(request)


def _check(request) -> None:
    if not request.user.has_perm("places.manage_areas_of_interest"):
        raise PermissionDenied


@login_required
@require_GET
def area_list(request):
    _check(request)
    areas = selectors.areas_of_interest_of(request.user)
    return render(
        request,
        "places/areaofinterest_list.html",
        {"areas": areas, "limit": settings.WEGOV_AREAS_OF_INTEREST_MAX},
    )


def _save(request, form, area=None):
    try:
        if area is None:
            return services.area_of_interest_create(actor=request.user, data=form.to_data())
        return services.area_of_interest_update(actor=request.user, area=area, data=form.to_data())
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for key, errors in exc.message_dict.items():
                field = forms.ERROR_FIELDS.get(key, key if key in form.fields else None)
                for error in errors:
                    form.add_error(field, error)
        else:
            form.add_error(None, " ".join(exc.messages))
    return None


def _form_page(request, form, area=None):
    return render(
        request,
        "places/areaofinterest_form.html",
        {"form": form, "area": area, "map_bounds": selectors.city_bounds()},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_create(request):
    _check(request)
    form = forms.AreaOfInterestForm(request.POST or None, initial={"radius_m": 500})
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form)
        if saved is not None:
            messages.success(
                request,
                _(
                    "Your area of interest “%(name)s” is saved. We will tell you about new "
                    "contributions there."
                )
                % {"name": saved.name},
            )
            return redirect("places:area_list")
    return _form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def area_edit(request, pk: int):
    _check(request)
    area = selectors.area_of_interest_of(request.user, pk)
    form = forms.AreaOfInterestForm(
        request.POST or None, initial=forms.AreaOfInterestForm.initial_for(area)
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, area)
        if saved is not None:
            messages.success(
                request, _("Your area of interest “%(name)s” is saved.") % {"name": saved.name}
            )
            return redirect("places:area_list")
    return _form_page(request, form, area)


@login_required
@require_http_methods(["GET", "POST"])
def area_delete(request, pk: int):
    _check(request)
    area = selectors.area_of_interest_of(request.user, pk)
    if request.method == "POST":
        name = area.name
        services.area_of_interest_delete(actor=request.user, area=area)
        messages.success(request, _("The area of interest “%(name)s” is deleted.") % {"name": name})
        return redirect("places:area_list")
    return render(request, "places/areaofinterest_confirm_delete.html", {"area": area})
