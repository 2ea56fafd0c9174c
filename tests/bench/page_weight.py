"""`make bench`: what a trainee's phone downloads — the first page with everything it
loads, and the htmx swaps after it — against the budgets of issue 5 (60 KB and 10 KB).

A real `tremplin serve` over a data folder with a cohort running today and a trainee
account. Every request says `Accept-Encoding: gzip`, as a phone's browser does; the
bytes counted are those on the wire (compressed bodies, and the headers separately).
Where the server sent a body uncompressed, the figure is that body's size and the
gzip size it would have had is shown beside it.

The first load is counted as a browser without anything cached does it: the page, its
stylesheet and scripts, the manifest and the icons it names (the browser reads them to
offer installation), then the service worker's script and the precache files the page
did not already load (the offline pages): the worker takes the others from the HTTP
cache at its first install (pwa/sw.js).
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import httpx

from domain.accounts import Role
from infra.bootstrap import build_application
from infra.credentials import hash_password
from infra.live_demo import add_live_cohort
from infra.settings import Settings
from tests.bench.import_rate import RESULTS, ROOT, _cpu

sys.path.insert(0, str(ROOT / "tests" / "support"))
from served import tremplin_serve  # tests/support is not a package

EMAIL = "bench-trainee@bench.example"
PASSWORD = "mot de passe du banc de mesure"
PERSON = "sim-live-002"  # has done a module: a board to show, XP to read
FIRST_PAGE = "/me"
SCREENS = ("/me", "/me/path", "/me/record", "/me/leaderboard", "/me/wall", "/me/badges",
           "/me/coaching", "/me/jobs", "/me/profile")  # fmt: skip
FIRST_LOAD_BUDGET = 60 * 1024
SWAP_BUDGET = 10 * 1024
MINIMUM_COMPRESSED = 500  # litestar's CompressionConfig.minimum_size
_ASSET = re.compile(r'<(?:link|script|img)\b[^>]*?\b(?:href|src)="([^"]+)"')
_FORM_TOKEN = re.compile(r'name="_csrf_token" value="([^"]*)"')
_PRECACHED = re.compile(r"^const FILES = \[(.*?)\];", re.S | re.M)
_OFFLINE = re.compile(r'^const OFFLINE = \{ fr: "([^"]+)", en: "([^"]+)" \};', re.M)


@dataclass(frozen=True)
class Transfer:
    path: str
    status: int
    body: int  # bytes of the body on the wire
    headers: int  # bytes of the status line and headers
    compressed: bool
    raw: int  # bytes of the body once decoded
    gzip_size: int  # what the body weighs gzipped (level 6), whatever was sent
    media_type: str

    @property
    def compressible(self) -> bool:
        """Text worth compressing: litestar leaves bodies under 500 bytes as they are."""
        return self.raw >= MINIMUM_COMPRESSED and not self.media_type.startswith("image/")

    def line(self) -> str:
        how = "gzip" if self.compressed else f"sent as is; gzip would be {self.gzip_size:,}"
        return f"  - `{self.path}`: {self.body:,} B body ({how}) + {self.headers:,} B headers"


def fetch(client: httpx.Client, path: str, **headers: str) -> Transfer:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    head = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n") + sum(
        len(name) + len(value) + 4 for name, value in response.headers.raw
    )
    return Transfer(
        path=path,
        status=response.status_code,
        body=response.num_bytes_downloaded,
        headers=head + 2,
        compressed=response.headers.get("content-encoding") == "gzip",
        raw=len(response.content),
        gzip_size=len(gzip.compress(response.content, 6)),
        media_type=response.headers.get("content-type", ""),
    )


def given_a_trainee(folder: Path) -> None:
    app = build_application(Settings(data_dir=folder))
    add_live_cohort(app, date.today())
    app.open_account(EMAIL, Role.TRAINEE, hash_password(PASSWORD), {"person_ref": PERSON})
    app.close()


def sign_in(client: httpx.Client) -> None:
    page = client.get("/login").text
    token = _FORM_TOKEN.search(page)
    assert token is not None
    answer = client.post(
        "/login", data={"email": EMAIL, "password": PASSWORD, "_csrf_token": token.group(1)}
    )
    assert answer.status_code == 303, answer.status_code


def first_load(client: httpx.Client) -> list[Transfer]:
    page = fetch(client, FIRST_PAGE)
    html = client.get(FIRST_PAGE).text
    assets = [a for a in dict.fromkeys(_ASSET.findall(html)) if not a.startswith("data:")]
    wanted = [urljoin(FIRST_PAGE, a) for a in assets]
    manifest = next((a for a in assets if a.endswith(".webmanifest")), None)
    if manifest is not None:
        wanted += [icon["src"] for icon in client.get(manifest).json().get("icons", [])]
    if client.get("/sw.js").status_code == 200:
        wanted += ["/sw.js", *precached(client)]
    # Each file once: the second time the browser (or the worker) finds it in its cache.
    return [page, *(fetch(client, path) for path in dict.fromkeys(wanted))]


def precached(client: httpx.Client) -> list[str]:
    script = client.get("/sw.js").text
    offline = _OFFLINE.search(script)
    files = _PRECACHED.search(script)
    assert offline is not None, "pwa/sw.js changed shape: update the bench"
    assert files is not None, "pwa/sw.js changed shape: update the bench"
    names = {"OFFLINE.fr": offline.group(1), "OFFLINE.en": offline.group(2)}
    listed = [item.strip().strip('"') for item in files.group(1).split(",") if item.strip()]
    return [names.get(item, item) for item in listed]


def swaps(client: httpx.Client) -> list[Transfer]:
    """Each screen as the boosted menu asks for it (htmx swaps the fragment into #screen)."""
    htmx = {"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "screen"}
    return [fetch(client, f"{screen}?lang=fr", **htmx) for screen in SCREENS]


def weigh(base: str) -> list[str]:
    with httpx.Client(base_url=base, headers={"Accept-Encoding": "gzip"}) as client:
        sign_in(client)
        loaded, swapped = first_load(client), swaps(client)
    total = sum(t.body + t.headers for t in loaded)
    bodies = sum(t.body for t in loaded)
    as_gzip = sum(t.body if t.compressed else t.gzip_size for t in loaded)
    biggest = max(swapped, key=lambda t: t.body + t.headers)
    compressed = all(t.compressed for t in [*loaded, *swapped] if t.compressible)
    lines = [
        f"- server compression: {'gzip' if compressed else 'OFF: text bodies sent uncompressed'}",
        f"- first load of `{FIRST_PAGE}` ({len(loaded)} requests): **{total / 1024:.1f} KB**"
        f" on the wire ({bodies / 1024:.1f} KB of bodies + headers);"
        f" budget {FIRST_LOAD_BUDGET // 1024} KB → {verdict(total, FIRST_LOAD_BUDGET)}",
    ]
    if not compressed:
        lines.append(f"  - were every body gzipped: {as_gzip / 1024:.1f} KB of bodies")
    lines += [t.line() for t in loaded]
    lines.append(
        f"- htmx swaps (each trainee screen's fragment): largest `{biggest.path}`"
        f" **{(biggest.body + biggest.headers) / 1024:.1f} KB**; budget {SWAP_BUDGET // 1024} KB"
        f" → {verdict(biggest.body + biggest.headers, SWAP_BUDGET)}"
    )
    lines += [t.line() for t in swapped]
    return lines


def verdict(size: int, budget: int) -> str:
    return "within" if size <= budget else "OVER"


def main() -> None:
    os.environ["TREMPLIN_COOKIE_SECURE"] = "false"  # plain http on 127.0.0.1: httpx keeps
    # Secure cookies for https only, where a browser also sends them to localhost
    with tempfile.TemporaryDirectory(dir=ROOT / "var" / "tmp") as tmp:
        folder = Path(tmp)
        given_a_trainee(folder)
        for base in tremplin_serve(folder):
            measured = weigh(base)
    lines = [f"## {date.today().isoformat()} — page weight (trainee app)", ""]
    lines += [f"- machine: {_cpu()}", *measured]
    print("\n".join(lines))
    blank = "" if RESULTS.read_text().endswith("\n\n") else "\n"  # one blank line between blocks
    with RESULTS.open("a") as results:
        results.write(blank + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
