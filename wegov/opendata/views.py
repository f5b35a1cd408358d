"""The public open-data page, the downloads, the DCAT-AP catalogue and the
staff page. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from . import catalog, registry, selectors, services
from .forms import RegenerateForm, SettingsForm
from .models import Licence, OpenDataSettings

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "json": "application/json",
}


def _licence_context() -> dict:
    od = OpenDataSettings.load()
    return {"settings": od, "licence_label": Licence(od.licence).label}


@require_GET
def index(request):
    return render(
        request,
        "opendata/index.html",
        {"items": selectors.listing(), **_licence_context()},
    )


@require_safe
def download(request, slug: str, fmt: str):
    path = selectors.published_file(slug, fmt)
    if path is None:
        raise Http404
    handle = path.open("rb")
    stat = path.stat()
    response = FileResponse(
        handle,
        content_type=CONTENT_TYPES[fmt],
        as_attachment=True,
        filename=f"{slug}.{fmt}",
    )
    response["Content-Length"] = str(stat.st_size)
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _catalog_response(body: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def catalog_jsonld(request):
    return _catalog_response(
        catalog.as_jsonld(catalog.build_graph()), "application/ld+json; charset=utf-8"
    )


@require_GET
def catalog_ttl(request):
    return _catalog_response(catalog.as_turtle(catalog.build_graph()), "text/turtle; charset=utf-8")


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _manage_page(request, *, regenerate_form=None, settings_form=None, status=200):
    can_manage = request.user.has_perm("opendata.manage_settings")
    if settings_form is None and can_manage:
        settings_form = SettingsForm(instance=OpenDataSettings.load(), prefix="settings")
    return render(
        request,
        "opendata/manage.html",
        {
            "items": selectors.listing(),
            "regenerate_form": regenerate_form or RegenerateForm(),
            "settings_form": settings_form if can_manage else None,
            **_licence_context(),
        },
        status=status,
    )


@login_required
@require_GET
def manage(request):
    _require(request, "opendata.regenerate")
    return _manage_page(request)


@login_required
@require_POST
def regenerate(request):
    _require(request, "opendata.regenerate")
    form = RegenerateForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, regenerate_form=form, status=400)
    slug = form.cleaned_data["dataset"] or None
    try:
        services.regenerate(actor=request.user, slug=slug)
    except ValidationError as exc:
        form.add_error("dataset", exc.messages)
        return _manage_page(request, regenerate_form=form, status=400)
    if slug is None:
        messages.success(request, _("Regeneration of every dataset has started."))
    else:
        title = registry.get(slug).title
        messages.success(request, _("Regeneration of “%(title)s” has started.") % {"title": title})
    return redirect("opendata:manage")


@login_required
@require_POST
def update_settings(request):
    _require(request, "opendata.manage_settings")
    form = SettingsForm(request.POST, instance=OpenDataSettings.load(), prefix="settings")
    if not form.is_valid():
        return _manage_page(request, settings_form=form, status=400)
    try:
        services.settings_update(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _manage_page(request, settings_form=form, status=400)
    messages.success(request, _("The open-data settings are saved."))
    return redirect("opendata:manage")
