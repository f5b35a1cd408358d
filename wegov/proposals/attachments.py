"""Proposal attachments: PDF, JPEG or PNG, checked by their content, not their name.

Images are decoded and re-encoded (EXIF, GPS position and anything hidden
after the image data are dropped, the orientation applied first); a PDF is
kept as sent once its header and end marker look right. Nothing is trusted
from the browser: neither the file name nor the declared content type.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_ATTACHMENTS = 3
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2560
# MPO is the JPEG variant some phones write.
IMAGE_FORMATS = {"JPEG", "PNG", "MPO"}


@dataclass
class CheckedFile:
    content: ContentFile
    kind: str  # ProposalAttachment.Kind
    content_type: str
    size: int


def _pdf(data: bytes) -> CheckedFile:
    # A PDF starts with "%PDF-1.x" (a few bytes of junk before it are allowed
    # by readers, not by us) and ends with "%%EOF" near the end.
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise ValidationError(_("This PDF file looks damaged. Save it again and retry."))
    name = f"{uuid.uuid4().hex}.pdf"
    return CheckedFile(ContentFile(data, name=name), "pdf", "application/pdf", len(data))


def _image(data: bytes) -> CheckedFile:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in IMAGE_FORMATS:
                raise ValidationError(_("Attach a PDF, JPEG or PNG file."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The image has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("Attach a PDF, JPEG or PNG file.")) from None
    img.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if fmt == "PNG":
        if img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            img = img.convert("RGBA")
        img.save(out, "PNG", optimize=True)
        content_type, ext = "image/png", "png"
    else:
        img.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        content_type, ext = "image/jpeg", "jpg"
    value = out.getvalue()
    name = f"{uuid.uuid4().hex}.{ext}"
    return CheckedFile(ContentFile(value, name=name), "image", content_type, len(value))


def check_attachment(upload) -> CheckedFile:
    """Validate and clean one uploaded file; raises ValidationError with a message."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(_("An attachment can be at most 10 MB."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("An attachment can be at most 10 MB."))
    if not data:
        raise ValidationError(_("The file is empty."))
    if data[:5] == b"%PDF-":
        return _pdf(data)
    return _image(data)
