"""Areas of interest in "my data" (export) and account erasure."""

from wegov.core import personal_data

from .models import AreaAlert, AreaOfInterest


def export(user) -> dict:
    return {
        "areas_of_interest": [
            {
                "name": a.name,
                "kind": a.kind,
                "center": ({"lat": a.center_lat, "lon": a.center_lon} if a.is_circle else None),
                "radius_m": a.radius_m,
                "districts": [d.slug for d in a.districts.all()],
                "created_at": a.created_at.isoformat(),
            }
            for a in AreaOfInterest.objects.filter(user=user)
            .prefetch_related("districts")
            .order_by("created_at", "id")
        ]
    }


def erase(user) -> None:
    # A circle is often drawn around someone's home: nothing of it is kept.
    AreaOfInterest.objects.filter(user=user).delete()
    AreaAlert.objects.filter(user=user).delete()


personal_data.register_section(personal_data.PersonalDataSection("places", export, erase, order=65))
