"""Every write about base-map problems: filing a flag and changing its status.

The platform never edits OpenStreetMap: a status only records what the city's
mappers did there (sent a note, added it to a challenge, saw it fixed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wegov.core.audit import audit
from wegov.core.events import emit
from wegov.places.selectors import district_at, is_inside_city

from .models import DESCRIPTION_MAX, NOTES_MAX, OSM_ID_MAX, BaseMapFlag, Kind, OsmType, Status

# "way/123", "way 123", "w123", or an openstreetmap.org element URL.
OSM_REFERENCE = re.compile(
    r"^(?:https?://(?:www\.)?openstreetmap\.org/)?"
    r"(?P<type>node|way|relation|n|w|r)\s*[/ ]?\s*(?P<id>\d{1,19})/?(?:[?#].*)?$",
    re.IGNORECASE,
)
SHORT_TYPES = {"n": OsmType.NODE, "w": OsmType.WAY, "r": OsmType.RELATION}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class NewFlag:
    kind: str
    description: str
    lat: float
    lon: float
    osm_reference: str = ""


def parse_osm_reference(text: str) -> tuple[str, int | None]:
    """("way", 123) from "way/123", "w123" or an openstreetmap.org URL;
    ("", None) for nothing; ValidationError for anything else."""
    text = (text or "").strip()
    if not text:
        return "", None
    match = OSM_REFERENCE.match(text)
    if match is None:
        raise ValidationError(
            _(
                "Give the element as node/123, way/123 or relation/123, "
                "or its openstreetmap.org link."
            )
        )
    kind = match["type"].lower()
    osm_type = SHORT_TYPES.get(kind, kind)
    osm_id = int(match["id"])
    if not 0 < osm_id <= OSM_ID_MAX:
        raise ValidationError(_("That is not an OpenStreetMap element id."))
    return osm_type, osm_id


def _clean_text(text: str) -> str:
    return CONTROL.sub("", (text or "").replace("\r\n", "\n")).strip()


def flag_create(*, actor, data: NewFlag) -> BaseMapFlag:
    """File a base-map problem (anyone signed in and not blocked)."""
    if actor is None or not actor.has_perm("basemap.file_flag"):
        raise PermissionDenied(_("Log in to flag a base-map problem."))
    errors: dict[str, str] = {}
    if data.kind not in Kind.values:
        errors["kind"] = _("Choose what is wrong.")
    description = _clean_text(data.description)
    if not description:
        errors["description"] = _("Describe what is wrong or missing.")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("Use at most %(max)s characters.") % {"max": DESCRIPTION_MAX}
    lat, lon = data.lat, data.lon
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors["location"] = _("That is not a valid location.")
    elif not is_inside_city(lat, lon):
        errors["location"] = _(
            "This place is outside the city. Flag base-map problems inside the city boundary."
        )
    try:
        osm_type, osm_id = parse_osm_reference(data.osm_reference)
    except ValidationError as exc:
        errors["osm_reference"] = " ".join(exc.messages)
        osm_type, osm_id = "", None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        flag = BaseMapFlag.objects.create(
            kind=data.kind,
            description=description,
            lat=lat,
            lon=lon,
            district=district_at(lat, lon),
            osm_type=osm_type,
            osm_id=osm_id,
            reporter=actor,
        )
        emit("basemap.flag_created", flag_id=flag.pk)
    return flag


@transaction.atomic
def flag_change_status(*, actor, flag: BaseMapFlag, status: str, notes: str = "") -> BaseMapFlag:
    """A mapper records what became of a flag (audited)."""
    if actor is None or not actor.has_perm("basemap.change_flag_status"):
        raise PermissionDenied(_("Only the city's mappers can change a flag's status."))
    flag = BaseMapFlag.objects.select_for_update().get(pk=flag.pk)
    if status not in Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    notes = _clean_text(notes)
    if len(notes) > NOTES_MAX:
        raise ValidationError({"notes": _("Use at most %(max)s characters.") % {"max": NOTES_MAX}})
    if status == flag.status and notes == flag.staff_notes:
        raise ValidationError({"status": _("Nothing changed.")})
    before = {"status": flag.status, "notes": flag.staff_notes}
    flag.status = status
    flag.staff_notes = notes
    if before["status"] != status:
        flag.status_changed_at = timezone.now()
        flag.status_changed_by = actor
    flag.save(
        update_fields=[
            "status",
            "staff_notes",
            "status_changed_at",
            "status_changed_by",
            "updated_at",
        ]
    )
    audit(
        actor=actor,
        action="basemap.flag_status_changed",
        target=flag,
        before=before,
        after={"status": status, "notes": notes},
    )
    emit(
        "basemap.flag_status_changed",
        flag_id=flag.pk,
        status_from=before["status"],
        status_to=status,
    )
    return flag
