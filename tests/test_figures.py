"""Figures: a paper's representative figure from its PDF, and images made web-sized.

Real papers from ../shared/data/pdf check that Figure 1 is found by its caption
and cropped above it; small PDFs built here with PyMuPDF check each fallback and
each refusal one at a time.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageCms, ImageDraw, ImageStat

from mlnews.enrich.images import MAX_WIDTH, FigureError, sniff_image_type, web_image
from mlnews.enrich.pdf import TOP_SHARE, Figure, extract_figure
from mlnews.errors import MlnewsError

A4 = (595.0, 842.0)
SENTENCES = (
    "Neural operators learn maps between function spaces. They are trained once and then evaluated "
    "on new instances of a family of equations, which is much faster than a classical solver. "
)
BODY = SENTENCES * 3


# ---- real papers ------------------------------------------------------------------------------

# file, 0-based page of Figure 1, and a phrase from its caption
PAPERS = {
    "fno": ("2010.08895v1_fourier_neural_operator.pdf", 1, "The architecture of the Fourier layer"),
    "s2orc": ("2020.acl-main.447_s2orc.pdf", 0, "Inline citations and references"),
}


@pytest.fixture(scope="module")
def extracted(shared_data: Path) -> Callable[[str], tuple[Figure, bytes]]:
    """Each paper extracted once: (figure, the PDF's bytes). Its speed is for benchmarks, not tests."""
    cache: dict[str, tuple[Figure, bytes]] = {}

    def get(paper: str) -> tuple[Figure, bytes]:
        if paper not in cache:
            data = (shared_data / "pdf" / PAPERS[paper][0]).read_bytes()
            cache[paper] = (extract_figure(data), data)
        return cache[paper]

    return get


def caption_top(data: bytes, page: int, phrase: str) -> float:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        tops = [b[1] for b in doc[page].get_text("blocks") if b[4].startswith("Figure 1:") and phrase in b[4]]
    assert len(tops) == 1, tops
    return float(tops[0])


def decoded(figure: Figure) -> Image.Image:
    image = Image.open(io.BytesIO(figure.image))
    assert image.format == figure.format.upper()
    assert image.size == (figure.width, figure.height)
    return image


def grey_stddev(image: Image.Image) -> float:
    return float(ImageStat.Stat(image.convert("L")).stddev[0])


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_figure_1_of_a_real_paper_is_cropped_above_its_caption(
    paper: str, extracted: Callable[[str], tuple[Figure, bytes]]
) -> None:
    figure, data = extracted(paper)
    _, page, phrase = PAPERS[paper]
    assert (figure.method, figure.page) == ("caption", page)
    image = decoded(figure)
    assert 150 <= image.width <= MAX_WIDTH and image.height >= 150
    assert 1 / 4 <= image.width / image.height <= 4
    assert grey_stddev(image) > 20
    assert figure.region[3] < caption_top(data, page, phrase)


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_the_crop_holds_the_figure_image_and_no_body_text(
    paper: str, extracted: Callable[[str], tuple[Figure, bytes]]
) -> None:
    figure, data = extracted(paper)
    region = pymupdf.Rect(figure.region)
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        page = doc[figure.page]
        # Both papers draw Figure 1 as one raster image.
        (shown,) = [pymupdf.Rect(i["bbox"]) for i in page.get_image_info() if i["bbox"][1] < region.y1]
        words = page.get_text("words", clip=region)
    assert region.contains(shown)
    assert region.get_area() < 1.3 * shown.get_area()
    # What text there is belongs to the figure: no caption, no paragraph.
    assert not any(w[4].startswith("Figure") for w in words)


def test_s2orc_figure_1_stays_in_the_right_column(
    extracted: Callable[[str], tuple[Figure, bytes]],
) -> None:
    figure, _ = extracted("s2orc")
    assert figure.region[0] > A4[0] / 2 - 5  # the abstract beside it, in the left column, is left out


# ---- PDFs built here --------------------------------------------------------------------------


def new_page(doc: pymupdf.Document) -> pymupdf.Page:
    return doc.new_page(width=A4[0], height=A4[1])


def paragraph(
    page: pymupdf.Page, rect: tuple[float, float, float, float], text: str = BODY, fontsize: float = 10
) -> None:
    assert page.insert_textbox(pymupdf.Rect(rect), text, fontsize=fontsize) >= 0, "text does not fit"


def draw_chart(page: pymupdf.Page, rect: pymupdf.Rect) -> None:
    """A bar chart in vector graphics, with its axis title as text."""
    page.draw_line((rect.x0 + 20, rect.y1 - 20), (rect.x1, rect.y1 - 20))
    page.draw_line((rect.x0 + 20, rect.y0), (rect.x0 + 20, rect.y1 - 20))
    width = (rect.width - 40) / 5
    for i in range(5):
        x = rect.x0 + 30 + i * width
        page.draw_rect(
            pymupdf.Rect(x, rect.y0 + 10 + 15 * i, x + width * 0.6, rect.y1 - 20), fill=(0.2, 0.4, 0.8)
        )
    page.insert_text((rect.x0 + rect.width / 2 - 15, rect.y1 - 6), "epoch", fontsize=8)


def pdf_bytes(doc: pymupdf.Document) -> bytes:
    data = doc.tobytes()
    doc.close()
    return data


def two_column_paper(caption: str = "Figure 1: Bars in the right column, as a chart.") -> bytes:
    doc = pymupdf.open()
    page = new_page(doc)
    paragraph(page, (50, 60, 287, 780), BODY * 3)  # the left column, all text
    paragraph(page, (308, 60, 545, 140), SENTENCES)  # ends near y=118
    draw_chart(page, pymupdf.Rect(330, 150, 525, 255))
    paragraph(page, (308, 265, 545, 300), caption)
    paragraph(page, (308, 310, 545, 780), BODY * 2)
    return pdf_bytes(doc)


def photo(size: tuple[int, int]) -> Image.Image:
    """A stand-in for a photo: smooth, with thousands of colours, and quick to encode (unlike noise)."""
    gradient = Image.linear_gradient("L")
    return Image.merge("RGB", [gradient, Image.radial_gradient("L"), gradient.rotate(90)]).resize(size)


def png(size: tuple[int, int], colours: int = 0) -> bytes:
    """A PNG of a photo, or of `colours` flat stripes when given."""
    if colours:
        image = Image.new("RGB", size, "white")
        draw = ImageDraw.Draw(image)
        for i in range(colours):
            draw.rectangle(
                (i * size[0] // colours, 0, (i + 1) * size[0] // colours, size[1]), fill=(i * 40, 90, 200)
            )
    else:
        image = photo(size)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_two_columns_the_crop_is_the_drawing_in_the_captions_column() -> None:
    figure = extract_figure(two_column_paper())
    assert (figure.method, figure.page) == ("caption", 0)
    x0, y0, x1, y1 = figure.region
    assert A4[0] / 2 <= x0 <= 350 and 525 <= x1 <= A4[0]  # the right column, the whole chart
    assert 118 <= y0 <= 150 and 250 <= y1 < 265  # below the paragraph, above the caption, with "epoch"
    assert figure.width == MAX_WIDTH


@pytest.mark.parametrize("opening", ["Fig. 1.", "FIGURE 1 |", "Fig 1 ", "Figure 1 :"])
def test_caption_spellings(opening: str) -> None:
    figure = extract_figure(two_column_paper(f"{opening} Bars in the right column."))
    assert figure.method == "caption"


def test_figure_10_is_not_figure_1() -> None:
    figure = extract_figure(two_column_paper("Figure 10: Bars in the right column."))
    assert figure.method == "page"


def test_a_caption_with_nothing_drawn_above_gives_way() -> None:
    doc = pymupdf.open()
    page = new_page(doc)
    paragraph(page, (72, 72, 523, 300), BODY * 2)
    paragraph(page, (72, 310, 523, 340), "Figure 1: The figure is on the next page.")
    figure = extract_figure(pdf_bytes(doc))
    assert figure.method == "page"


def test_a_full_width_figure_above_a_full_width_caption() -> None:
    doc = pymupdf.open()
    page = new_page(doc)
    paragraph(page, (50, 60, 545, 150))
    draw_chart(page, pymupdf.Rect(60, 170, 535, 400))
    paragraph(page, (50, 410, 545, 440), "Figure 1: A chart as wide as the page.")
    figure = extract_figure(pdf_bytes(doc))
    assert figure.method == "caption"
    assert figure.region[0] < 80 and figure.region[2] > 535 and figure.region[3] < 410


def test_a_running_header_and_the_arxiv_stamp_stay_out() -> None:
    doc = pymupdf.open()
    page = new_page(doc)
    page.insert_text((72, 38), "Preprint. Under review.", fontsize=9)
    page.draw_line((72, 45), (523, 45))
    # Set upwards from y=300: it runs beside the whole figure, from above its top to its bottom.
    page.insert_text((30, 300), "arXiv:2401.00001v1  [cs.LG]  1 Jan 2024", fontsize=14, rotate=90)
    draw_chart(page, pymupdf.Rect(72, 72, 523, 300))
    paragraph(page, (72, 310, 523, 340), "Figure 1: A teaser figure at the top of the first page.")
    paragraph(page, (72, 350, 523, 700), BODY * 2)
    figure = extract_figure(pdf_bytes(doc))
    assert figure.method == "caption"
    assert figure.region[0] > 60 and figure.region[1] > 60


def test_a_table_stacked_above_the_figure_stays_out() -> None:
    doc = pymupdf.open()
    page = new_page(doc)
    paragraph(page, (72, 58, 523, 76), "Table 1: Scores.")
    for y in (80, 95, 140):  # booktabs rules, and cells between them
        page.draw_line((150, y), (445, y), width=0.6)
    for row, y in enumerate((108, 121, 134)):
        page.insert_text((160, y), f"model {row}      0.{row}1      0.{row}2      0.{row}3", fontsize=9)
    draw_chart(page, pymupdf.Rect(72, 152, 523, 300))  # \floatsep (12pt) below the table
    paragraph(page, (72, 310, 523, 340), "Figure 1: The figure under a table.")
    figure = extract_figure(pdf_bytes(doc))
    assert figure.method == "caption"
    assert 140 < figure.region[1] <= 152


def test_the_caption_of_a_figure_above_ends_figure_1() -> None:
    doc = pymupdf.open()
    page = new_page(doc)
    draw_chart(page, pymupdf.Rect(72, 60, 523, 200))
    paragraph(page, (72, 203, 523, 221), "Figure 2: Squeezed with a negative \\vspace.")
    draw_chart(page, pymupdf.Rect(72, 222, 523, 360))
    paragraph(page, (72, 370, 523, 400), "Figure 1: The figure under another one.")
    figure = extract_figure(pdf_bytes(doc))
    assert figure.method == "caption"
    assert 212 <= figure.region[1] <= 222


def test_text_in_a_drawn_box_belongs_to_the_figure_a_wider_subcaption_does_not() -> None:
    doc = pymupdf.open()
    page = new_page(doc)
    paragraph(page, (72, 30, 523, 80), SENTENCES)
    draw_chart(page, pymupdf.Rect(100, 90, 495, 150))
    page.draw_rect(pymupdf.Rect(100, 152, 495, 255), color=(0, 0, 0))
    paragraph(page, (108, 160, 487, 247), SENTENCES)  # an example passage, like body text but boxed
    paragraph(page, (72, 259, 523, 285), SENTENCES[:150], fontsize=8)  # a subcaption, wider than the box
    paragraph(page, (72, 293, 523, 325), "Figure 1: A chart, and an example in a box.")
    figure = extract_figure(pdf_bytes(doc))
    assert figure.method == "caption"
    x0, y0, x1, y1 = figure.region
    assert 80 < y0 <= 90 and 255 <= y1 < 259 and 90 < x0 <= 120 and 495 <= x1 < 505


def test_without_a_caption_the_largest_embedded_image() -> None:
    doc = pymupdf.open()
    page = new_page(doc)
    paragraph(page, (72, 60, 523, 150))
    page.insert_image(pymupdf.Rect(72, 40, 92, 60), stream=png((64, 64)))  # a logo: too small
    page.insert_image(pymupdf.Rect(72, 160, 372, 385), stream=png((400, 300)))
    page.insert_image(pymupdf.Rect(72, 400, 272, 550), stream=png((800, 600)))  # more pixels, shown smaller
    figure = extract_figure(pdf_bytes(doc))
    assert (figure.method, figure.page) == ("embedded", 0)
    assert (figure.width, figure.height) == (400, 300)  # the image's own pixels
    assert figure.region == pytest.approx((72, 160, 372, 385))


def test_a_page_turned_sideways_gives_its_image_not_a_sideways_crop() -> None:
    doc = pymupdf.open()
    page = new_page(doc)
    page.insert_image(pymupdf.Rect(72, 100, 372, 300), stream=png((300, 200)))
    paragraph(page, (72, 310, 523, 340), "Figure 1: An image on a landscape page.")
    page.set_rotation(90)
    figure = extract_figure(pdf_bytes(doc))
    assert (figure.method, figure.width, figure.height) == ("embedded", 300, 200)
    assert figure.region == pytest.approx((72, 100, 372, 300))


def test_an_image_covering_the_page_is_a_scan_not_a_figure() -> None:
    doc = pymupdf.open()
    page = new_page(doc)
    page.insert_image(page.rect, stream=png((300, 424)))
    figure = extract_figure(pdf_bytes(doc))
    assert figure.method == "page"


def test_a_cmyk_image_comes_out_rgb() -> None:
    cmyk = io.BytesIO()
    photo((300, 200)).convert("CMYK").save(cmyk, "JPEG")
    doc = pymupdf.open()
    new_page(doc).insert_image(pymupdf.Rect(72, 100, 372, 300), stream=cmyk.getvalue())
    figure = extract_figure(pdf_bytes(doc))
    assert figure.method == "embedded"
    assert decoded(figure).mode in ("RGB", "RGBA")


def test_text_only_gives_the_top_of_page_1() -> None:
    doc = pymupdf.open()
    page = new_page(doc)
    page.insert_text((72, 80), "A Paper Without Figures", fontsize=20)
    paragraph(page, (72, 100, 523, 700), BODY * 4)
    figure = extract_figure(pdf_bytes(doc))
    assert (figure.method, figure.page) == ("page", 0)
    assert figure.region == pytest.approx((0, 0, A4[0], TOP_SHARE * A4[1]))
    assert figure.width == MAX_WIDTH and grey_stddev(decoded(figure)) > 4


def test_a_blank_pdf_is_an_error_not_a_blank_image() -> None:
    doc = pymupdf.open()
    new_page(doc)
    new_page(doc)
    with pytest.raises(FigureError, match=r"no figure.*blank"):
        extract_figure(pdf_bytes(doc))


def test_a_blank_figure_is_passed_over() -> None:
    doc = pymupdf.open()
    page = new_page(doc)
    page.draw_rect(pymupdf.Rect(72, 100, 500, 300), color=(1, 1, 1), fill=(1, 1, 1))  # white on white
    paragraph(page, (72, 310, 523, 340), "Figure 1: Nothing to see.")
    figure = extract_figure(pdf_bytes(doc))
    assert figure.method == "page"


def encrypted_pdf() -> bytes:
    doc = pymupdf.open()
    paragraph(new_page(doc), (72, 72, 523, 300))
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="reader", owner_pw="author")
    doc.close()
    return data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not a PDF: the file is empty"),
        (b"<!DOCTYPE html><html><body>Rate limited</body></html>", "not a PDF: no %PDF- header"),
        (b"%PDF-1.7\n% nothing after the header", "PDF is damaged"),
        (encrypted_pdf(), "PDF is encrypted"),
    ],
    ids=["empty", "html", "damaged", "encrypted"],
)
def test_unreadable_pdfs_are_figure_errors(data: bytes, reason: str) -> None:
    with pytest.raises(FigureError) as raised:
        extract_figure(data)
    assert str(raised.value).startswith(reason)
    assert "\n" not in str(raised.value)
    assert isinstance(raised.value, MlnewsError)


# ---- web images -------------------------------------------------------------------------------


def encoded(image: Image.Image, format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


PHOTO = photo((1300, 520))


@pytest.mark.parametrize("format", ["JPEG", "PNG", "GIF", "WEBP"])
def test_images_are_resized_to_the_width_keeping_their_aspect(format: str) -> None:
    data, kind, width, height = web_image(encoded(PHOTO, format))
    assert (width, height) == (1200, 480)
    assert Image.open(io.BytesIO(data)).size == (1200, 480)
    # Even the GIF's 256 colours become many once resizing blends neighbours: a photo, so WebP.
    assert kind == "webp"


def test_few_colours_make_a_png_many_a_webp() -> None:
    assert web_image(png((600, 300), colours=5))[1:] == ("png", 600, 300)
    assert web_image(png((600, 300)))[1:] == ("webp", 600, 300)


def test_a_1x1_image() -> None:
    assert web_image(encoded(Image.new("RGB", (1, 1), "red"), "PNG"))[1:] == ("png", 1, 1)


def test_a_narrower_max_width() -> None:
    assert web_image(png((900, 600)), max_width=300)[2:] == (300, 200)


def test_the_first_frame_of_an_animated_gif() -> None:
    frames = [Image.new("RGB", (80, 40), colour) for colour in ("red", "blue")]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    out = Image.open(io.BytesIO(web_image(data)[0])).convert("RGB")
    assert out.getpixel((0, 0)) == (255, 0, 0)


def test_metadata_is_stripped_and_orientation_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "Camera Maker"
    data, _, width, height = web_image(encoded(PHOTO.resize((400, 200)), "JPEG", exif=exif.tobytes()))
    assert (width, height) == (200, 400)
    out = Image.open(io.BytesIO(data))
    assert not out.getexif() and "icc_profile" not in out.info and b"Camera" not in data


def test_a_colour_profile_is_not_carried_over() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encoded(Image.new("RGB", (40, 20), "teal"), "PNG", icc_profile=profile)
    assert "icc_profile" in Image.open(io.BytesIO(data)).info
    assert "icc_profile" not in Image.open(io.BytesIO(web_image(data)[0])).info


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size and holds no pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"\x00\x00\x00\x00IEND\xaeB`\x82"


@pytest.mark.parametrize("side", [100_000, 8_000], ids=["past-pillow's-limit", "past-ours"])
def test_a_decompression_bomb_is_refused_from_its_header(side: int) -> None:
    with pytest.raises(FigureError, match=r"too large|over the limit"):
        web_image(png_header(side, side))


def test_not_images_and_truncated_images() -> None:
    with pytest.raises(FigureError, match="not an image"):
        web_image(b"Just some text, not a picture")
    with pytest.raises(FigureError, match="not an image: empty file"):
        web_image(b"")
    whole = encoded(PHOTO.resize((300, 200)), "PNG")
    with pytest.raises(FigureError, match="png image could not be decoded"):
        web_image(whole[: len(whole) // 2])


@pytest.mark.parametrize(
    ("format", "kind"), [("PNG", "png"), ("JPEG", "jpeg"), ("GIF", "gif"), ("WEBP", "webp")]
)
def test_sniff_image_type(format: str, kind: str) -> None:
    assert sniff_image_type(encoded(Image.new("RGB", (4, 4)), format)) == kind


@pytest.mark.parametrize(
    "data", [b"<!doctype html><title>404</title>", b"%PDF-1.7", b"", b"RIFF\x00\x00\x00\x00WAVEfmt "]
)
def test_sniff_rejects_what_is_not_an_image(data: bytes) -> None:
    assert sniff_image_type(data) is None
