"""A4 PDF documents from our HTML, with the project's Japanese fonts embedded and tagged.

Documents are cached by content: the same HTML gives the same file without rendering again,
and any change in the published data changes the HTML and so renders a new one. Each city has
a cache of its own (a folder named after it, and its id in the key), so one city's document is
never read for another's, even for the same HTML. The files are kept in Django's default
storage under ``PDF_CACHE_LOCATION`` (so several web servers share them, on a shared volume or
S3), at most ``PDF_CACHE_MAX_BYTES`` in all: storing a new file evicts the oldest.

Rendering takes seconds, so anonymous visitors may have at most ``PDF_RENDERS_PER_MINUTE`` new
documents rendered a minute each (:func:`claim_render`); cached documents are not counted.
"""

import hashlib
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

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


def render_pdf(html: str, *, base_url: str = "") -> bytes:
    """The PDF of ``html``, rendered now and kept nowhere (for a document its caller keeps,
    such as an issued notice)."""
    return _render(html, base_url or str(settings.BASE_DIR))


def cache_name(html: str) -> str:
    """Where the PDF of ``html`` for the city in force is kept in the default storage."""
    city = tenancy.current_municipality_id()
    folder = f"city-{city}" if city is not None else "shared"
    key = hashlib.sha256(f"{RENDER_VERSION}\0{folder}\0{html}".encode()).hexdigest()
    return f"{settings.PDF_CACHE_LOCATION}/{folder}/{key}.pdf"


def cached_pdf(html: str) -> bytes | None:
    """The stored PDF of ``html`` for the city in force, or None when it is not stored yet."""
    name = cache_name(html)
    try:
        with default_storage.open(name, "rb") as stored:
            pdf = stored.read()
    except (FileNotFoundError, OSError):
        return None
    # A file still being written by another server (no end marker yet) counts as absent.
    return pdf if pdf.rstrip().endswith(b"%%EOF") else None


def pdf_from_html(html: str, *, base_url: str = "") -> bytes:
    """The PDF for ``html``, rendered once per distinct content of the city in force and then
    read from that city's cache."""
    pdf = cached_pdf(html)
    if pdf is not None:
        return pdf
    return render_and_store(html, base_url=base_url)


def render_and_store(html: str, *, base_url: str = "") -> bytes:
    """Render ``html`` and keep the PDF in the city's cache (use when :func:`cached_pdf` found
    none)."""
    pdf = _render(html, base_url or str(settings.BASE_DIR))
    _store(cache_name(html), pdf)
    return pdf


def _store(name: str, pdf: bytes) -> None:
    if default_storage.exists(name):  # rendered meanwhile by another request
        return
    default_storage.save(name, ContentFile(pdf))
    evict_oldest(settings.PDF_CACHE_MAX_BYTES)


def stored_pdfs() -> list[tuple[str, int, float]]:
    """(name, size in bytes, modified time) of every cached PDF, of every city."""
    found = []
    root = settings.PDF_CACHE_LOCATION
    try:
        folders, _files = default_storage.listdir(root)
    except (FileNotFoundError, NotADirectoryError):
        return []
    for folder in folders:
        _subfolders, files = default_storage.listdir(f"{root}/{folder}")
        for file in files:
            name = f"{root}/{folder}/{file}"
            try:
                found.append(
                    (
                        name,
                        default_storage.size(name),
                        default_storage.get_modified_time(name).timestamp(),
                    )
                )
            except FileNotFoundError:  # evicted meanwhile by another server
                continue
    return found


def evict_oldest(max_bytes: int) -> list[str]:
    """Delete the oldest cached PDFs until all of them take at most ``max_bytes``; the names
    deleted."""
    files = sorted(stored_pdfs(), key=lambda item: item[2])
    total = sum(size for _name, size, _modified in files)
    deleted = []
    for name, size, _modified in files:
        if total <= max_bytes:
            break
        default_storage.delete(name)
        deleted.append(name)
        total -= size
    return deleted


def claim_render(client: str, *, now: float | None = None) -> int:
    """Count one new render for ``client`` (an address) in this minute: 0 when allowed, else
    the seconds until the next minute, when renders are allowed again."""
    now = time.time() if now is None else now
    minute = int(now // 60)
    key = f"pdf-renders:{client}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count <= settings.PDF_RENDERS_PER_MINUTE:
        return 0
    return max(1, int((minute + 1) * 60 - now))
