"""Photo uploads: checked by content, re-encoded, metadata stripped, thumbnailed."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTOS = 3
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
THUMB_SIDE = 400
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


def process_photo(upload) -> tuple[ContentFile, ContentFile, int, int]:
    """Return (image, thumbnail, width, height), both JPEG with no metadata.

    Re-encoding from decoded pixels drops EXIF (GPS position, camera serial)
    and anything hidden after the image data; the EXIF orientation is applied
    first so the photo still shows the right way up.
    """
    if upload.size > MAX_BYTES:
        raise ValidationError(_("A photo can be at most 10 MB."))
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(_("Upload a photo as JPEG, PNG, WebP or GIF."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            img = img.convert("RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a photo we can read. Try a JPEG or PNG.")
        ) from None
    img.thumbnail((MAX_SIDE, MAX_SIDE))
    name = uuid.uuid4().hex
    full = io.BytesIO()
    img.save(full, "JPEG", quality=85, optimize=True)
    thumb_img = img.copy()
    thumb_img.thumbnail((THUMB_SIDE, THUMB_SIDE))
    thumb = io.BytesIO()
    thumb_img.save(thumb, "JPEG", quality=80, optimize=True)
    return (
        ContentFile(full.getvalue(), name=f"{name}.jpg"),
        ContentFile(thumb.getvalue(), name=f"{name}-thumb.jpg"),
        img.width,
        img.height,
    )
