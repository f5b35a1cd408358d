import json

import pytest

from wegov.datalayers.parsing import Columns, LayerFileError, parse_layer_file

from .conftest import CSV_OK, geojson_bytes


def refused(content, **kwargs) -> str:
    with pytest.raises(LayerFileError) as caught:
        parse_layer_file(content, **kwargs)
    return " ".join(caught.value.messages)


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def point(lon, lat, **properties):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


# --- GeoJSON ---------------------------------------------------------------------


def test_geojson_points_with_ids_names_and_sanitised_properties():
    content = geojson_bytes(
        [("p1", "Speeltuin Oost", 52.15, 5.38), (7, "Speeltuin West", 52.16, 5.39)],
        nested={"a": 1},
        tags=["x"],
        height=2.5,
        open=True,
        note=None,
    )
    features = parse_layer_file(content)
    assert [(f.key, f.name, f.lat, f.lon) for f in features] == [
        ("p1", "Speeltuin Oost", 52.15, 5.38),
        ("7", "Speeltuin West", 52.16, 5.39),
    ]
    # Scalars only: the nested object and the list are dropped.
    assert features[0].properties == {
        "name": "Speeltuin Oost",
        "height": 2.5,
        "open": True,
        "note": None,
    }


def test_geojson_without_ids_numbers_features_and_reads_a_named_key_property():
    content = collection(point(5.38, 52.15, ref="A-1"), point(5.39, 52.16, ref="A-2"))
    assert [f.key for f in parse_layer_file(content)] == ["1", "2"]
    keyed = parse_layer_file(content, columns=Columns(key="ref"))
    assert [f.key for f in keyed] == ["A-1", "A-2"]


def test_a_single_feature_is_a_layer_of_one():
    features = parse_layer_file(json.dumps(point(5.38, 52.15, naam="Bankje")).encode())
    assert [(f.name, f.lat) for f in features] == [("Bankje", 52.15)]


def test_a_polygon_is_reduced_to_a_point_inside_it():
    square = [[5.38, 52.15], [5.39, 52.15], [5.39, 52.16], [5.38, 52.16], [5.38, 52.15]]
    content = collection(
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [square]}}
    )
    (feature,) = parse_layer_file(content)
    assert 52.15 < feature.lat < 52.16 and 5.38 < feature.lon < 5.39


def test_not_json_names_line_and_column():
    message = refused(b'{"type": "FeatureCollection",\n  "features": [,]}')
    assert "not valid JSON at line 2, column" in message


def test_json_that_is_not_geojson_is_refused():
    assert "not GeoJSON" in refused(b'{"hello": "world"}')


def test_a_geometry_collection_is_refused_with_the_feature_index():
    bad = {"type": "Feature", "geometry": {"type": "GeometryCollection", "geometries": []}}
    message = refused(collection(point(5.38, 52.15), point(5.39, 52.16), bad))
    assert message.startswith("Feature 3 (index 2): the geometry is a GeometryCollection")
    assert "not a Point" in message


def test_coordinates_out_of_range_name_the_feature():
    # Latitude first by mistake: 52 is a fine longitude, 152 no latitude.
    message = refused(collection(point(5.38, 52.15), point(52.15, 152.0)))
    assert message.startswith(
        "Feature 2 (index 1): the coordinates [52.15, 152.0] are out of range"
    )


def test_missing_geometry_and_non_numeric_coordinates_are_refused():
    no_geometry = {"type": "Feature", "geometry": None, "properties": {}}
    assert refused(collection(no_geometry)) == "Feature 1 (index 0) has no geometry."
    text = refused(collection(point("5.38", 52.15)))
    assert text.startswith("Feature 1 (index 0): the coordinates")
    assert "not numbers" in text


def test_duplicate_ids_are_refused():
    content = geojson_bytes([("a", "One", 52.1, 5.3), ("a", "Two", 52.2, 5.3)])
    assert "its identifier “a” is already used by feature 1" in refused(content)


def test_too_many_features_are_refused():
    content = geojson_bytes([(str(i), "x", 52.1, 5.3) for i in range(4)])
    assert "has 4 features; a layer may have at most 3" in refused(content, max_features=3)


# --- CSV ---------------------------------------------------------------------------


def test_csv_detects_latitude_longitude_name_and_id_columns():
    features = parse_layer_file(CSV_OK)
    assert [(f.key, f.name) for f in features] == [
        ("b1", "Bench by the pond"),
        ("b2", "Bench at the school"),
        ("b3", "Bench far away"),
    ]
    # The other columns are the properties; the coordinates are not repeated.
    assert features[0].properties == {"id": "b1", "name": "Bench by the pond", "kind": "wood"}


@pytest.mark.parametrize("header", ["lat,lon", "LAT,LNG", "Latitude,Longitude", "y,x", "lat,long"])
def test_csv_common_coordinate_names(header):
    (feature,) = parse_layer_file(f"{header}\n52.1,5.3\n".encode())
    assert (feature.lat, feature.lon, feature.key) == (52.1, 5.3, "1")


def test_csv_with_semicolons_decimal_commas_and_a_bom():
    content = "\ufeffnaam;breedtegraad;lengtegraad\nHalte Markt;52,1561;5,3878\n".encode()
    (feature,) = parse_layer_file(content)
    assert (feature.name, feature.lat, feature.lon) == ("Halte Markt", 52.1561, 5.3878)


def test_csv_named_columns():
    content = b"label,north,east,code\nStop A,52.1,5.3,S1\n"
    (feature,) = parse_layer_file(
        content, columns=Columns(lat="north", lon="east", name="label", key="code")
    )
    assert (feature.key, feature.name, feature.lat, feature.lon) == ("S1", "Stop A", 52.1, 5.3)


def test_csv_named_column_that_does_not_exist():
    message = refused(b"a,b\n1,2\n", columns=Columns(lat="north", lon="b"))
    assert message == "Line 1: there is no latitude column “north”; the columns are: a, b."


def test_csv_without_recognisable_coordinates_asks_to_name_them():
    message = refused(b"naam,noord,oost\nA,52.1,5.3\n")
    assert message.startswith("Line 1: no latitude column found")
    assert "naam, noord, oost" in message


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("A,52.1,5.3\nB,abc,5.3\n", "Line 3: the latitude “abc” is not a number."),
        ("A,52.1,5.3\n\nB,52.1,200\n", "Line 4: the longitude 200 is out of range (-180 to 180)."),
        ("A,52.1,5.3,extra\n", "Line 2: 4 values, but the header has 3 columns."),
        ("A,,5.3\n", "Line 2: the latitude is empty."),
        (
            '"A\nstill A",52.1,5.3\nB,91,5.3\n',
            "Line 4: the latitude 91 is out of range (-90 to 90).",
        ),
    ],
)
def test_csv_errors_name_the_line(rows, expected):
    assert refused(f"name,lat,lon\n{rows}".encode()) == expected


def test_csv_duplicate_ids_name_both_lines():
    message = refused(b"id,lat,lon\nx,52.1,5.3\nx,52.2,5.3\n")
    assert message == "Line 3: the identifier “x” is already used on line 2."


def test_csv_header_only_and_empty_files_are_refused():
    assert refused(b"lat,lon\n") == "The file has a header but no rows."
    assert refused(b"  \n") == "The file is empty."


def test_csv_too_many_rows():
    content = b"lat,lon\n" + b"52.1,5.3\n" * 3
    assert refused(content, max_features=2) == "Line 4: a layer may have at most 2 features."


def test_not_utf8_names_the_line():
    message = refused(b"name,lat,lon\nA,52.1,5.3\n\xff\xfe,52.1,5.3\n")
    assert message.startswith("Line 3: the file is not UTF-8 text")


def test_explicit_format_overrides_detection():
    # A CSV declared as GeoJSON is refused as JSON, with its position.
    assert "not valid JSON at line 1, column 1" in refused(CSV_OK, format="geojson")
