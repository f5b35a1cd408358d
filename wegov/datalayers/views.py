"""Pages of the data-layers app: the administrators' layer pages, the public
GeoJSON of a layer, and the page that links a contribution to a feature.

Thin views: a form parses, one service or selector does the work.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wegov.core import registry
from wegov.core.forms import apply_service_errors

from . import selectors, services
from .forms import LayerForm
from .models import DataLayer, FeatureLink, LayerFeature

GEOJSON_MAX_AGE = 300


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


# --- Administrators ----------------------------------------------------------------


@login_required
def staff_list(request):
    _require(request, "datalayers.manage_layers")
    return render(request, "datalayers/layer_list.html", {"layers": selectors.staff_layers()})


@login_required
def staff_create(request):
    _require(request, "datalayers.manage_layers")
    form = LayerForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                layer = services.layer_create(
                    actor=request.user,
                    upload=form.cleaned_data["upload"],
                    **form.service_fields(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Layer “%(name)s” added with %(count)s features.")
                    % {"name": layer.name, "count": layer.feature_count},
                )
                return redirect("datalayers:staff_detail", slug=layer.slug)
        status = 400
    return render(
        request, "datalayers/layer_form.html", {"form": form, "layer": None}, status=status
    )


def _staff_layer(request, slug: str) -> DataLayer:
    _require(request, "datalayers.manage_layers")
    return get_object_or_404(DataLayer, slug=slug)


@login_required
def staff_detail(request, slug):
    layer = _staff_layer(request, slug)
    return render(request, "datalayers/layer_detail.html", {"layer": layer})


@login_required
def staff_edit(request, slug):
    layer = _staff_layer(request, slug)
    form = LayerForm(request.POST or None, request.FILES or None, instance=layer)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                layer = services.layer_update(
                    actor=request.user,
                    layer=layer,
                    upload=form.cleaned_data["upload"],
                    **form.service_fields(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Layer “%(name)s” saved.") % {"name": layer.name})
                return redirect("datalayers:staff_detail", slug=layer.slug)
        status = 400
        # The form may have changed the instance's slug: the page keeps the stored one.
        layer = DataLayer.objects.get(pk=layer.pk)
    return render(
        request, "datalayers/layer_form.html", {"form": form, "layer": layer}, status=status
    )


@login_required
@require_POST
def staff_refresh(request, slug):
    layer = _staff_layer(request, slug)
    outcome = services.layer_refresh(actor=request.user, layer=layer)
    if outcome.ok:
        messages.success(
            request,
            _("Refreshed: the layer has %(count)s features.") % {"count": outcome.feature_count},
        )
    else:
        messages.error(
            request,
            _("The refresh failed; the last good copy is kept. %(error)s")
            % {"error": outcome.error},
        )
    return redirect("datalayers:staff_detail", slug=layer.slug)


@login_required
def staff_delete(request, slug):
    layer = _staff_layer(request, slug)
    if request.method == "POST":
        services.layer_delete(actor=request.user, layer=layer)
        messages.success(request, _("Layer “%(name)s” deleted.") % {"name": layer.name})
        return redirect("datalayers:staff_list")
    links = FeatureLink.objects.filter(feature__layer=layer).count()
    return render(request, "datalayers/layer_delete.html", {"layer": layer, "links": links})


# --- Public ------------------------------------------------------------------------


@require_GET
def geojson(request, slug):
    """GET /layers/<slug>.geojson?bbox=minlon,minlat,maxlon,maxlat (public, cacheable)."""
    layer = selectors.public_layer(slug)
    try:
        box = selectors.parse_bbox(request.GET.get("bbox"))
    except selectors.BadBBox as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    data = selectors.layer_geojson(layer, box, settings.WEGOV_DATALAYERS_GEOJSON_LIMIT)
    response = JsonResponse(data, content_type="application/geo+json")
    patch_cache_control(response, public=True, max_age=GEOJSON_MAX_AGE)
    return response


# --- Linking a contribution to a feature -------------------------------------------


def _contribution(kind_name: str, object_id: int):
    try:
        kind = registry.get_kind(kind_name)
    except KeyError:
        raise Http404 from None
    try:
        return kind, kind.get(object_id)
    except kind.model.DoesNotExist:
        raise Http404 from None


@login_required
def link(request, kind, object_id):
    kind_obj, contribution = _contribution(kind, object_id)
    _require(request, "datalayers.link_feature", contribution)
    presentation = kind_obj.present(contribution)
    place = services.contribution_place(contribution)
    error = ""
    if request.method == "POST":
        try:
            if "unlink" in request.POST:
                found = get_object_or_404(
                    FeatureLink.objects.select_related("feature"),
                    pk=_int(request.POST["unlink"]),
                    contribution_kind=kind_obj.kind,
                    contribution_id=contribution.pk,
                )
                services.feature_unlink(actor=request.user, contribution=contribution, link=found)
                messages.success(request, _("Unlinked from “%(name)s”.") % {"name": found.feature})
                return redirect("datalayers:link", kind=kind_obj.kind, object_id=contribution.pk)
            feature_id = _int(request.POST.get("feature"))
            feature = (
                LayerFeature.objects.select_related("layer").filter(pk=feature_id).first()
                if feature_id
                else None
            )
            if feature is None:
                raise ValidationError(_("Choose a feature to link to."))
            services.feature_link(actor=request.user, contribution=contribution, feature=feature)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Linked to “%(name)s” (%(layer)s).")
                % {"name": feature, "layer": feature.layer.name},
            )
            return redirect(presentation.url)
    links = selectors.links_of(kind_obj.kind, contribution.pk)
    linked = {item.feature_id for item in links}
    nearby = [f for f in selectors.features_near(*place) if f.pk not in linked] if place else []
    context = {
        "presentation": presentation,
        "kind_label": kind_obj.label,
        "has_place": place is not None,
        "links": links,
        "nearby": nearby,
        "error": error,
        "radius": services.LINK_RADIUS_M,
    }
    return render(request, "datalayers/link.html", context, status=400 if error else 200)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
