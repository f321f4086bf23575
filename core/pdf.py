"""A4 PDF documents from our HTML, with the project's Japanese fonts embedded and tagged.

Documents are cached by content: the same HTML gives the same file without rendering again,
and any change in the published data changes the HTML and so renders a new one. Each city has
a cache of its own (a folder named after it, and its id in the key), so one city's document is
never read for another's, even for the same HTML.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings

from core import tenancy

# Bump when the rendering setup changes, so cached files made the old way are not served.
RENDER_VERSION = "1"


def font_face_css() -> str:
    faces = []
    for index, path in enumerate(settings.PDF_FONT_FILES):
        if Path(path).exists():
            family = "KyodoGothic" if index == 0 else f"KyodoFallback{index}"
            faces.append(
                f'@font-face {{ font-family: "{family}"; src: url("{Path(path).as_uri()}"); }}'
            )
    return "\n".join(faces)


def font_family() -> str:
    names = ['"KyodoGothic"'] + [
        f'"KyodoFallback{i}"' for i in range(1, len(settings.PDF_FONT_FILES))
    ]
    return ", ".join(names) + ", sans-serif"


def _render(html: str, base_url: str) -> bytes:
    # Imported here: WeasyPrint takes about a second to import, and only PDF requests need it.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(string=font_face_css(), font_config=fonts)
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1"
    )


def pdf_from_html(html: str, *, base_url: str = "") -> bytes:
    """The PDF for ``html``, rendered once per distinct content of the city in force and then
    read from that city's cache."""
    city = tenancy.current_municipality_id()
    folder = f"city-{city}" if city is not None else "shared"
    key = hashlib.sha256(f"{RENDER_VERSION}\0{folder}\0{html}".encode()).hexdigest()
    cache_dir = Path(settings.PDF_CACHE_DIR) / folder
    path = cache_dir / f"{key}.pdf"
    if path.exists():
        return path.read_bytes()
    pdf = _render(html, base_url or str(settings.BASE_DIR))
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Write beside, then rename: a reader never sees half a file.
    with tempfile.NamedTemporaryFile(dir=cache_dir, delete=False, suffix=".part") as part:
        part.write(pdf)
    os.replace(part.name, path)
    return pdf
