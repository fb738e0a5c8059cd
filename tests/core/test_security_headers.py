"""What every response carries (services/core/middleware.py) and what every page may
contain: a Content-Security-Policy the pages satisfy, no caching of what a signed-in user
sees, and control characters in input refused with an Italian page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test import override_settings
from django_tenants.utils import tenant_context

from services.anagrafica.models import Persona
from services.core.checks import check_static_references, template_files
from tests.conftest import client_for
from tests.factories import person

NUL_URLS = [
    "/anagrafica/?q=%00",
    "/servizi/interventi/nuovo/?q=%00",
    "/ente/registro/?azione=%00",
    "/anagrafica/?q=Rossi%01",
]
REFUSED = "caratteri non ammessi"


class Markup(HTMLParser):
    """Inline scripts (with their nonce), inline handlers and style attributes of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[dict[str, str]] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script" and "src" not in a and a.get("type") != "application/json":
            self.inline_scripts.append(a)
        self.handlers += [f"<{tag} {k}=…>" for k in a if k.startswith("on")]
        if "style" in a:
            self.styles.append(f"<{tag} style={a['style']!r}>")
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])


def _nonce(response) -> str:
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert match, response["Content-Security-Policy"]
    return match.group(1)


# --- Content-Security-Policy --------------------------------------------------------------


def test_every_response_has_a_csp_with_a_fresh_nonce_and_no_unsafe_inline(cast):
    client = client_for(None, cast.comune_a.ente)
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")
    policy = first["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert _nonce(first) != _nonce(second)
    # Error pages too.
    missing = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get("/non-esiste/")
    assert missing.status_code == 404
    assert "Content-Security-Policy" in missing


def test_no_template_has_an_inline_script_handler_or_style_attribute():
    """Every template of the project, read as text: an inline <script> needs the nonce
    (``nonce="{{ csp_nonce }}"``), handlers belong in static JS, styles in CSS."""
    problems = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), start=1):
            for tag in re.findall(r"<script\b[^>]*>", line):
                if "src=" not in tag and "application/json" not in tag and "nonce=" not in tag:
                    problems.append(f"{path}:{n}: inline script without nonce")
            if re.search(r"\son[a-z]+\s*=\s*[\"']", line):
                problems.append(f"{path}:{n}: inline event handler")
            if re.search(r"\sstyle\s*=\s*[\"']", line):
                problems.append(f"{path}:{n}: style attribute")
    assert not problems, "\n".join(problems)


PAGES = {
    "assistente_sociale": ["/", "/anagrafica/", "/accesso/", "/accesso/nuova/", "/cartelle/",
                           "/pai/cruscotto/", "/domande/", "/servizi/"],
    "dirigente": ["/", "/pai/cruscotto/", "/assegni/statistiche/", "/determine/",
                  "/statistiche/"],
    "operatore_sportello": ["/", "/anagrafica/", "/anagrafica/nuova/", "/accesso/nuova/"],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_main_pages_satisfy_the_csp(cast, role):
    """The main pages and the pages they link to, rendered: every inline script carries this
    response's nonce, no handler, no style attribute; and none is cacheable."""
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    queue, seen, checked = list(PAGES[role]), set(PAGES[role]), 0
    problems: list[str] = []
    while queue and checked < 60:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        checked += 1
        markup = Markup()
        markup.feed(response.content.decode())
        nonce = _nonce(response)
        problems += [f"{url}: inline script without this response's nonce"
                     for s in markup.inline_scripts if s.get("nonce") != nonce]
        problems += [f"{url}: {h}" for h in markup.handlers + markup.styles]
        if "no-store" not in response.get("Cache-Control", ""):
            problems.append(f"{url}: Cache-Control {response.get('Cache-Control')!r}")
        for link in markup.links:
            if link not in seen and not link.startswith(("/accounts/logout/", "/static/")):
                seen.add(link)
                queue.append(link)
    assert checked >= len(PAGES[role])
    assert not problems, "\n".join(problems)


def test_the_zone_home_and_the_statistics_satisfy_the_csp(cast):
    client = client_for(cast.coordinatore, cast.zona.ente)
    for url in ("/", "/statistiche/"):
        response = client.get(url)
        assert response.status_code == 200, url
        markup = Markup()
        markup.feed(response.content.decode())
        assert markup.inline_scripts == [], url
        assert markup.handlers == [], url
        assert markup.styles == [], url


# --- no-store for signed-in users -----------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/anagrafica/", "/cartelle/", "/domande/", "/pai/cruscotto/"])
def test_pages_of_a_signed_in_user_are_never_stored(cast, url):
    response = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(url)
    assert response.status_code == 200
    cache_control = {p.strip() for p in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_an_export_of_personal_data_is_never_stored(cast):
    response = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(
        "/assegni/statistiche.xlsx")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_platform_pages_of_the_admin_are_never_stored(cast):
    response = client_for(cast.superuser).get("/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# --- control characters in input ------------------------------------------------------


@pytest.mark.parametrize("url", NUL_URLS)
def test_a_control_character_in_a_query_parameter_is_a_400_in_italian(cast, url):
    role = "assistente_sociale" if "interventi" in url else "dirigente"
    response = client_for(cast.by_role[role], cast.comune_a.ente).get(url)
    assert response.status_code == 400
    body = response.content.decode()
    assert REFUSED in body
    assert "Richiesta non valida" in body
    # Like a 404, the page does not show the tenant.
    assert cast.comune_a.ente.name not in body


def test_a_control_character_in_a_query_key_or_on_the_platform_host_is_refused(cast):
    assert client_for(cast.superuser).get("/?a%00b=1").status_code == 400
    assert client_for(None).get("/accounts/login/?next=%00").status_code == 400


def test_a_form_with_a_nul_byte_is_refused_and_saves_nothing(cast):
    p = person()
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    response = client.post("/anagrafica/nuova/", {
        "cognome": p.last_name + "\x00", "nome": p.first_name, "sesso": p.sex,
        "data_nascita": p.birth_date.isoformat(), "codice_fiscale": p.codice_fiscale,
        "cittadinanza": "380", "via": "Via Roma", "civico": "3", "cap": "06100",
        "comune": "Perugia", "residenza_dal": "2020-01-01",
    })
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Persona.objects.filter(codice_fiscale=p.codice_fiscale).exists()


def test_tabs_and_new_lines_in_a_form_are_accepted(cast):
    response = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente).get(
        "/anagrafica/?q=Rossi%09Mario%0D%0A")
    assert response.status_code == 200


# --- every {% static %} names a file --------------------------------------------------


def test_every_static_reference_in_the_templates_is_a_file():
    assert check_static_references() == []
    # Registered: `manage.py check` (and `check --deploy`) runs it.
    assert [e for e in run_checks() if e.id == "ambito.E001"] == []


def test_the_check_refuses_a_directory(tmp_path: Path):
    (tmp_path / "pagina.html").write_text(
        "{% load static %}<script>window.X = \"{% static 'vendor/bootstrap-italia/fonts' %}\";"
        "</script>", encoding="utf-8")
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with override_settings(TEMPLATES=templates):
        errors = check_static_references()
    assert [e.id for e in errors] == ["ambito.E001"]
    assert "vendor/bootstrap-italia/fonts" in errors[0].msg

