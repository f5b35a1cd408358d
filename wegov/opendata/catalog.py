"""The DCAT-AP catalogue of the open data: an rdflib graph of the catalogue,
its datasets and one distribution per file format, serialised as JSON-LD and
Turtle for national and European portals to harvest.

Follows DCAT-AP 2/3: every mandatory property (Catalogue: title, description,
publisher, dataset; Dataset: title, description; Distribution: access URL)
and the recommended ones the platform knows (contact point, keywords,
themes from the EU data-theme vocabulary, spatial coverage, temporal
coverage, licence, format, media type, byte size, dates).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from wegov.places.selectors import city_area

from .models import OpenDataSettings
from .selectors import DatasetListing, listing

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
EU = "http://publications.europa.eu/resource/authority/"
DATA_THEME = Namespace(EU + "data-theme/")
FILE_TYPE = Namespace(EU + "file-type/")
FREQUENCY = Namespace(EU + "frequency/")
ACCESS_RIGHT = Namespace(EU + "access-right/")
LANGUAGE = Namespace(EU + "language/")
IANA = "https://www.iana.org/assignments/media-types/"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/LocalAuthority"
LANGUAGE_CODES = {"en": "ENG", "nl": "NLD", "it": "ITA", "de": "DEU"}


def base_url() -> str:
    return settings.WEGOV_BASE_URL.rstrip("/")


def catalog_uri() -> URIRef:
    return URIRef(base_url() + "/opendata/catalog")


def dataset_uri(slug: str) -> URIRef:
    return URIRef(f"{base_url()}/opendata/#dataset-{slug}")


def distribution_uri(slug: str, fmt: str) -> URIRef:
    return URIRef(f"{base_url()}/opendata/#dataset-{slug}-{fmt}")


def _polygon_wkt(min_lon, min_lat, max_lon, max_lat) -> str:
    corners = [(min_lon, min_lat), (max_lon, min_lat), (max_lon, max_lat), (min_lon, max_lat)]
    ring = ", ".join(f"{x} {y}" for x, y in [*corners, corners[0]])
    return f"POLYGON(({ring}))"


def _moment(value: dt.datetime) -> Literal:
    return Literal(value.astimezone(dt.UTC).replace(microsecond=0), datatype=XSD.dateTime)


def build_graph(items: list[DatasetListing] | None = None) -> Graph:
    items = listing() if items is None else items
    od = OpenDataSettings.load()
    lang = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                       ("locn", LOCN), ("gsp", GSP)):  # fmt: skip
        g.bind(prefix, ns)

    home = base_url() + "/opendata/"
    catalog = catalog_uri()
    publisher = URIRef(base_url() + "/#publisher")
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(od.publisher_name)))
    g.add((publisher, DCTERMS.type, URIRef(ADMS_PUBLISHER_TYPE)))
    g.add((publisher, FOAF.homepage, URIRef(base_url() + "/")))

    contact = URIRef(base_url() + "/opendata/#contact")
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(od.contact_name)))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{od.contact_email}")))

    licence = URIRef(od.licence_authority_uri)
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    g.add((licence, DCTERMS.identifier, Literal(od.licence)))

    spatial = None
    city = city_area()
    if city is not None:
        spatial = URIRef(base_url() + "/opendata/#spatial")
        g.add((spatial, RDF.type, DCTERMS.Location))
        g.add((spatial, LOCN.geographicName, Literal(city.name)))
        bbox = _polygon_wkt(city.min_lon, city.min_lat, city.max_lon, city.max_lat)
        g.add((spatial, DCAT.bbox, Literal(bbox, datatype=GSP.wktLiteral)))

    city_name = settings.WEGOV_CITY_NAME
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal(f"WeGov {city_name}: open data", lang="en")))
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                f"Public data of the citizen-participation platform of {city_name}: problem "
                "reports and how they are handled, participatory processes, proposals, "
                "debates and comment counts. Without personal data; regenerated nightly.",
                lang="en",
            ),
        )
    )
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, FOAF.homepage, URIRef(home)))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, DCTERMS.language, LANGUAGE[LANGUAGE_CODES.get(lang, "ENG")]))
    g.add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    if spatial is not None:
        g.add((catalog, DCTERMS.spatial, spatial))
    generated = [i.export.generated_at for i in items if i.generated]
    issued = [i.export.first_generated_at for i in items if i.generated]
    g.add((catalog, DCTERMS.modified, _moment(max(generated, default=timezone.now()))))
    if issued:
        g.add((catalog, DCTERMS.issued, _moment(min(issued))))

    for item in items:
        _add_dataset(g, item, catalog, publisher, contact, licence, spatial, lang)
    return g


def _add_dataset(g, item, catalog, publisher, contact, licence, spatial, lang) -> None:
    dataset = item.dataset
    node = dataset_uri(dataset.slug)
    g.add((catalog, DCAT.dataset, node))
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.identifier, Literal(dataset.slug)))
    g.add((node, DCTERMS.title, Literal(str(dataset.title), lang=lang)))
    g.add((node, DCTERMS.description, Literal(str(dataset.description), lang=lang)))
    g.add((node, DCTERMS.publisher, publisher))
    g.add((node, DCAT.contactPoint, contact))
    g.add((node, DCAT.landingPage, URIRef(f"{base_url()}/opendata/#dataset-{dataset.slug}")))
    g.add((node, DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC))
    g.add((node, DCTERMS.accrualPeriodicity, FREQUENCY.DAILY))
    for keyword in dataset.keywords:
        g.add((node, DCAT.keyword, Literal(keyword, lang="en")))
    for theme in dataset.themes:
        g.add((node, DCAT.theme, DATA_THEME[theme]))
    if spatial is not None:
        g.add((node, DCTERMS.spatial, spatial))
    export = item.export
    if item.generated:
        g.add((node, DCTERMS.issued, _moment(export.first_generated_at or export.generated_at)))
        g.add((node, DCTERMS.modified, _moment(export.generated_at)))
        if export.temporal_start and export.temporal_end:
            period = BNode()
            g.add((node, DCTERMS.temporal, period))
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            g.add((period, DCAT.startDate, Literal(export.temporal_start, datatype=XSD.date)))
            g.add((period, DCAT.endDate, Literal(export.temporal_end, datatype=XSD.date)))
    for dist in item.distributions:
        d = distribution_uri(dataset.slug, dist.format)
        url = URIRef(base_url() + dist.path)
        g.add((node, DCAT.distribution, d))
        g.add((d, RDF.type, DCAT.Distribution))
        g.add((d, DCTERMS.title, Literal(f"{dataset.title} ({dist.label})", lang=lang)))
        g.add((d, DCAT.accessURL, url))
        g.add((d, DCAT.downloadURL, url))
        g.add((d, DCTERMS.format, FILE_TYPE[dist.eu_file_type]))
        g.add((d, DCAT.mediaType, URIRef(IANA + dist.media_type)))
        g.add((d, DCTERMS.license, licence))
        if dist.size is not None:
            g.add((d, DCAT.byteSize, Literal(dist.size, datatype=XSD.nonNegativeInteger)))
        if item.generated:
            g.add((d, DCTERMS.modified, _moment(export.generated_at)))


def as_jsonld(graph: Graph) -> str:
    context = {
        "dcat": str(DCAT),
        "dct": str(DCTERMS),
        "foaf": str(FOAF),
        "vcard": str(VCARD),
        "locn": str(LOCN),
        "gsp": str(GSP),
        "xsd": str(XSD),
    }
    return graph.serialize(format="json-ld", context=context, indent=2)


def as_turtle(graph: Graph) -> str:
    return graph.serialize(format="turtle")
