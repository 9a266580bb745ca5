"""A paper's representative figure, found in the bytes of its PDF (no network, no model).

Three methods, tried in order; each gives way to the next when it finds nothing
or only a nearly blank image:

1. "caption": Figure 1, found by its caption ("Figure 1:", "Fig. 1.", "FIGURE 1 |"
   and, after those, "Fig 1 " with a space). The figure is what is drawn above
   the caption, in the caption's column, up to the body text above it.
2. "embedded": the largest raster image shown on the first pages.
3. "page": the top of page 1 (title, authors, often a teaser figure).

A PDF whose first page is blank and that has neither yields `FigureError`
rather than an empty picture.

Bounds: only the first `max_pages` pages are read; at most a few regions are
rendered (MAX_CAPTIONS + MAX_IMAGES + 1), each at most MAX_SIDE pixels on its
long side; an embedded image is decoded only if it has at most
MAX_IMAGE_PIXELS pixels.
"""

# PyMuPDF ships py.typed, but most of its functions and methods carry no annotations.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pymupdf
from PIL import Image

from mlnews.enrich.images import MAX_WIDTH, FigureError, is_blank, web_image

# MuPDF reports damaged PDFs on stderr itself; the FigureError we raise says it once, in one line.
pymupdf.TOOLS.mupdf_display_errors(False)

__all__ = ["Figure", "FigureError", "extract_figure"]

MAX_SIDE = 2000  # px, long side of any render or extracted image before it is made web-sized
MAX_IMAGE_PIXELS = 16_000_000  # an embedded image larger than this is not decoded (4000x4000)
MAX_CAPTIONS = 3  # caption candidates tried; later ones are body text that opens with "Figure 1 ..."
MAX_IMAGES = 3  # embedded images tried, largest first
TOP_SHARE = 0.45  # of page 1's height, for the "page" method

# Sizes in PDF points (1/72 inch).
MIN_HEIGHT = 40.0
MIN_WIDTH_SHARE = 0.15  # of the page width
# Whitespace this tall between a figure's parts means the figure ended: less than LaTeX puts
# between two floats (\floatsep, 12pt minus 2), so a table stacked above the figure stays out.
# Parts of one figure sit closer, or are bridged by their labels and subcaptions.
GAP = 9.0
CAPTION_REACH = 80.0  # the figure's lowest part lies at most this far above the caption
LABEL_MARGIN = 12.0  # text this close beside a figure's drawings is one of its labels
PAD = 3.0  # breathing room around the crop
TOLERANCE = 2.0
BACKGROUND_SHARE = 0.85  # a drawing or image covering this much of the page is a background or a scan

# Figure 1 and not Figure 10 or Figure 1.2; group 1 is what follows the number.
_CAPTION = re.compile(r"(?:Figure|FIGURE|Fig\.?|FIG\.?)\s*1([:|]|\.(?!\d)|\s|$)")
_ANY_CAPTION = re.compile(r"(?:Figure|FIGURE|Fig\.?|FIG\.?|Table|TABLE)\s*\d+(?:[:|]|\.(?!\d))")
# What MuPDF's bbox log calls drawing and showing graphics (text and clipping are left out).
_GRAPHICS = frozenset({"fill-path", "stroke-path", "fill-shade", "fill-image", "fill-imgmask"})

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Figure:
    image: bytes  # encoded, web-sized by `images.web_image`
    format: str  # "png" | "webp"
    width: int
    height: int
    method: str  # "caption" | "embedded" | "page"
    page: int  # 0-based page it came from
    region: Box  # where on that page, in PDF points (x0, y0, x1, y1) from the top left, before any rotation


def extract_figure(pdf: bytes, *, max_pages: int = 8) -> Figure:
    """The paper's representative figure; `FigureError` for bytes that are not a readable PDF."""
    if max_pages < 1:
        raise ValueError(f"max_pages must be at least 1, not {max_pages}")
    doc = _open(pdf)
    try:
        pages = range(min(max_pages, doc.page_count))
        figure = _by_caption(doc, pages) or _largest_embedded(doc, pages) or _top_of_first_page(doc)
    except (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase) as error:
        # MuPDF reports damaged objects and streams only when they are used.
        raise FigureError(f"PDF could not be read: {error}") from error
    finally:
        doc.close()
    if figure is None:
        raise FigureError(
            "PDF shows no figure: no Figure 1 caption, no image, and page 1 is blank at the top"
        )
    return figure


def _open(pdf: bytes) -> pymupdf.Document:
    if not pdf:
        raise FigureError("not a PDF: the file is empty")
    # Readers accept junk before the header (the specification allows it); a missing header
    # usually means an HTML error page was saved instead of the paper.
    if b"%PDF-" not in pdf[:1024]:
        raise FigureError(f"not a PDF: no %PDF- header; the data starts with {pdf[:16]!r}")
    try:
        doc = pymupdf.open(stream=pdf, filetype="pdf")
    except RuntimeError as error:
        raise FigureError(f"PDF is damaged and could not be opened: {error}") from error
    if doc.needs_pass:
        doc.close()
        raise FigureError("PDF is encrypted with a password; download an unprotected copy")
    if doc.page_count == 0:
        doc.close()
        raise FigureError("PDF has no pages")
    return doc


# ---- 1. Figure 1 by its caption ---------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """A block of text as MuPDF groups it: a paragraph, a caption, a label in a figure."""

    rect: pymupdf.Rect
    lines: int
    size: float  # the font size most of its characters have
    horizontal: bool  # False for text set up the margin (arXiv's stamp) or a rotated axis title
    captions: bool  # opens like a caption of any figure or table: "Figure 2:", "Table 1."


def _by_caption(doc: pymupdf.Document, pages: range) -> Figure | None:
    texts: dict[int, list[_Text]] = {}
    for number, caption in _captions(doc, pages):
        page = doc[number]
        if number not in texts:
            texts[number] = _texts(page)
        clip = _figure_clip(page, texts[number], caption)
        if clip is not None:
            figure = _figure(_render(page, clip), "caption", number, clip)
            if figure is not None:
                return figure
    return None


def _captions(doc: pymupdf.Document, pages: range) -> list[tuple[int, pymupdf.Rect]]:
    """(page, rect) of text blocks opening like Figure 1's caption: with ':', '.', '|' first."""
    marked: list[tuple[int, pymupdf.Rect]] = []
    spaced: list[tuple[int, pymupdf.Rect]] = []
    for number in pages:
        page = doc[number]
        if page.rotation:
            continue  # a page turned sideways shows its figure sideways: no use as a picture
        # "blocks" is the cheapest text extraction; font sizes are read only for caption pages.
        for x0, y0, x1, y1, text, _, kind in page.get_text("blocks"):
            match = _CAPTION.match(text.lstrip()) if kind == 0 else None
            if match:
                found = (number, pymupdf.Rect(x0, y0, x1, y1))
                (spaced if match.group(1).isspace() or not match.group(1) else marked).append(found)
    return (marked + spaced)[:MAX_CAPTIONS]


def _texts(page: pymupdf.Page) -> list[_Text]:
    # TEXTFLAGS_TEXT leaves out image blocks, which would carry every image's bytes.
    layout = page.get_text("dict", flags=pymupdf.TEXTFLAGS_TEXT)
    texts = []
    for block in layout["blocks"]:
        lines = block["lines"]
        sizes: Counter[float] = Counter()
        for line in lines:
            for span in line["spans"]:
                sizes[round(span["size"], 1)] += len(span["text"].strip())
        if sizes.total():
            horizontal = abs(lines[0]["dir"][1]) < 0.1  # dir is (cos, -sin) of the writing direction
            opening = "".join(span["text"] for span in lines[0]["spans"]).lstrip()
            size = sizes.most_common(1)[0][0]
            rect = pymupdf.Rect(block["bbox"])
            texts.append(_Text(rect, len(lines), size, horizontal, bool(_ANY_CAPTION.match(opening))))
    return texts


def _figure_clip(page: pymupdf.Page, texts: list[_Text], caption: pymupdf.Rect) -> pymupdf.Rect | None:
    """The region of the figure above `caption`, or None when nothing worth showing is drawn there."""
    column = _column(page.rect, caption)
    graphics = [g for g in _graphics(page) if _above(g, caption) and _within(g, column)]
    nearby = [t for t in texts if _above(t.rect, caption) and _within(t.rect, column)]
    body_size = _body_size(texts)
    parts: list[tuple[pymupdf.Rect, str]] = [(g, "graphic") for g in graphics]
    parts += [(t.rect, _role(t, column, body_size, graphics)) for t in nearby if t.horizontal]
    drawn, labels = _stack_above(caption, parts)
    if not drawn:
        return None
    # Vertical text can be long enough to bridge any gap (arXiv's stamp runs down half the
    # margin), so it never extends the stack; it joins as a label only where it touches.
    labels += [t.rect for t in nearby if not t.horizontal]
    grown = _with_labels(_union(drawn), labels)
    padded = (grown.x0 - PAD, grown.y0 - PAD, grown.x1 + PAD, min(grown.y1 + PAD, caption.y0 - 1))
    clip: pymupdf.Rect = pymupdf.Rect(padded) & page.rect
    if clip.width < MIN_WIDTH_SHARE * page.rect.width or clip.height < MIN_HEIGHT:
        return None
    return clip


def _column(page: pymupdf.Rect, caption: pymupdf.Rect) -> pymupdf.Rect:
    """The page's half the caption is in; the whole width for a caption across the middle."""
    middle = (page.x0 + page.x1) / 2
    if caption.x1 <= middle + LABEL_MARGIN:
        return pymupdf.Rect(page.x0, page.y0, middle, page.y1)
    if caption.x0 >= middle - LABEL_MARGIN:
        return pymupdf.Rect(middle, page.y0, page.x1, page.y1)
    return pymupdf.Rect(page)


def _graphics(page: pymupdf.Page) -> list[pymupdf.Rect]:
    """Boxes of every path, shading and image drawn on the page, backgrounds left out.

    MuPDF's bbox log gives one box per drawing operation; `get_drawings()` would
    build every path's segments too, tens of thousands of them for a scatter plot.
    """
    page_area = page.rect.get_area()
    boxes = []
    for kind, box in page.get_bboxlog():
        if kind in _GRAPHICS:
            rect = pymupdf.Rect(box) & page.rect
            if not rect.is_empty and rect.get_area() < BACKGROUND_SHARE * page_area:
                boxes.append(rect)
    return boxes


def _above(rect: pymupdf.Rect, caption: pymupdf.Rect) -> bool:
    return bool(rect.y1 <= caption.y0 + TOLERANCE and rect.y0 < caption.y0)


def _within(rect: pymupdf.Rect, column: pymupdf.Rect) -> bool:
    """Mostly in the column: a box spanning both columns is in either, one in the other column is not."""
    overlap = min(rect.x1, column.x1) - max(rect.x0, column.x0)
    return bool(overlap >= 0.5 * min(rect.width, column.width))


def _body_size(texts: Sequence[_Text]) -> float:
    """The font size of the page's body text: the size of most lines in blocks of several lines."""
    sizes = Counter(t.size for t in texts for _ in range(t.lines) if t.lines > 1)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _role(text: _Text, column: pymupdf.Rect, body_size: float, graphics: Sequence[pymupdf.Rect]) -> str:
    """ "body" for a paragraph or another caption (where a figure ends), else "label".

    Labels are figure text, subcaptions and headings: smaller or narrower than
    body text, or set inside a drawn box (an example passage in a figure).
    """
    if text.captions:
        return "body"
    paragraph = text.lines >= 2 and text.rect.width >= 0.6 * column.width
    if not paragraph or abs(text.size - body_size) > 0.6:
        return "label"
    return "label" if any(_inside(text.rect, g) for g in graphics) else "body"


def _inside(inner: pymupdf.Rect, outer: pymupdf.Rect) -> bool:
    return bool((inner & outer).get_area() >= 0.8 * inner.get_area())


def _stack_above(
    caption: pymupdf.Rect, parts: Iterable[tuple[pymupdf.Rect, str]]
) -> tuple[list[pymupdf.Rect], list[pymupdf.Rect]]:
    """The drawings and labels stacked above the caption, up to body text or a wide gap.

    Walks up from the caption, part by part, until a gap taller than GAP. Text
    met before any drawing (subcaptions) is passed over as long as the drawings
    start within CAPTION_REACH; once the figure has a drawing, a paragraph of
    body text or another caption ends it.
    """
    drawn: list[pymupdf.Rect] = []
    labels: list[pymupdf.Rect] = []
    top = caption.y0
    for rect, role in sorted(parts, key=lambda part: part[0].y1, reverse=True):
        if (drawn or labels) and rect.y1 < top - GAP:
            break
        if not drawn and rect.y1 < caption.y0 - CAPTION_REACH:
            break
        if role == "body" and drawn:
            break
        (drawn if role == "graphic" else labels).append(rect)
        top = min(top, rect.y0)
    return drawn, labels


def _with_labels(clip: pymupdf.Rect, labels: Sequence[pymupdf.Rect]) -> pymupdf.Rect:
    """The clip grown by the labels that touch it: tick labels, then the axis title beside them.

    A label must lie within the clip's width (give or take LABEL_MARGIN), so a
    subcaption wider than the drawings stays out, and so does text below it.
    """
    pending = list(labels)
    grown = True
    while grown:
        grown = False
        reach = pymupdf.Rect(
            clip.x0 - LABEL_MARGIN, clip.y0 - LABEL_MARGIN, clip.x1 + LABEL_MARGIN, clip.y1 + LABEL_MARGIN
        )
        for label in [label for label in pending if _touches(label, reach)]:
            clip |= label
            pending.remove(label)
            grown = True
    return clip


def _touches(label: pymupdf.Rect, reach: pymupdf.Rect) -> bool:
    return reach.x0 <= label.x0 and label.x1 <= reach.x1 and label.y0 <= reach.y1 and label.y1 >= reach.y0


def _union(rects: Iterable[pymupdf.Rect]) -> pymupdf.Rect:
    union = pymupdf.Rect(pymupdf.EMPTY_RECT())
    for rect in rects:
        union |= rect
    return union


# ---- 2. the largest embedded image ------------------------------------------------------------


def _largest_embedded(doc: pymupdf.Document, pages: range) -> Figure | None:
    """The largest image by area shown, among those big enough to be a figure and not a page scan.

    A scanned paper is one image per page; its top is better shown by method 3,
    which renders it together with any text layer drawn over it.
    """
    candidates: list[tuple[float, int, int, pymupdf.Rect]] = []
    for number in pages:
        page = doc[number]
        # Image boxes are given as on the page before any /Rotate, whose size the cropbox has.
        bounds = pymupdf.Rect(0, 0, page.cropbox.width, page.cropbox.height)
        for info in page.get_image_info(xrefs=True):
            shown = pymupdf.Rect(info["bbox"]) & bounds
            xref, pixels = info["xref"], info["width"] * info["height"]
            # xref 0 is an inline image, which has no object to extract.
            if xref > 0 and 0 < pixels <= MAX_IMAGE_PIXELS and _large_enough(shown, bounds):
                candidates.append((shown.get_area(), number, xref, shown))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    tried: set[int] = set()
    for _, number, xref, shown in candidates:
        if xref in tried:
            continue
        if len(tried) == MAX_IMAGES:
            break
        tried.add(xref)
        pixmap = _rgb_pixmap(doc, xref)
        if pixmap is not None:
            figure = _figure(pixmap, "embedded", number, shown)
            if figure is not None:
                return figure
    return None


def _large_enough(shown: pymupdf.Rect, page: pymupdf.Rect) -> bool:
    return (
        shown.width >= MIN_WIDTH_SHARE * page.width
        and shown.height >= MIN_HEIGHT
        and shown.get_area() < BACKGROUND_SHARE * page.get_area()
    )


def _rgb_pixmap(doc: pymupdf.Document, xref: int) -> pymupdf.Pixmap | None:
    """The image's pixels as RGB without alpha, at most MAX_SIDE on the long side."""
    pixmap = pymupdf.Pixmap(doc, xref)
    if pixmap.colorspace is None:
        return None  # a stencil mask: its colour comes from the page, there is nothing to show alone
    if pixmap.alpha:
        pixmap = pymupdf.Pixmap(pixmap, 0)
    if pixmap.colorspace.name != pymupdf.csRGB.name:
        pixmap = pymupdf.Pixmap(pymupdf.csRGB, pixmap)  # CMYK, grey, Lab, ICC-based
    halvings = math.ceil(math.log2(max(pixmap.width, pixmap.height) / MAX_SIDE))
    if halvings > 0:
        pixmap.shrink(halvings)  # in place, by 2**halvings
    return pixmap


# ---- 3. the top of page 1, and what all methods share -----------------------------------------


def _top_of_first_page(doc: pymupdf.Document) -> Figure | None:
    page = doc[0]
    area = page.rect
    clip = pymupdf.Rect(area.x0, area.y0, area.x1, area.y0 + TOP_SHARE * area.height)
    return _figure(_render(page, clip), "page", 0, clip)


def _render(page: pymupdf.Page, clip: pymupdf.Rect) -> pymupdf.Pixmap:
    """The clip at MAX_WIDTH pixels wide, or smaller when it is so tall its long side would pass MAX_SIDE."""
    zoom = min(MAX_WIDTH / clip.width, MAX_SIDE / max(clip.width, clip.height))
    return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, alpha=False, annots=False)


def _figure(pixmap: pymupdf.Pixmap, method: str, page: int, region: pymupdf.Rect) -> Figure | None:
    """The pixmap as a web-sized Figure, or None when it is nearly blank."""
    image = Image.frombytes("RGB", (pixmap.width, pixmap.height), pixmap.samples)
    if is_blank(image):
        return None
    lossless = io.BytesIO()
    image.save(lossless, "PNG", compress_level=1)  # only handed on to web_image: quick beats small
    data, kind, width, height = web_image(lossless.getvalue())
    return Figure(data, kind, width, height, method, page, (region.x0, region.y0, region.x1, region.y1))
