import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wegov.core.models import AuditEntry
from wegov.datalayers import services, tasks
from wegov.datalayers.models import DataLayer, FeatureLink, LayerFeature

from .conftest import CSV_OK, geojson_bytes

URL = "https://data.example.org/benches.geojson"
META = {
    "name": "Benches",
    "slug": "benches",
    "licence": "CC BY 4.0",
    "attribution": "Gemeente Lindenbrug, CC BY 4.0",
}


def upload(content=CSV_OK, name="benches.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def features(layer):
    return list(layer.features.order_by("key").values_list("key", "name"))


@pytest.fixture
def url_layer(admin_user, opener):
    opener.responses[URL] = geojson_bytes(
        [("a", "Bench A", 52.15, 5.38), ("b", "Bench B", 52.16, 5.39)]
    )
    return services.layer_create(actor=admin_user, data_url=URL, refresh_minutes=60, **META)


def test_create_from_an_upload_stores_file_features_and_audit(admin_user, settings):
    layer = services.layer_create(actor=admin_user, upload=upload(), **META)
    assert layer.feature_count == 3
    assert features(layer) == [
        ("b1", "Bench by the pond"),
        ("b2", "Bench at the school"),
        ("b3", "Bench far away"),
    ]
    assert layer.upload.name == "datalayers/uploads/benches.csv"
    assert (settings.MEDIA_ROOT / layer.upload.name).read_bytes() == CSV_OK
    assert layer.refreshed_at is not None and layer.next_refresh_at is None
    entry = AuditEntry.objects.get(action="datalayers.layer_created")
    assert entry.actor == admin_user and entry.target_id == str(layer.pk)
    assert entry.after["slug"] == "benches"


def test_create_from_a_url_schedules_the_next_refresh(url_layer):
    assert url_layer.feature_count == 2
    assert url_layer.next_refresh_at - url_layer.refreshed_at == dt.timedelta(minutes=60)
    assert not url_layer.upload


@pytest.mark.parametrize("role", ["citizen", "moderator", "staff", "process_manager"])
def test_only_administrators_manage_layers(request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.layer_create(actor=user, upload=upload(), **META)
    assert not DataLayer.objects.exists()


def test_a_malformed_file_is_refused_and_nothing_saved(admin_user, settings):
    bad = b"name,lat,lon\nA,52.1,5.3\nB,52.1,east\n"
    with pytest.raises(ValidationError) as caught:
        services.layer_create(actor=admin_user, upload=upload(bad), **META)
    assert caught.value.message_dict == {
        "upload": ["Line 3: the longitude “east” is not a number."]
    }
    assert not DataLayer.objects.exists() and not LayerFeature.objects.exists()
    assert not (settings.MEDIA_ROOT / "datalayers").exists()


def test_a_file_over_the_size_limit_is_refused(admin_user, settings):
    settings.WEGOV_DATALAYERS_MAX_BYTES = 50
    with pytest.raises(ValidationError) as caught:
        services.layer_create(actor=admin_user, upload=upload(), **META)
    assert "larger than the limit" in caught.value.message_dict["upload"][0]


def test_an_unreachable_url_is_refused_on_create(admin_user, opener):
    opener.responses[URL] = TimeoutError()
    with pytest.raises(ValidationError) as caught:
        services.layer_create(actor=admin_user, data_url=URL, **META)
    assert caught.value.message_dict == {"data_url": ["The server did not answer in time."]}


def test_source_rules(admin_user, opener):
    with pytest.raises(ValidationError, match="either a file"):
        services.layer_create(actor=admin_user, **META)
    with pytest.raises(ValidationError, match="Only a layer read from a URL"):
        services.layer_create(actor=admin_user, upload=upload(), refresh_minutes=60, **META)
    with pytest.raises(ValidationError, match="Only http and https"):
        services.layer_create(actor=admin_user, data_url="ftp://example.org/x.csv", **META)
    assert opener.requests == []


def test_the_slug_is_unique(admin_user):
    services.layer_create(actor=admin_user, upload=upload(), **META)
    with pytest.raises(ValidationError) as caught:
        services.layer_create(actor=admin_user, upload=upload(), **META)
    assert caught.value.message_dict == {"slug": ["Another layer already uses this slug."]}


def test_a_failed_refresh_keeps_the_last_good_copy_and_records_the_error(
    url_layer, opener, admin_user
):
    opener.responses[URL] = b'{"type": "FeatureCollection", "features": [{"type": "Feature"'
    outcome = services.layer_refresh(actor=admin_user, layer=url_layer)
    assert not outcome.ok and "not valid JSON at line 1" in outcome.error
    layer = DataLayer.objects.get()
    assert layer.feature_count == 2 and features(layer) == [("a", "Bench A"), ("b", "Bench B")]
    assert "not valid JSON at line 1" in layer.last_error
    assert layer.last_error_at == layer.last_attempt_at
    assert layer.refreshed_at < layer.last_attempt_at
    assert AuditEntry.objects.filter(action="datalayers.layer_refresh_failed").count() == 1

    # The next good refresh clears the error.
    opener.responses[URL] = geojson_bytes([("a", "Bench A", 52.15, 5.38)])
    assert services.layer_refresh(actor=admin_user, layer=layer).ok
    layer.refresh_from_db()
    assert (layer.last_error, layer.last_error_at, layer.feature_count) == ("", None, 1)


def test_refresh_keeps_links_whose_key_comes_back_and_drops_the_others(url_layer, opener):
    bench_a = url_layer.features.get(key="a")
    bench_b = url_layer.features.get(key="b")
    kept = FeatureLink.objects.create(
        contribution_kind="report", contribution_id=1, feature=bench_a
    )
    FeatureLink.objects.create(contribution_kind="report", contribution_id=2, feature=bench_b)
    opener.responses[URL] = geojson_bytes(
        [("a", "Bench A, repainted", 52.1501, 5.38), ("c", "Bench C", 52.17, 5.4)]
    )
    assert services.layer_refresh(actor=None, layer=url_layer).ok
    assert features(url_layer) == [("a", "Bench A, repainted"), ("c", "Bench C")]
    assert url_layer.features.get(key="a").pk == bench_a.pk  # updated in place
    assert list(FeatureLink.objects.all()) == [kept]
    # A scheduled refresh (no actor) writes no audit entry.
    assert not AuditEntry.objects.filter(action__startswith="datalayers.layer_refresh").exists()


def test_refresh_due_layers_refreshes_only_layers_whose_interval_elapsed(url_layer, opener):
    other_url = "https://data.example.org/other.csv"
    opener.responses[other_url] = CSV_OK
    admin = url_layer.created_by
    not_due = services.layer_create(
        actor=admin, data_url=other_url, refresh_minutes=1440, **{**META, "slug": "other"}
    )
    manual = services.layer_create(actor=admin, upload=upload(), **{**META, "slug": "manual"})
    opener.requests.clear()
    assert tasks.refresh_due_layers() == 0  # nothing due yet

    DataLayer.objects.filter(pk=url_layer.pk).update(
        next_refresh_at=timezone.now() - dt.timedelta(minutes=1)
    )
    opener.responses[URL] = geojson_bytes([("z", "Only Z", 52.15, 5.38)])
    assert tasks.refresh_due_layers.delay().get() == 1
    assert [url for url, _timeout in opener.requests] == [URL]
    url_layer.refresh_from_db()
    assert features(url_layer) == [("z", "Only Z")]
    assert url_layer.next_refresh_at > timezone.now() + dt.timedelta(minutes=59)
    not_due.refresh_from_db()
    manual.refresh_from_db()
    assert not_due.feature_count == 3 and manual.feature_count == 3


def test_a_failing_due_layer_waits_a_full_interval_before_the_next_try(url_layer, opener):
    DataLayer.objects.filter(pk=url_layer.pk).update(next_refresh_at=timezone.now())
    opener.responses[URL] = urllib_error()
    assert tasks.refresh_due_layers() == 1
    url_layer.refresh_from_db()
    assert "HTTP 503" in url_layer.last_error and url_layer.feature_count == 2
    assert url_layer.next_refresh_at > timezone.now() + dt.timedelta(minutes=59)
    assert tasks.refresh_due_layers() == 0


def urllib_error():
    import urllib.error

    return urllib.error.HTTPError(URL, 503, "Service Unavailable", {}, None)


def test_refreshing_an_uploaded_layer_rereads_its_file(admin_user):
    layer = services.layer_create(actor=admin_user, upload=upload(), **META)
    layer.features.all().delete()
    assert services.layer_refresh(actor=admin_user, layer=layer).ok
    assert len(features(layer)) == 3
    assert AuditEntry.objects.filter(action="datalayers.layer_refreshed").count() == 1


def test_update_metadata_only_does_not_reimport(url_layer, opener, admin_user):
    opener.requests.clear()
    layer = services.layer_update(
        actor=admin_user, layer=url_layer, name="Park benches", is_public=False
    )
    assert opener.requests == []
    assert (layer.name, layer.is_public) == ("Park benches", False)
    entry = AuditEntry.objects.get(action="datalayers.layer_updated")
    assert entry.before == {"name": "Benches", "is_public": True}
    assert entry.after == {"name": "Park benches", "is_public": False}


def test_update_with_a_new_file_replaces_url_and_features(url_layer, admin_user, settings):
    layer = services.layer_update(
        actor=admin_user, layer=url_layer, upload=upload(), refresh_minutes=0
    )
    assert (layer.data_url, layer.feature_count) == ("", 3)
    assert layer.upload.name == "datalayers/uploads/benches.csv"
    assert features(layer)[0] == ("b1", "Bench by the pond")


def test_update_with_a_bad_new_file_changes_nothing(url_layer, admin_user):
    with pytest.raises(ValidationError):
        services.layer_update(
            actor=admin_user,
            layer=url_layer,
            upload=upload(b"lat,lon\n99,5\n"),
            refresh_minutes=0,
            name="Changed",
        )
    layer = DataLayer.objects.get()
    assert (layer.name, layer.data_url, layer.feature_count) == ("Benches", URL, 2)


def test_delete_removes_features_links_and_the_file(
    admin_user, settings, django_capture_on_commit_callbacks
):
    layer = services.layer_create(actor=admin_user, upload=upload(), **META)
    path = settings.MEDIA_ROOT / layer.upload.name
    FeatureLink.objects.create(
        contribution_kind="report", contribution_id=1, feature=layer.features.first()
    )
    with pytest.raises(PermissionDenied):
        services.layer_delete(actor=None, layer=layer)
    with django_capture_on_commit_callbacks(execute=True):
        services.layer_delete(actor=admin_user, layer=layer)
    assert not DataLayer.objects.exists() and not LayerFeature.objects.exists()
    assert not FeatureLink.objects.exists()
    assert not path.exists()
    entry = AuditEntry.objects.get(action="datalayers.layer_deleted")
    assert entry.before["feature_count"] == 3
