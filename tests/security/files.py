"""Real files for upload tests, made in memory: a PDF pypdf opens, PNG and JPEG images Pillow
decodes, and crafted ones that only start like them."""

import io
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter


def pdf_bytes(size: int | None = None) -> bytes:
    """A one-page A4 PDF; exactly ``size`` bytes when given (padded in its title)."""

    def make(title: str) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.add_metadata({"/Title": title})
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    if size is None:
        return make("添付")
    base = len(make(""))
    if size < base:
        raise ValueError(f"a PDF needs at least {base} bytes")
    content = make("x" * (size - base))
    assert len(content) == size, (len(content), size)
    return content


def image_bytes(kind: str, width: int = 4, height: int = 3) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format=kind.upper())
    return buffer.getvalue()


def png_with_dimensions(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a valid IHDR with its
    CRC), followed by a few bytes of image data: cheap to make, huge if decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
