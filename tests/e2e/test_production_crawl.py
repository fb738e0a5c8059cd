"""The product as it is deployed: production settings, collectstatic, DEBUG off, gunicorn
serving HTTPS, and every demo account crawling its ente's pages with zero 5xx.

In a scratch database of its own (created and dropped here, on the server of DATABASE_URL):
``deploy_migrate`` and ``demo_data`` run under ``ambito.settings.production`` with random
secrets, ``collectstatic`` writes the hashed manifest into a temporary STATIC_ROOT, and
gunicorn (``deploy/gunicorn.conf.py``) serves TLS with a self-signed certificate made by
``openssl``, so the secure cookies and the HTTPS redirect work exactly as in production.
Each account signs in on ``<slug>.localhost`` (a second factor when the account has one)
and crawls breadth-first the same-host links (``href`` and ``hx-get``) reachable from its
home page.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import psycopg
import pytest

from tenants.services import demo

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

# Pages per distinct page shape (path with ids replaced, query keys without values): the
# second instance of a detail page catches data-dependent errors, a hundredth adds time and
# nothing else. Per account, a ceiling that the demo's accounts stay under today (the
# figures are printed), so that growth of the demo cannot make CI slow without anyone
# noticing: reaching it is reported, not silently truncated.
PER_SHAPE = 2
# Query variants per path (Django admin's change lists link every filter combination):
# the view is the same, a few of them find what a filter can break.
PER_PATH_QUERIES = 4
PER_ACCOUNT = 400

# Links a crawler must not follow: signing out ends the session being crawled.
SKIP_PATHS = ("/accounts/logout/",)
# Personal data: every authenticated page answers no-store (services/core/middleware.py).
NO_STORE = "no-store"

ACCOUNT_LINE = re.compile(r"^\s*(?:Piattaforma: )?https?://([^/:\s]+)(?::\d+)?/\s+\(?([^\s()]+@[^\s()]+)")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NUMBER = re.compile(r"(?<=/)\d+(?=/|$)")


@dataclass
class Account:
    host: str
    email: str


@dataclass
class Crawl:
    account: Account
    visited: int = 0
    capped: bool = False
    failures: list[str] = field(default_factory=list)
    header_problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.forms: list[dict[str, str]] = []
        self._form: dict[str, str] | None = None
        # What the Content-Security-Policy would refuse: inline scripts (with their nonce)
        # and inline event handlers.
        self.inline_nonces: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.found.append(a["href"])
        if a.get("hx-get"):
            self.found.append(a["hx-get"])
        if tag == "script" and "src" not in a and a.get("type") != "application/json":
            self.inline_nonces.append(a.get("nonce", ""))
        self.handlers += [f"<{tag} {k}>" for k in a if k.startswith("on")]
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get")}
            self.forms.append(self._form)
        if tag == "input" and self._form is not None and a.get("name"):
            self._form[a["name"]] = a.get("value", "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _shape(url: str) -> tuple[str, str]:
    """The page a URL shows, as (path with ids replaced, the query's keys)."""
    parts = urlsplit(url)
    path = NUMBER.sub("{n}", UUID.sub("{id}", parts.path))
    keys = sorted({kv.split("=", 1)[0] for kv in parts.query.split("&") if kv})
    return path, "&".join(keys)


class Client:
    """One signed-in browser on one host: cookies, CSRF, TLS verified against our CA."""

    def __init__(self, *, port: int, host: str, context: ssl.SSLContext, client_ip: str):
        self.port, self.host, self.context = port, host, context
        self.cookies: dict[str, str] = {}
        self.client_ip = client_ip

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    def request(self, method: str, path: str, body: dict[str, str] | None = None,
                referer: str = "") -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.context,
                                           timeout=60)
        # *.localhost needs no DNS: connect to the loopback, present the host name for TLS.
        conn.sock = self.context.wrap_socket(
            socket.create_connection(("127.0.0.1", self.port), timeout=60),
            server_hostname=self.host,
        )
        headers = {"Host": f"{self.host}:{self.port}", "Accept": "text/html",
                   "User-Agent": "ambito-production-crawl",
                   # nginx would set it; allauth's login throttle counts per client address.
                   "X-Forwarded-For": self.client_ip}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = referer or f"{self.origin}{path}"
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            content = resp.read()
            for value in resp.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(value)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, content
        finally:
            conn.close()

    def get_form(self, path: str) -> tuple[str, dict[str, str]]:
        status, headers, content = self.request("GET", path)
        assert status == 200, f"GET {self.host}{path}: {status}"
        parser = Links()
        parser.feed(content.decode("utf-8", "replace"))
        form = next(f for f in parser.forms if "csrfmiddlewaretoken" in f)
        return form.get("action") or path, form


def _totp_code() -> str | None:
    secret = getattr(demo, "DEMO_TOTP_SECRET", None)
    if not secret:
        return None
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _login(client: Client, email: str) -> str:
    """Sign in; answer allauth's second-factor page when the account has an authenticator.
    Returns the path the sign-in lands on."""
    action, form = client.get_form("/accounts/login/")
    status, headers, _ = client.request(
        "POST", action,
        {"csrfmiddlewaretoken": form["csrfmiddlewaretoken"], "login": email,
         "password": demo.DEMO_PASSWORD},
        referer=f"{client.origin}/accounts/login/",
    )
    assert status == 302, f"{email}: sign-in answered {status}"
    location = urlsplit(headers["location"]).path
    if location.startswith("/accounts/2fa/authenticate/"):
        code = _totp_code()
        assert code, f"{email} must give a second factor and demo.DEMO_TOTP_SECRET is missing"
        action, form = client.get_form(location)
        status, headers, _ = client.request(
            "POST", action, {"csrfmiddlewaretoken": form["csrfmiddlewaretoken"], "code": code},
            referer=f"{client.origin}{location}",
        )
        assert status == 302, f"{email}: second factor answered {status}"
        location = urlsplit(headers["location"]).path
    assert not location.startswith("/accounts/"), f"{email}: sign-in ended on {location}"
    return location


def _crawl(account: Account, *, port: int, context: ssl.SSLContext, run: int, n: int) -> Crawl:
    started = time.monotonic()
    result = Crawl(account)
    client = Client(port=port, host=account.host, context=context,
                    client_ip=f"198.18.{run % 256}.{n}")
    start = _login(client, account.email)
    queue: deque[str] = deque([start, "/"])
    seen: set[str] = set(queue)
    per_shape: dict[tuple[str, str], int] = {}
    queries: dict[str, set[str]] = {}
    while queue:
        if result.visited >= PER_ACCOUNT:
            result.capped = True
            break
        url = queue.popleft()
        status, headers, content = client.request("GET", url)
        result.visited += 1
        if status >= 500:
            result.failures.append(f"{status} https://{account.host}{url} ({account.email})")
            continue
        if "content-security-policy" not in headers:
            result.header_problems.append(f"no CSP: {url}")
        if NO_STORE not in headers.get("cache-control", ""):
            result.header_problems.append(
                f"Cache-Control {headers.get('cache-control')!r}: {url}")
        if status in (301, 302, 303, 307, 308):
            target = urlsplit(urljoin(url, headers.get("location", "")))
            if target.hostname in (None, account.host):
                candidates = [target.path + (f"?{target.query}" if target.query else "")]
            else:
                candidates = []
        elif status == 200 and headers.get("content-type", "").startswith("text/html"):
            parser = Links()
            parser.feed(content.decode("utf-8", "replace"))
            nonce = re.search(r"'nonce-([^']+)'", headers.get("content-security-policy", ""))
            if any(not nonce or n != nonce.group(1) for n in parser.inline_nonces):
                result.header_problems.append(f"inline script without the nonce: {url}")
            if parser.handlers:
                result.header_problems.append(f"inline handlers {parser.handlers[:3]}: {url}")
            candidates = []
            for href in parser.found:
                target = urlsplit(urljoin(url, href))
                if target.scheme not in ("", "https") or target.hostname not in (
                        None, account.host):
                    continue
                candidates.append(target.path + (f"?{target.query}" if target.query else ""))
        else:
            candidates = []
        for link in candidates:
            if link in seen or link.startswith(SKIP_PATHS) or link.startswith("/static/"):
                continue
            seen.add(link)
            shape = _shape(link)
            variants = queries.setdefault(shape[0], set())
            if per_shape.get(shape, 0) >= PER_SHAPE or (
                    shape[1] not in variants and len(variants) >= PER_PATH_QUERIES):
                continue
            variants.add(shape[1])
            per_shape[shape] = per_shape.get(shape, 0) + 1
            queue.append(link)
    result.seconds = time.monotonic() - started
    return result


def _tail(log: Path) -> str:
    return "--- gunicorn log (tail) ---\n" + log.read_text()[-6000:]


def _report(crawls: list[Crawl], *, setup: float, crawl_seconds: float) -> str:
    lines = [f"production crawl: setup {setup:.0f}s (migrate, demo, collectstatic), "
             f"crawl {crawl_seconds:.0f}s, {sum(c.visited for c in crawls)} pages"]
    lines += [f"  {c.account.email:<55} {c.visited:>4} pages {c.seconds:5.1f}s"
              f"{'  (capped)' if c.capped else ''}" for c in crawls]
    return "\n".join(lines)


def _env(*, database_url: str, static_root: Path, queue: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMBITO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="ambito.settings.production",
        PYTHONPATH=f"{REPO}{os.pathsep}{REPO / 'platform'}",
        DATABASE_URL=database_url,
        AMBITO_SECRET_KEY=secrets.token_urlsafe(50),
        AMBITO_REPORTING_KEY=secrets.token_urlsafe(50),
        AMBITO_STATIC_ROOT=str(static_root),
        AMBITO_MEDIA_ROOT=str(static_root.parent / "media"),
        AMBITO_CELERY_QUEUE=queue,
        AMBITO_EMAIL_NOTIFICHE="false",
        AMBITO_LOG_LEVEL="WARNING",
        WEB_CONCURRENCY="3",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([PYTHON, str(REPO / "manage.py"), *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def scratch_database() -> Iterator[str]:
    url = os.environ.get("DATABASE_URL")
    assert url, "DATABASE_URL names the test database server"
    assert os.environ.get("REDIS_URL"), "production settings need REDIS_URL"
    name = f"ambito_prodcrawl_{os.getpid()}"
    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _certificate(directory: Path, hosts: list[str]) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    san = ",".join(f"DNS:{h}" for h in hosts)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", f"subjectAltName={san}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


def test_production_settings_serve_every_page_of_every_demo_account(scratch_database, capsys):
    if not shutil.which("openssl"):
        pytest.fail("openssl is needed to make the test certificate")
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="ambito-prodcrawl-"))
    queue = f"ambito-prodcrawl-{os.getpid()}"
    env = _env(database_url=scratch_database, static_root=tmp / "static", queue=queue)
    port = _free_port()
    server = None
    try:
        # collectstatic needs no database: it runs beside the migration.
        static = subprocess.Popen([PYTHON, str(REPO / "manage.py"), "collectstatic",
                                   "--noinput", "-v0"], env=env, cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        _manage(env, "deploy_migrate")
        seeded = _manage(env, "demo_data", "--port", str(port)).stdout
        static_out, _ = static.communicate(timeout=600)
        assert static.returncode == 0, f"collectstatic:\n{static_out}"
        setup = time.monotonic() - started

        accounts = []
        for line in seeded.splitlines():
            m = ACCOUNT_LINE.match(line)
            if m:
                accounts.append(Account(host=m.group(1), email=m.group(2)))
        assert len(accounts) >= 15, seeded

        cert, key = _certificate(tmp, sorted({a.host for a in accounts}))
        log = (tmp / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", str(REPO / "deploy" / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{port}", "--certfile", str(cert), "--keyfile", str(key),
             ],
            env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
        )
        context = ssl.create_default_context(cafile=str(cert))
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, _tail(tmp / "gunicorn.log")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, _tail(tmp / "gunicorn.log")
                time.sleep(0.3)

        # Anonymous: the sign-in page itself, under the same rules as the rest.
        anonymous = Client(port=port, host=accounts[0].host, context=context,
                           client_ip="198.18.255.1")
        status, headers, _ = anonymous.request("GET", "/accounts/login/")
        assert status == 200, f"sign-in page: {status}\n" + _tail(tmp / "gunicorn.log")
        assert "content-security-policy" in headers

        crawl_started = time.monotonic()
        run = secrets.randbelow(256)
        # The platform administrator has the most pages (Django's admin): first, so the
        # three crawlers finish together.
        accounts.sort(key=lambda a: a.host != "localhost")
        with ThreadPoolExecutor(max_workers=3) as pool:
            crawls = list(pool.map(
                lambda pair: _crawl(pair[1], port=port, context=context, run=run, n=pair[0]),
                enumerate(accounts, start=1),
            ))
        crawl_seconds = time.monotonic() - crawl_started

        report = _report(crawls, setup=setup, crawl_seconds=crawl_seconds)
        with capsys.disabled():
            print(f"\n{report}")

        failures = [f for c in crawls for f in c.failures]
        assert not failures, "5xx under production settings:\n" + "\n".join(failures) + (
            "\n" + _tail(tmp / "gunicorn.log"))
        problems = [f"{c.account.email}: {p}" for c in crawls for p in c.header_problems]
        assert not problems, "security headers:\n" + "\n".join(problems[:50])
        assert not [c for c in crawls if c.capped], f"an account reached {PER_ACCOUNT} pages:\n{report}"
        assert all(c.visited >= 10 for c in crawls), report
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            import redis

            redis.Redis.from_url(os.environ["REDIS_URL"]).delete(queue)
        except Exception:  # noqa: BLE001, S110 - best effort: a leftover empty queue is harmless
            pass
        shutil.rmtree(tmp, ignore_errors=True)
