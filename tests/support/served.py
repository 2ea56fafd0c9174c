"""The app over HTTP(S) in a test, with its lifespan running and its views caught up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient
from web_session import HTTPS

from infra.settings import Settings
from web.app import create_app


def serve(folder: Path) -> Iterator[TestClient[Litestar]]:
    """The app over HTTP(S) with its lifespan running, once its views have read the whole log."""
    app = create_app(Settings(data_dir=folder))
    with TestClient(app=app, base_url=HTTPS) as client:
        deadline = time.monotonic() + 20
        while client.get("/api/health").json()["lag"] > 0:
            assert time.monotonic() < deadline, "the views did not catch up within 20 s"
            time.sleep(0.05)
        yield client
    app.state.tremplin.close()
