"""A small cookie-keeping HTTP client and a same-site crawler, for the served smoke test."""

from __future__ import annotations

import html as html_lib
import re
import time
from collections import deque
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

from tests.conftest import csrf_from

MAX_PAGES_PER_ROLE = 160
PER_SHAPE = 4  # pages of one kind (statement 1, 2, 3... render alike) per role
CRAWL_SECONDS = 25  # per role
LINK = re.compile(r'(?:href|src)="([^"]+)"')


class Fetched:
    def __init__(self, status: int, media: str, body: bytes, headers):
        self.status, self.media, self.body, self.headers = status, media, body, headers

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """A cookie-keeping HTTP client (the standard library's): one per role."""

    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def _open(self, request: Request) -> Fetched:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Fetched(
                    response.status,
                    response.headers.get_content_type(),
                    response.read(),
                    response.headers,
                )
        except HTTPError as error:
            return Fetched(
                error.code, error.headers.get_content_type(), error.read(), error.headers
            )

    def get(self, path: str) -> Fetched:
        return self._open(Request(self.base + path))  # noqa: S310 - always http://127.0.0.1

    def post_form(self, page: str, action: str, data: dict) -> Fetched:
        token = csrf_from(self.get(page).text)
        return self.post(action, {"csrf_token": token, **data})

    def post(self, action: str, data: dict, headers: dict | None = None) -> Fetched:
        body = urlencode(data).encode()
        request = Request(self.base + action, data=body, method="POST", headers=headers or {})  # noqa: S310
        return self._open(request)

    def login(self, email: str, password: str) -> None:
        landed = self.post_form("/login", "/login", {"email": email, "password": password})
        assert landed.status == 200 and 'action="/logout"' in landed.text, (
            f"login as {email} failed ({landed.status})"
        )


def _links(page: str) -> list[str]:
    out = []
    for raw in LINK.findall(page):
        url = html_lib.unescape(raw)
        # "Log in and come back" links nest without end; the page is the same without them.
        url = re.sub(r"[?&]next=[^#]*", "", url)
        if not url.startswith("/") or url.startswith("//"):
            continue  # other sites (and mailto:, #fragments) are not ours to crawl
        url = url.split("#", 1)[0]
        if "logout" in url:
            continue
        out.append(url)
    return out


def _shape(url: str) -> str:
    """The kind of page: ``/c/x/s/17`` and ``/c/x/s/18`` are one kind."""
    return re.sub(r"\d+", "N", url)


def crawl(browser: Browser, starts: list[str], static_seen: set[str]) -> dict[str, Fetched]:
    """Every same-site page and download reachable from ``starts`` (GET only); at most
    PER_SHAPE pages of one kind (statement 1, 2, 3... render alike), static files once."""
    seen: dict[str, Fetched] = {}
    shapes: dict[str, int] = {}
    queue = deque(starts)
    deadline = time.monotonic() + CRAWL_SECONDS
    while queue and len(seen) < MAX_PAGES_PER_ROLE and time.monotonic() < deadline:
        url = queue.popleft()
        if url in seen or url in static_seen:
            continue
        shape = _shape(url)
        if shapes.get(shape, 0) >= PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        if url.startswith("/static/"):
            static_seen.add(url)
        fetched = browser.get(url)
        seen[url] = fetched
        if fetched.media == "text/html":
            queue.extend(link for link in _links(fetched.text) if link not in seen)
    return seen
