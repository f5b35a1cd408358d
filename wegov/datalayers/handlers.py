"""Cached public pages (a proposal's page for visitors) show the links to layer
features: a new or removed link, and a layer changed, refreshed or deleted,
make them stale."""

from wegov.core import pagecache

from .models import DataLayer, FeatureLink

pagecache.bump_on_changes(FeatureLink, DataLayer)
