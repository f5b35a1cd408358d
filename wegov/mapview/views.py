"""The one map of everything: /map/ (filters, the map, the same items as a list)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from wegov.datalayers.selectors import public_layers
from wegov.places.selectors import city_bounds

from . import selectors
from .forms import MapFilterForm

PER_PAGE = 20


@require_GET
def map_page(request):
    form = MapFilterForm(request.GET or None, user=request.user)
    filters = form.filters() if form.is_bound and form.is_valid() else selectors.MapFilters()
    page = Paginator(selectors.list_items(filters), PER_PAGE).get_page(request.GET.get("page"))
    labels = selectors.Labels()
    rows = [
        {
            "item": item,
            "kind_label": labels.kinds.get(item.kind, item.kind),
            "status_label": labels.status(item.kind, item.status),
            "category_label": labels.category(item.kind, item.category),
        }
        for item in page.object_list
    ]
    return render(
        request,
        "mapview/map.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "kinds": selectors.kind_choices(),
            "filtered": form.is_bound and any(v for k, v in request.GET.items() if k != "page"),
            "geojson_url": reverse("api:map_items"),
            "map_bounds": city_bounds(),
            "areas_url": reverse("places:areas_geojson"),
            "layers": public_layers(),
            "layers_on": set(request.GET.getlist("layer")),
        },
    )
