import datetime as dt

from ninja import Router, Schema

from wegov.api.auth import session_or_token

from . import selectors

router = Router(tags=["residency"])


class DistrictOut(Schema):
    slug: str
    name: str


class ResidenceOut(Schema):
    verified: bool
    district: DistrictOut | None = None
    method: str | None = None
    verified_at: dt.datetime | None = None
    valid_until: dt.date | None = None


class ErrorOut(Schema):
    detail: str | dict | list


@router.get(
    "/me/residence",
    response={200: ResidenceOut, 401: ErrorOut},
    auth=session_or_token,
    summary="Your verified residence (district), if any",
)
def my_residence(request):
    residence = selectors.current_residence(request.auth)
    if residence is None:
        return {"verified": False}
    return {
        "verified": True,
        "district": {"slug": residence.district.slug, "name": residence.district.name},
        "method": residence.method,
        "verified_at": residence.verified_at,
        "valid_until": residence.expires_on,
    }
