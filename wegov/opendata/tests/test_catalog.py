"""The DCAT-AP catalogue, parsed back from both serialisations and checked
against the profile's property table (DCAT-AP 2.1 / 3.0: mandatory and the
recommended properties this catalogue emits)."""

import pytest
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib import namespace as rns

from wegov.opendata import registry, services

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"

# Value kinds: "literal", "uri" (an IRI), ("node", Class) a resource of that
# type, ("uri-in", prefix) an IRI of a controlled vocabulary.
LITERAL, URI = "literal", "uri"


def node(cls):
    return ("node", cls)


def vocab(prefix):
    return ("uri-in", prefix)


# class -> [(property, minimum count, value kind)]
DCAT_AP = {
    rns.DCAT.Catalog: [
        # mandatory
        (rns.DCTERMS.title, 1, LITERAL),
        (rns.DCTERMS.description, 1, LITERAL),
        (rns.DCTERMS.publisher, 1, node(rns.FOAF.Agent)),
        (rns.DCAT.dataset, 1, node(rns.DCAT.Dataset)),
        # recommended
        (rns.FOAF.homepage, 1, URI),
        (rns.DCTERMS.language, 1, vocab(EU + "language/")),
        (rns.DCTERMS.license, 1, node(rns.DCTERMS.LicenseDocument)),
        (rns.DCTERMS.modified, 1, LITERAL),
        (rns.DCTERMS.spatial, 1, node(rns.DCTERMS.Location)),
        (rns.DCAT.themeTaxonomy, 1, URI),
    ],
    rns.DCAT.Dataset: [
        (rns.DCTERMS.title, 1, LITERAL),
        (rns.DCTERMS.description, 1, LITERAL),
        (rns.DCAT.contactPoint, 1, node(VCARD.Organization)),
        (rns.DCAT.distribution, 3, node(rns.DCAT.Distribution)),
        (rns.DCAT.keyword, 1, LITERAL),
        (rns.DCTERMS.publisher, 1, node(rns.FOAF.Agent)),
        (rns.DCTERMS.spatial, 1, node(rns.DCTERMS.Location)),
        (rns.DCAT.theme, 1, vocab(EU + "data-theme/")),
        (rns.DCTERMS.issued, 1, LITERAL),
        (rns.DCTERMS.modified, 1, LITERAL),
        (rns.DCTERMS.accessRights, 1, vocab(EU + "access-right/")),
        (rns.DCTERMS.accrualPeriodicity, 1, vocab(EU + "frequency/")),
    ],
    rns.DCAT.Distribution: [
        (rns.DCAT.accessURL, 1, URI),
        (rns.DCAT.downloadURL, 1, URI),
        (rns.DCTERMS.format, 1, vocab(EU + "file-type/")),
        (rns.DCAT.mediaType, 1, vocab("https://www.iana.org/assignments/media-types/")),
        (rns.DCTERMS.license, 1, node(rns.DCTERMS.LicenseDocument)),
        (rns.DCAT.byteSize, 1, LITERAL),
    ],
    rns.FOAF.Agent: [(rns.FOAF.name, 1, LITERAL)],
    VCARD.Organization: [(VCARD.fn, 1, LITERAL), (VCARD.hasEmail, 1, URI)],
    rns.DCTERMS.Location: [(rns.DCAT.bbox, 1, LITERAL)],
    rns.DCTERMS.PeriodOfTime: [(rns.DCAT.startDate, 1, LITERAL), (rns.DCAT.endDate, 1, LITERAL)],
}


def _wrong(g: Graph, value, kind) -> str | None:
    """Why ``value`` does not fit ``kind``, or None."""
    if kind == LITERAL:
        return None if isinstance(value, Literal) else "is not a literal"
    if kind == URI:
        return None if isinstance(value, URIRef) else "is not an IRI"
    what, arg = kind
    if what == "uri-in":
        ok = isinstance(value, URIRef) and str(value).startswith(arg)
        return None if ok else f"is not in {arg}"
    ok = isinstance(value, URIRef | BNode) and (value, rns.RDF.type, arg) in g
    return None if ok else f"is not a {arg}"


def check_dcat_ap(g: Graph) -> list[str]:
    """Every missing or mistyped property of every resource, as messages."""
    problems = []
    for cls, table in DCAT_AP.items():
        for subject in g.subjects(rns.RDF.type, cls):
            for prop, minimum, kind in table:
                values = list(g.objects(subject, prop))
                if len(values) < minimum:
                    problems.append(f"{subject} ({cls}): {prop} {len(values)} < {minimum}")
                for value in values:
                    reason = _wrong(g, value, kind)
                    if reason:
                        problems.append(f"{subject}: {prop} {value} {reason}")
    return problems


@pytest.fixture
def exported(world):
    services.export_all()
    return world


def parsed(client, name, fmt) -> Graph:
    response = client.get(reverse(f"opendata:{name}"))
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode(), format=fmt)


@pytest.mark.parametrize(
    "name,fmt,content_type",
    [("catalog_jsonld", "json-ld", "application/ld+json"), ("catalog_ttl", "turtle",
                                                            "text/turtle")],
)  # fmt: skip
def test_catalogue_meets_dcat_ap(client, exported, name, fmt, content_type):
    response = client.get(reverse(f"opendata:{name}"))
    assert response["Content-Type"].startswith(content_type)
    g = parsed(client, name, fmt)
    assert check_dcat_ap(g) == []
    catalogs = list(g.subjects(rns.RDF.type, rns.DCAT.Catalog))
    assert len(catalogs) == 1
    datasets = set(g.objects(catalogs[0], rns.DCAT.dataset))
    assert len(datasets) == len(registry.slugs())
    identifiers = {str(g.value(d, rns.DCTERMS.identifier)) for d in datasets}
    assert identifiers == set(registry.slugs())
    distributions = set(g.subjects(rns.RDF.type, rns.DCAT.Distribution))
    assert len(distributions) == 3 * len(registry.slugs())
    formats = {str(g.value(d, rns.DCTERMS.format)).rsplit("/", 1)[1] for d in distributions}
    assert formats == {"CSV", "GEOJSON", "JSON"}
    media = {str(g.value(d, rns.DCAT.mediaType)) for d in distributions}
    assert "https://www.iana.org/assignments/media-types/application/geo+json" in media


def test_both_serialisations_say_the_same(client, exported):
    a = parsed(client, "catalog_jsonld", "json-ld")
    b = parsed(client, "catalog_ttl", "turtle")
    from rdflib.compare import isomorphic

    assert isomorphic(a, b)


def test_distributions_point_at_working_downloads_with_their_size(client, exported, settings):
    g = parsed(client, "catalog_ttl", "turtle")
    base = settings.WEGOV_BASE_URL.rstrip("/")
    for dist in g.subjects(rns.RDF.type, rns.DCAT.Distribution):
        url = str(g.value(dist, rns.DCAT.downloadURL))
        assert url.startswith(base + "/opendata/")
        response = client.get(url[len(base) :])
        assert response.status_code == 200
        size = g.value(dist, rns.DCAT.byteSize)
        assert size.datatype == rns.XSD.nonNegativeInteger
        assert int(size) == int(response["Content-Length"])


def test_licence_publisher_contact_and_temporal(client, exported):
    g = parsed(client, "catalog_ttl", "turtle")
    licences = set(g.objects(None, rns.DCTERMS.license))
    assert licences == {URIRef(EU + "licence/CC_BY_4_0")}
    publisher = g.value(next(g.subjects(rns.RDF.type, rns.DCAT.Catalog)), rns.DCTERMS.publisher)
    assert str(g.value(publisher, rns.FOAF.name)) == "Lindenbrug"
    emails = set(g.objects(None, VCARD.hasEmail))
    assert emails == {URIRef("mailto:participation@lindenbrug.example")}
    reports = next(d for d in g.subjects(rns.RDF.type, rns.DCAT.Dataset)
                   if str(g.value(d, rns.DCTERMS.identifier)) == "reports")  # fmt: skip
    period = g.value(reports, rns.DCTERMS.temporal)
    assert (period, rns.RDF.type, rns.DCTERMS.PeriodOfTime) in g
    assert g.value(period, rns.DCAT.startDate) <= g.value(period, rns.DCAT.endDate)
    bbox = str(g.value(g.value(reports, rns.DCTERMS.spatial), rns.DCAT.bbox))
    assert bbox.startswith("POLYGON((5.37 52.14")


def test_checker_catches_a_missing_mandatory_property(client, exported):
    g = parsed(client, "catalog_ttl", "turtle")
    dist = next(g.subjects(rns.RDF.type, rns.DCAT.Distribution))
    g.remove((dist, rns.DCAT.accessURL, None))
    dataset = next(g.subjects(rns.RDF.type, rns.DCAT.Dataset))
    g.remove((dataset, rns.DCTERMS.title, None))
    g.set((dataset, rns.DCAT.theme, URIRef("http://example.org/theme")))
    problems = check_dcat_ap(g)
    assert any("accessURL" in p for p in problems)
    assert any("title" in p for p in problems)
    assert any("theme" in p for p in problems)


def test_catalogue_before_any_export_still_meets_the_mandatory_properties(client, world):
    g = parsed(client, "catalog_jsonld", "json-ld")
    # No file yet: no size, no dates; every mandatory property is still there.
    problems = check_dcat_ap(g)
    assert problems
    assert all(
        any(p in problem for p in ("byteSize", "issued", "modified")) for problem in problems
    ), problems


def test_licence_change_shows_in_the_catalogue(client, exported):
    from wegov.opendata.models import OpenDataSettings

    od = OpenDataSettings.load()
    od.licence = "CC0-1.0"
    od.save()
    g = parsed(client, "catalog_ttl", "turtle")
    assert set(g.objects(None, rns.DCTERMS.license)) == {URIRef(EU + "licence/CC0")}


def test_catalogue_queries_are_bounded(client, exported, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get(reverse("opendata:catalog_ttl")).status_code == 200
