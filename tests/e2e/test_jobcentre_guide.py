"""The guide's Python script (docs/guides/follow_feed.py) does what the guide
(docs/guides/jobcentre-feed.md) says, against `tremplin serve`: it follows the feed from
the start, resumes after a restart without fetching an entry twice, and forgets a
person's entries when they withdraw consent."""

from __future__ import annotations

import importlib.util
import json
import re
import time
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from access_givens import Cast
from served import tremplin_serve

from domain.values import ConsentScope
from infra.bootstrap import build_application
from infra.settings import Settings

SCRIPT = Path(__file__).parents[2] / "docs" / "guides" / "follow_feed.py"
Entry = dict[str, Any]


def the_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("follow_feed", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def the_feed(base: str, key: str, code: str) -> list[Entry]:
    answer = httpx.get(
        f"{base}/api/jobcentres/{code}/feed",
        params={"limit": 500},
        headers={"authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 200, answer.text
    entries: list[Entry] = answer.json()["entries"]
    assert 20 < len(entries) < 500  # the whole feed in one page
    return entries


def what_a_centre_may_keep(feed: list[Entry]) -> dict[str, Entry]:
    """The entries that name someone: the others are notices, or belong to someone who
    withdrew consent since."""
    return {str(entry["id"]): entry for entry in feed if entry["person"] is not None}


def kept(state: Path) -> tuple[dict[str, Entry], int]:
    entries: dict[str, Entry] = json.loads((state / "entries.json").read_text())
    return entries, int((state / "cursor").read_text())


def test_the_script_follows_resumes_and_forgets(
    own_data_dir: Path,
    cast: Cast,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    script = the_script()
    state = tmp_path_factory.mktemp("centre-state")
    code, key = cast.jobcentre, cast.jobcentre_key
    for base in tremplin_serve(own_data_dir):
        feed = the_feed(base, key, code)

        # Stopped after two pages of ten, as if the machine went down.
        assert script.follow(base, key, code, state, limit=10, pages=2) == 20
        entries, cursor = kept(state)
        assert (len(entries), cursor) == (20, feed[19]["id"])

        # The restart: from the saved cursor to the head, nothing fetched twice.
        assert script.follow(base, key, code, state, limit=10) == len(feed) - 20
        entries, cursor = kept(state)
        assert entries == what_a_centre_may_keep(feed)
        assert cursor == feed[-1]["id"]

        # Run as the guide shows, with nothing new: nothing processed, the cursor kept.
        monkeypatch.setenv("TREMPLIN_KEY", key)
        script.main([base, code, str(state)])
        assert capsys.readouterr().out == f"0 entries processed; cursor {cursor}\n"

        # Someone withdraws consent (recorded by another process, as the platform does).
        person = feed[0]["person"]
        app = build_application(Settings(data_dir=own_data_dir))
        try:
            day = date.fromisoformat(feed[-1]["occurred_on"])
            app.withdraw_consent(person, ConsentScope.SHARE_WITH_JOBCENTRE, occurred_on=day)
        finally:
            app.close()
        notice = the_next_entry(base, key, code, cursor)
        assert notice["kind"] == "consent_withdrawn"

        assert script.follow(base, key, code, state) == 1
        entries, cursor = kept(state)
        assert cursor == notice["id"]
        assert person not in {entry["person"] for entry in entries.values()}
        assert entries == what_a_centre_may_keep(the_feed(base, key, code))


def the_next_entry(base: str, key: str, code: str, after: int) -> Entry:
    """The first entry after `after`, once the server has read it (it reads the log
    at least every second)."""
    deadline = time.monotonic() + 10
    while not (entries := the_feed_after(base, key, code, after)):
        assert time.monotonic() < deadline, "the server did not read the new event"
        time.sleep(0.1)
    return entries[0]


def the_feed_after(base: str, key: str, code: str, after: int) -> list[Entry]:
    answer = httpx.get(
        f"{base}/api/jobcentres/{code}/feed",
        params={"after": after},
        headers={"authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 200, answer.text
    entries: list[Entry] = answer.json()["entries"]
    return entries


def test_the_guide_shows_the_script_as_it_is() -> None:
    """The guide's Python block is the file the test above runs, to the byte."""
    guide = (SCRIPT.parent / "jobcentre-feed.md").read_text()
    (block,) = re.findall(r"```python\n(.*?)```", guide, flags=re.DOTALL)
    assert block == SCRIPT.read_text()
