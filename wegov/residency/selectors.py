"""Reads shared by pages, the API and other apps.

The contract for other apps (participatory budgeting, polls):

* ``is_resident_of(user, district) -> bool``: the user has a current (not
  expired) residence in ``district``; with ``district=None``, anywhere in the city.
* ``residence_district(user) -> District | None``: the district of the user's
  current residence.
"""

from __future__ import annotations

from django.db.models import Count, Q

from wegov.places.models import District

from .models import CensusList, CodeBatch, Residence


def _authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def current_residence(user) -> Residence | None:
    if not _authenticated(user):
        return None
    return Residence.objects.current().select_related("district").filter(user=user).first()


def is_resident_of(user, district: District | None) -> bool:
    if not _authenticated(user):
        return False
    residences = Residence.objects.current().filter(user=user)
    if district is not None:
        residences = residences.filter(district_id=district.pk)
    return residences.exists()


def residence_district(user) -> District | None:
    residence = current_residence(user)
    return residence.district if residence else None


def residence_of(user) -> Residence | None:
    """The user's residence, expired or not (for their own status page and staff)."""
    if user is None or not user.is_authenticated:
        return None
    return Residence.objects.select_related("district", "verified_by").filter(user=user).first()


def census_lists():
    return CensusList.objects.select_related("district", "uploaded_by").annotate(
        claimed=Count("entries", filter=Q(entries__claimed_by__isnull=False))
    )


def code_batches():
    return CodeBatch.objects.select_related("district", "created_by").annotate(
        used=Count("letters", filter=Q(letters__used_by__isnull=False))
    )


def has_active_census() -> bool:
    return CensusList.objects.filter(is_active=True).exists()


def residents_count_by_district() -> dict[int, int]:
    return dict(
        Residence.objects.current()
        .values_list("district")
        .annotate(n=Count("id"))
        .values_list("district", "n")
    )
