"""The app in a test: in-process over HTTP(S) (TestClient), or `tremplin serve` in a
process of its own for a real browser; either way with its views caught up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tremplin_serve(data_dir: Path) -> Iterator[str]:
    """`tremplin serve` on a free port over `data_dir`; yields its base URL."""
    port = free_port()
    env = {**os.environ, "TREMPLIN_DATA_DIR": str(data_dir), "TREMPLIN_PORT": str(port)}
    command = [str(Path(sys.executable).parent / "tremplin"), "serve"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/api/health").json()["lag"] == 0:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            assert time.monotonic() < deadline, "tremplin serve did not start within 30 s"
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
