"""End to end in headless Chromium (Debian's package): sign in on a comune's host, see the
tree menu and the comune's home page."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

from tests.conftest import _CAST, totp_code
from tests.factories import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        return None


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker) -> Iterator[int]:
    """The real WSGI application on a free port, against the committed test platform."""
    with django_db_blocker.unblock():
        httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
        httpd.set_app(WSGIHandler())
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield httpd.server_address[1]
        finally:
            httpd.shutdown()
            httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the ORM calls the tests make
    # between page actions are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def submit_sign_in(page, user) -> None:
    """Fill allauth's sign-in form on the current page, then the TOTP code when asked for
    it (the roles that read case files have one), as a person with the app would."""
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:
        page.fill("input[name=code]", totp_code(user))
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()


@pytest.mark.browser
def test_sign_in_and_see_the_tree_menu_and_the_comune_home(server, browser):
    cast = _CAST[0]
    user = cast.by_role["assistente_sociale"]
    base = f"http://{cast.comune_a.ente.get_primary_domain().domain}:{server}"
    page = browser.new_page(locale="it-IT")
    page.goto(f"{base}/")
    assert "/accounts/login/" in page.url

    submit_sign_in(page, user)
    page.wait_for_selector("#comune-home")

    assert "Comune di Perugia" in page.inner_text("#comune-home")
    menu = page.locator("#ambito-menu")
    assert menu.is_visible()
    assert "Scrivania" in menu.inner_text()
    assert "Registro attività" not in menu.inner_text()  # not this role's capability
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "comune-home.png"), full_page=True)

    # The tree opens a group and goes to one of its pages.
    menu.get_by_text("Ente", exact=True).click()
    menu.get_by_text("Dati dell'ente").click()
    page.wait_for_url(f"{base}/ente/")
    assert "054039" in page.content()
    page.close()


@pytest.mark.browser
def test_an_operator_of_another_comune_gets_not_found(server, browser):
    cast = _CAST[0]
    base_b = f"http://{cast.comune_b.ente.get_primary_domain().domain}:{server}"
    base_a = f"http://{cast.comune_a.ente.get_primary_domain().domain}:{server}"
    page = browser.new_page(locale="it-IT")
    page.goto(f"{base_b}/accounts/login/")
    submit_sign_in(page, cast.outsider)
    page.wait_for_selector("#comune-home")
    # Same browser, A's host: no session there, and signing in as B's operator gets 404.
    page.goto(f"{base_a}/accounts/login/")
    submit_sign_in(page, cast.outsider)
    response = page.goto(f"{base_a}/")
    assert response is not None
    assert response.status == 404
    assert "Perugia" not in page.content()
    page.close()


# Every violation of the Content-Security-Policy the page reports, and the console's
# complaints about it, collected from before the first script runs.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") +
    " " + e.sourceFile + ":" + e.lineNumber);
});
"""


def _violations(page, console: list[str]) -> list[str]:
    return page.evaluate("window.__cspViolations") + [
        m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m]


@pytest.mark.browser
def test_the_chart_htmx_and_fonts_work_under_the_content_security_policy(server, browser):
    cast = _CAST[0]
    context = browser.new_context(locale="it-IT")
    context.add_init_script(CSP_LISTENER)
    console: list[str] = []
    context.on("console", lambda m: console.append(m.text))
    page = context.new_page()

    # The zone office's home draws its chart with Chart.js from a static script.
    zona = f"http://{cast.zona.ente.get_primary_domain().domain}:{server}"
    page.goto(f"{zona}/accounts/login/")
    assert _violations(page, console) == [], "\n".join(_violations(page, console))
    page.fill("input[name=login]", cast.coordinatore.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_selector("#population-chart")
    assert page.evaluate(
        "!!(window.Chart && window.Chart.getChart(document.getElementById('population-chart')))")
    # Bootstrap Italia's font, from css/fonts.css rather than an injected <style>.
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check(\"16px 'Titillium Web'\")")
    assert page.evaluate(
        "[...document.fonts].some(f => f.family.includes('Titillium') && f.status === 'loaded')")
    assert _violations(page, console) == [], "\n".join(_violations(page, console))

    # A comune's registry: the search box asks htmx for the results as one types.
    comune = f"http://{cast.comune_a.ente.get_primary_domain().domain}:{server}"
    page.goto(f"{comune}/accounts/login/")
    page.fill("input[name=login]", cast.by_role["operatore_sportello"].email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_selector("#comune-home")
    page.goto(f"{comune}/anagrafica/")
    with page.expect_response(lambda r: "/anagrafica/?q=" in r.url) as answered:
        page.fill("#q", "zzzz nessuno")
    assert answered.value.status == 200
    page.wait_for_function("location.search.includes('q=zzzz')")
    assert _violations(page, console) == [], "\n".join(_violations(page, console))
    context.close()
