"""Avatar uploads: checked by content, re-encoded without metadata, square."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
SIDE = 256
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


def process_avatar(upload) -> ContentFile:
    """A 256 by 256 JPEG cut from the middle of the picture.

    Decoding and encoding again drops EXIF (GPS position, camera serial) and
    anything hidden after the image data; the EXIF orientation is applied
    first so the picture stays the right way up.
    """
    if upload.size > MAX_BYTES:
        raise ValidationError(_("A picture can be at most 5 MB."))
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(_("Upload a picture as JPEG, PNG, WebP or GIF."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The picture has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            img = img.convert("RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a picture we can read. Try a JPEG or PNG.")
        ) from None
    square = ImageOps.fit(img, (SIDE, SIDE), method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
