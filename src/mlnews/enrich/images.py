"""Images made fit for a web page: sniffed by their bytes, bounded in size, re-encoded without metadata.

Everything here is a function of bytes, so untrusted downloads can be checked
before anything is decoded: `sniff_image_type` reads the magic bytes (a
server's Content-Type says what it meant to send, not what arrived), and
`web_image` refuses a decompression bomb from its header, before loading.

Encoding rule: an image with at most `PALETTE_COLOURS` distinct colours after
resizing (flat diagrams, charts without anti-aliasing, logos) is saved as PNG
with a palette, which is lossless and small for such images; everything else
(photos, renders of pages with anti-aliased text) as lossy WebP.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, ImageStat

from mlnews.errors import MlnewsError

MAX_WIDTH = 1200
MAX_PIXELS = 40_000_000
PALETTE_COLOURS = 256
WEBP_QUALITY = 82
# Below this standard deviation of grey levels (0-255) an image reads as one flat colour.
BLANK_STDDEV = 4.0
_BLANK_THUMBNAIL = 256  # px; big enough that thin lines of a diagram still move the statistic

# The decoders we accept; Pillow would otherwise try every format it knows on untrusted bytes.
_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}
_ORIENTATION = 0x0112  # EXIF tag
_QUARTER_TURNS = {5, 6, 7, 8}  # orientations that swap width and height


class FigureError(MlnewsError):
    """An image or PDF that yields no figure; the message names the reason in one line."""


def sniff_image_type(data: bytes) -> str | None:
    """ "png" | "jpeg" | "gif" | "webp" from the file's magic bytes, or None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def web_image(
    data: bytes, *, max_width: int = MAX_WIDTH, max_pixels: int = MAX_PIXELS
) -> tuple[bytes, str, int, int]:
    """The image re-encoded as (bytes, "webp" | "png", width, height), at most `max_width` wide.

    Keeps the aspect ratio, follows a JPEG's EXIF orientation, takes a GIF's
    first frame and drops all metadata. `FigureError` for bytes that are not a
    PNG/JPEG/GIF/WebP, images over `max_pixels`, and truncated or corrupt files.
    """
    image = _decode(data, max_width=max_width, max_pixels=max_pixels)
    image = _fit_width(image, max_width)
    encoded, kind = _encode(image)
    return encoded, kind, image.width, image.height


def is_blank(image: Image.Image) -> bool:
    """Whether the image is nearly one flat colour (a white page, an empty crop)."""
    # Box-averaging whole blocks of pixels is quicker than a resampling filter and as good for a statistic.
    grey = image.reduce(max(1, max(image.size) // _BLANK_THUMBNAIL)).convert("L")
    return ImageStat.Stat(grey).stddev[0] < BLANK_STDDEV


def _decode(data: bytes, *, max_width: int, max_pixels: int) -> Image.Image:
    kind = sniff_image_type(data)
    if kind is None:
        raise FigureError(f"not an image: {_describe(data)} (expected PNG, JPEG, GIF or WebP)")
    try:
        # Pillow warns past its own pixel limit and raises at twice it; our limit is lower and is
        # checked below from the header alone, so its warning only duplicates that check.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=[_FORMATS[kind]])
        width, height = opened.size
        if width * height > max_pixels:
            raise FigureError(
                f"{kind} image of {width}x{height} pixels is over the limit of {max_pixels:,} pixels"
            )
        if kind == "jpeg":
            _draft(opened, max_width)
        opened.load()  # a GIF or animated WebP loads its first frame
        return _to_rgb(ImageOps.exif_transpose(opened))
    except FigureError:
        raise
    except Image.DecompressionBombError as error:
        raise FigureError(f"{kind} image is too large to decode: {error}") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        # Pillow reports truncated and corrupt data through any of these.
        raise FigureError(f"{kind} image could not be decoded: {error}") from error


def _draft(jpeg: Image.Image, max_width: int) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the image is to be shrunk anyway."""
    width, height = jpeg.size
    if jpeg.getexif().get(_ORIENTATION, 1) in _QUARTER_TURNS:
        width, height = height, width  # the displayed width is the stored height
    if width > max_width:
        scale = max_width / width
        jpeg.draft("RGB", (max(1, round(jpeg.width * scale)), max(1, round(jpeg.height * scale))))


def _describe(data: bytes) -> str:
    if not data:
        return "empty file"
    return f"starts with {data[:16]!r}"


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the image has transparency; CMYK, palette and greyscale become RGB(A)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
    mode = "RGBA" if has_alpha else "RGB"
    return image if image.mode == mode else image.convert(mode)


def _fit_width(image: Image.Image, max_width: int) -> Image.Image:
    if image.width <= max_width:
        return image
    height = max(1, round(image.height * max_width / image.width))
    return image.resize((max_width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: Image.Image) -> tuple[bytes, str]:
    # No `exif`, `icc_profile` or text chunks are passed on, so the output carries no metadata;
    # the PNG writer would take an ICC profile from `info` unasked. The profile is dropped, not
    # applied: a wide-gamut photo may look a little duller, which a thumbnail can afford.
    image.info.clear()
    out = io.BytesIO()
    colours = image.getcolors(PALETTE_COLOURS)
    if colours is not None:
        if image.mode == "RGB":
            # Lossless: with no more colours than the palette holds, the adaptive palette is exact.
            image = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=max(2, len(colours)))
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    image.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue(), "webp"
