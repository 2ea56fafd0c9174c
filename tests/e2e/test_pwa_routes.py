"""The installable shell over HTTP: the manifest and its icons, the service worker at the
root with everything it precaches, the offline page, and the stream's door."""

from __future__ import annotations

import gzip
import re
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from access_givens import PASSWORD, Cast
from litestar import Litestar
from litestar.testing import TestClient
from served import serve
from web_session import signed_in

import web.pwa
from web.pwa import shell_digest

PWA = Path(__file__).parents[2] / "pwa"
APP_JS_GZIPPED_MAX = 4 * 1024  # app.js is on every page: a tenth of the first load's budget


@pytest.fixture(scope="module")
def site(data_dir: Path) -> Iterator[TestClient[Litestar]]:
    yield from serve(data_dir)


def png_pixels(data: bytes) -> tuple[int, list[list[int]]]:
    """(size, rows of palette indexes) of a square 1-bit palette PNG, as make_icons writes."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    chunks: dict[bytes, bytes] = {}
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        chunks[kind] = chunks.get(kind, b"") + data[at + 8 : at + 8 + length]
        at += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (width, depth, colour) == (height, 1, 3), "make_icons writes square 1-bit palettes"
    raw, stride = zlib.decompress(chunks[b"IDAT"]), 1 + (width + 7) // 8
    rows = []
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        assert line[0] == 0, "filter type 0"
        rows.append([(line[1 + x // 8] >> (7 - x % 8)) & 1 for x in range(width)])
    return width, rows


def test_the_manifest_describes_an_installable_app_in_french(site: TestClient[Litestar]) -> None:
    response = site.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/manifest+json"
    manifest = response.json()
    assert (manifest["name"], manifest["short_name"], manifest["lang"]) == (
        "Tremplin", "Tremplin", "fr",
    )  # fmt: skip
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/me?source=pwa", "/", "standalone",
    )  # fmt: skip
    assert manifest["theme_color"] == manifest["background_color"] == "#0b5cad"
    assert "--accent: #0b5cad" in (PWA / "app.css").read_text()  # the page's own colour
    icons = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert icons == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}


def test_every_icon_is_a_png_of_the_size_the_manifest_says(site: TestClient[Litestar]) -> None:
    for icon in site.get("/manifest.webmanifest").json()["icons"]:
        response = site.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        assert response.headers["content-type"] == icon["type"] == "image/png"
        size, rows = png_pixels(response.content)
        assert icon["sizes"] == f"{size}x{size}"
        assert rows[0][0] == 0  # the accent colour at the corner
        assert any(1 in row for row in rows)  # a white T somewhere


def test_the_maskable_icons_t_stays_inside_the_safe_zone() -> None:
    """Launchers crop a maskable icon to any shape holding the central 80% circle."""
    size, rows = png_pixels((PWA / "icons" / "icon-maskable-512.png").read_bytes())
    centre, radius = size / 2, 0.4 * size
    white = [(x + 0.5, y + 0.5) for y, row in enumerate(rows) for x, bit in enumerate(row) if bit]
    assert len(white) > size * size // 50  # a T that shows, not a speck
    outside = [p for p in white if (p[0] - centre) ** 2 + (p[1] - centre) ** 2 > radius**2]
    assert outside == []


def test_the_service_worker_is_served_from_the_root_and_always_revalidated(
    site: TestClient[Litestar],
) -> None:
    response = site.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert 'const SHELL = "tremplin-shell-v' in response.text
    assert response.text.endswith(f"// shell: {shell_digest()}\n")


def precached(script: str) -> list[str]:
    offline = re.search(r'^const OFFLINE = \{ fr: "([^"]+)", en: "([^"]+)" \};', script, re.M)
    files = re.search(r"^const FILES = \[(.*?)\];", script, re.S | re.M)
    assert offline is not None
    assert files is not None
    names = {"OFFLINE.fr": offline.group(1), "OFFLINE.en": offline.group(2)}
    listed = [item.strip().strip('"') for item in files.group(1).split(",") if item.strip()]
    return [names.get(item, item) for item in listed]


def test_everything_the_worker_precaches_is_there(site: TestClient[Litestar]) -> None:
    """One missing file and the worker never installs: the app would never work offline."""
    files = precached(site.get("/sw.js").text)
    shell = {"/static/app.css", "/static/app.js", "/static/vendor/htmx-2.0.11.min.js"}
    assert shell | {"/manifest.webmanifest", "/offline?lang=fr", "/offline?lang=en"} <= set(files)
    site.cookies.clear()  # the worker fetches the offline pages without cookies
    assert {path: site.get(path).status_code for path in files} == dict.fromkeys(files, 200)


def test_a_changed_shell_file_changes_the_workers_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Browsers install a worker again only when its script changes byte for byte."""
    copy = tmp_path / "pwa"
    shutil.copytree(PWA, copy)
    monkeypatch.setattr(web.pwa, "PWA", copy)
    before = shell_digest()
    (copy / "app.css").write_text((copy / "app.css").read_text() + "\n.new { color: red; }\n")
    assert shell_digest() != before


def test_the_offline_page_is_french_by_default_and_english_when_asked(
    site: TestClient[Litestar],
) -> None:
    french = site.get("/offline", headers={"accept-language": "fr-FR"})
    english = site.get("/offline?lang=en")
    assert (french.status_code, english.status_code) == (200, 200)
    assert '<html lang="fr">' in french.text
    assert "<h1>Pas de connexion</h1>" in french.text
    assert '<html lang="en">' in english.text
    assert "<h1>No connection</h1>" in english.text


def test_htmx_and_the_pages_reach_a_phone_gzipped(site: TestClient[Litestar]) -> None:
    htmx = site.get("/static/vendor/htmx-2.0.11.min.js", headers={"accept-encoding": "gzip"})
    assert htmx.headers["content-encoding"] == "gzip"
    assert htmx.num_bytes_downloaded < 20_000 < len(htmx.content)


def test_app_js_stays_tiny() -> None:
    gzipped = len(gzip.compress((PWA / "app.js").read_bytes(), 6))
    assert gzipped <= APP_JS_GZIPPED_MAX, f"app.js is {gzipped} bytes gzipped"


def test_the_stream_refuses_to_hold_a_line_for_anything_but_an_event_source(
    data_dir: Path, cast: Cast
) -> None:
    for client in serve(data_dir):
        trainee = signed_in(client, cast.emails["trainee"], PASSWORD)
        plain = trainee.get("/me/stream")
        assert plain.status_code == 406  # answered at once (a stream would never end here)
        assert plain.text == "an event stream: Accept: text/event-stream"
