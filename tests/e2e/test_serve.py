"""`tremplin serve` as a real server process, answering over a real socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(own_data_dir: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "TREMPLIN_DATA_DIR": str(own_data_dir), "TREMPLIN_PORT": str(port)}
    command = [sys.executable, "-c", "from infra.cli import main; main()", "serve"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    """Until the server answers and its views have read the whole log (as in conftest.serve)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"server exited: {process.stdout.read() if process.stdout else ''!r}"
            )
        try:
            if httpx.get(f"{base}/api/health", timeout=1).json()["lag"] == 0:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("server did not answer, or its views did not catch up, within 20 s")


def test_the_served_home_page_lists_both_programmes(server: str) -> None:
    page = httpx.get(f"{server}/", timeout=5)
    assert page.status_code == 200
    assert "ORT France — compétences numériques" in page.text
    assert "Open University Learning Analytics Dataset" in page.text


def test_the_served_health_check_has_read_the_whole_log(server: str) -> None:
    health = httpx.get(f"{server}/api/health", timeout=5).json()
    assert health["status"] == "ok"
    assert health["catalogue_position"] == health["log_position"] > 0
