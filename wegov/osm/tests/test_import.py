import gzip

import pytest
from django.core.management import CommandError, call_command

from wegov.core.models import AuditEntry
from wegov.osm import services
from wegov.osm.models import Address, Feature, NoPlaceArea, OsmImport, Street

from .conftest import OsmWriter, small_extract

pytestmark = pytest.mark.django_db


def test_command_imports_streets_addresses_features_water_and_buildings(extract_path, capsys):
    call_command("import_osm", str(extract_path))
    out = capsys.readouterr().out
    assert "2 streets, 3 addresses, 5 features, 2 water areas, 1 buildings" in out
    assert sorted(Street.objects.values_list("name", flat=True)) == [
        "Kerkstraat",
        "Ééndrachtstraat",
    ]
    kerk = Street.objects.get(name="Kerkstraat")
    assert kerk.highway == "residential" and len(kerk.points()) == 6
    assert (kerk.min_lat, kerk.max_lat) == (52.155, 52.155)
    assert (kerk.min_lon, kerk.max_lon) == pytest.approx((5.385, 5.395))
    building_address = Address.objects.get(housenumber="12")
    assert (building_address.osm_type, building_address.street) == ("w", "Kerkstraat")
    assert building_address.lat == pytest.approx(52.1553) and building_address.lon == pytest.approx(
        5.388
    )
    node_address = Address.objects.get(housenumber="14")
    assert (node_address.postcode, node_address.city) == ("3811 AB", "Lindenbrug")
    assert Address.objects.get(housenumber="3a").norm_street == "eendrachtstraat"
    assert sorted(Feature.objects.values_list("kind", flat=True)) == [
        "bench",
        "bus_stop",
        "playground",
        "street_lamp",
        "waste_basket",
    ]
    assert Feature.objects.get(kind="street_lamp").ref == "LB-00042"
    assert Feature.objects.get(kind="playground").lat == pytest.approx(52.158)
    water = {a.name: a for a in NoPlaceArea.objects.filter(kind="water")}
    assert set(water) == {"Lindevijver", "De Linde"}
    assert water["De Linde"].osm_type == "r"  # a multipolygon relation
    assert water["Lindevijver"].geometry["type"] == "Polygon"
    assert NoPlaceArea.objects.get(kind="building").name == "Kerkstraat 12"
    record = OsmImport.objects.get()
    assert record.source == "small.osm" and record.counts["buildings"] == 1
    assert AuditEntry.objects.filter(action="osm.imported").count() == 1


def test_reimport_replaces_the_whole_index(tmp_path, imported):
    w = OsmWriter()
    w.way([(52.15, 5.38), (52.151, 5.381)], {"highway": "primary", "name": "Nieuwe Weg"})
    services.osm_import(path=w.save(tmp_path / "second.osm"))
    assert list(Street.objects.values_list("name", flat=True)) == ["Nieuwe Weg"]
    assert not Address.objects.exists()
    assert not Feature.objects.exists()
    assert not NoPlaceArea.objects.exists()
    assert OsmImport.objects.count() == 2
    assert OsmImport.objects.first().source == "second.osm"


def test_reads_pbf_and_gzipped_xml(tmp_path):
    import osmium

    xml = small_extract().xml()
    gz = tmp_path / "city.osm.gz"
    gz.write_bytes(gzip.compress(xml.encode()))
    services.osm_import(path=gz)
    assert Street.objects.count() == 2
    # The same data as PBF, written by osmium itself.
    plain = tmp_path / "city.osm"
    plain.write_text(xml)
    pbf = tmp_path / "city.osm.pbf"
    writer = osmium.SimpleWriter(str(pbf))
    for obj in osmium.FileProcessor(str(plain)):
        writer.add(obj)
    writer.close()
    services.osm_import(path=pbf)
    assert Street.objects.count() == 2 and Address.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "is not an OpenStreetMap extract"),
        ("broken.osm", b"this is not xml", "could not be read as an OpenStreetMap extract"),
        (
            "broken.osm.pbf",
            b"\x00\x00\x00\x05junk",
            "could not be read as an OpenStreetMap extract",
        ),
        ("empty.osm", b'<?xml version="1.0"?><osm version="0.6"></osm>', "holds no streets"),
    ],
)
def test_a_file_that_is_not_osm_is_refused_and_keeps_the_index(
    tmp_path, imported, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_osm", str(path))
    assert Street.objects.count() == 2
    assert OsmImport.objects.count() == 1


def test_a_missing_file_is_a_command_error(tmp_path, db):
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_osm", str(tmp_path / "nope.osm"))
