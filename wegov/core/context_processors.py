from django.conf import settings


def platform(request):
    return {
        "CITY_NAME": settings.WEGOV_CITY_NAME,
        "CONTACT_EMAIL": settings.WEGOV_CONTACT_EMAIL,
        "TILE_URL": settings.WEGOV_TILE_URL,
        "TILE_ATTRIBUTION": settings.WEGOV_TILE_ATTRIBUTION,
    }
