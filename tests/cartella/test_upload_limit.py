"""An upload too large is refused from its declared size, before its body is read: a
200 MB body used to be received whole (spooled to disk) before the 20 MB refusal."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django_tenants.utils import tenant_context

from services.cartella.models import Documento
from tests.conftest import client_for

from .conftest import files_under

MB = 1024 * 1024
BOUNDARY = "ambitoBoundary"


class CorpoContato:
    """A multipart body of ``size`` bytes made on the fly (never held in memory) that
    counts how much of it the server reads."""

    def __init__(self, size: int) -> None:
        self.head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"tipo\"\r\n\r\n"
                     f"relazione_sociale\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; "
                     f"name=\"data\"\r\n\r\n2025-02-01\r\n--{BOUNDARY}\r\nContent-Disposition: "
                     f"form-data; name=\"file\"; filename=\"grande.pdf\"\r\nContent-Type: "
                     f"application/pdf\r\n\r\n%PDF-1.7\n").encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.size = size
        self.letti = 0

    def _byte(self, pos: int, n: int) -> bytes:
        zeri = self.size - len(self.head) - len(self.tail)
        out = bytearray()
        for inizio, pezzo in ((0, self.head), (len(self.head), None),
                              (len(self.head) + zeri, self.tail)):
            lunghezza = zeri if pezzo is None else len(pezzo)
            da, a = max(pos, inizio), min(pos + n, inizio + lunghezza)
            if a > da:
                out += b"0" * (a - da) if pezzo is None else pezzo[da - inizio:a - inizio]
        return bytes(out)

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self.size - self.letti
        n = min(n, self.size - self.letti)
        data = self._byte(self.letti, n)
        self.letti += len(data)
        return data

    def readline(self, n: int = -1) -> bytes:
        return self.read(n if n and n > 0 else 64 * 1024)


def _post(client, url: str, corpo: CorpoContato):
    return client.request(**{
        "REQUEST_METHOD": "POST", "PATH_INFO": url,
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(corpo.size), "wsgi.input": corpo,
    })


def test_a_200_mb_document_is_refused_without_reading_it(cast, caso, media):
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    corpo = CorpoContato(200 * MB)
    response = _post(client, f"/cartelle/{caso.public_id}/documenti/", corpo)
    assert response.status_code == 413
    assert corpo.letti == 0
    testo = response.content.decode()
    assert "il massimo è 20 MB" in testo
    assert "200,0 MB" in testo
    with tenant_context(cast.comune_a.ente):
        assert not Documento.objects.exists()
    assert files_under(media) == []


def test_the_view_limit_applies_below_the_server_one(cast, caso, media):
    """25 MB is under the 51 MB any request may carry, over the documents' 20 MB."""
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    corpo = CorpoContato(25 * MB)
    assert _post(client, f"/cartelle/{caso.public_id}/documenti/", corpo).status_code == 413
    assert corpo.letti == 0
    importazione = CorpoContato(30 * MB)
    amministrativo = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    assert _post(amministrativo, "/domande/importazioni/", importazione).status_code == 413
    assert importazione.letti == 0


def test_a_small_body_is_read_as_usual(cast, caso, media):
    """The counting body is a real multipart body: under the limit it is read whole and
    the document refused by the service, for its content, with the form's message."""
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    corpo = CorpoContato(1 * MB)
    response = _post(client, f"/cartelle/{caso.public_id}/documenti/", corpo)
    assert response.status_code == 200
    assert corpo.letti == corpo.size
    assert "non è un file PDF valido" in response.content.decode()


def test_nginx_and_django_agree_on_the_largest_body():
    conf = Path(settings.BASE_DIR) / "deploy" / "nginx" / "ambito.conf"
    valori = re.findall(r"^\s*client_max_body_size\s+(\d+)m;", conf.read_text(), re.M)
    assert valori, "client_max_body_size missing from deploy/nginx/ambito.conf"
    assert {int(v) * MB for v in valori} == {settings.UPLOAD_MAX_REQUEST_BYTES}
