"""PDFs: Japanese text extractable, fonts embedded, rare name characters, tagged structure."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import CivicCentreFactory, CouncilFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache(settings, tmp_path):
    cache.clear()


@pytest.fixture
def council_pdf(client):
    council = CouncilFactory(name="山﨑地域協働体", representative_name="𠮷田 髙志")
    CivicCentreFactory(council=council, name="山﨑市民センター")
    for n in range(80):  # enough rows to break across pages
        MemberFactory(council=council, name=f"第{n}区自治会")
    response = client.get(reverse("public:council_pdf", args=[council.pk]))
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.content))


def embedded_fonts(reader):
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"]
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    fonts.add(str(font["/BaseFont"]))
    return fonts


def test_pdf_text_is_japanese_with_rare_name_characters(council_pdf):
    text = "".join(page.extract_text() for page in council_pdf.pages)
    for expected in ("山﨑地域協働体", "髙志", "𠮷田", "構成団体", "第79区自治会"):
        assert expected in text, expected


def test_pdf_header_footer_and_page_numbers(council_pdf):
    pages = council_pdf.pages
    assert len(pages) >= 2
    first = pages[0].extract_text()
    assert "地域協働ポータル" in first and "時点" in first
    assert f"1 / {len(pages)}" in first
    # The table's header row is repeated on the next page.
    assert "団体名" in pages[1].extract_text()


def test_pdf_embeds_the_projects_fonts(council_pdf):
    fonts = embedded_fonts(council_pdf)
    assert any("KyodoGothic" in f for f in fonts), fonts
    # 𠮷 is not in IPAex Gothic: it comes from the fallback font, embedded too.
    assert any("KyodoFallback" in f for f in fonts), fonts


def test_pdf_is_tagged_with_language(council_pdf):
    root = council_pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).startswith("ja")
    assert root["/MarkInfo"]["/Marked"]
