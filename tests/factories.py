"""Valid Italian test data: codici fiscali come from python-codicefiscale."""

from __future__ import annotations

import random

from services.core.italian_data import FakePerson, fake_person

PASSWORD = "Password-di-prova-2026"
_rng = random.Random(4242)  # noqa: S311 - reproducible test data


def person(**kwargs) -> FakePerson:
    return fake_person(_rng, **kwargs)


def pdf_file(*, pages: int = 1, **catalogo: object) -> bytes:
    """A real PDF (pypdf's writer) with blank pages; ``catalogo`` adds entries to its
    document catalogue, e.g. ``{"/OpenAction": ...}``, to build a PDF with active content."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    for key, value in catalogo.items():
        writer._root_object[NameObject(key)] = value  # type: ignore[index]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_file(fmt: str = "PNG") -> bytes:
    """A small real image (Pillow), PNG or JPEG."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()
