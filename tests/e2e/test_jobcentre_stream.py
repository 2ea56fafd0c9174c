"""A job centre's system follows its feed live: GET /api/jobcentres/{code}/feed/stream sends
every entry of the feed in order, resumes after the Last-Event-ID it is given with nothing
missed or sent twice, and sends the entries written while it is open.

The stream never ends, and the TestClient reads a response to its end: each stream here is
a plain ASGI call run in the TestClient's event loop (as tests/e2e/test_live_updates.py
does), read from the test's thread until it has what it waits for, then disconnected. The
calls that end (406, 400, 403) go through the TestClient.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any

import anyio
import pytest
from access_givens import Cast
from litestar import Litestar
from litestar.testing import TestClient
from served import serve

import web.jobcentres
from domain.application import Tremplin
from domain.values import ConsentScope, PersonalDetails
from infra.credentials import parse_api_key
from projections.jobcentre_feed import MILESTONES

Entry = dict[str, Any]
PERSON = "stream-0001"
COHORT = "sim2017-developer-2017-09"  # ORT's developers: open on DAY
DAY = date(2017, 10, 2)
WAIT_SECONDS = 10  # for what must come: a catch-up runs within a second of any save
QUIET_SECONDS = 0.5  # for what must not


class EventStream:
    """One GET of the feed's stream, as a centre's system makes it, open for the length
    of a `with` block: the events as they come, then a disconnect."""

    def __init__(
        self,
        client: TestClient[Litestar],
        code: str,
        last_event_id: int | None = None,
        query: str = "",
    ) -> None:
        self.client = client
        self.path = f"/api/jobcentres/{code}/feed/stream"
        self.query = query
        self.headers = [
            (b"host", b"testserver.local"),
            (b"accept", b"text/event-stream"),
            (b"authorization", client.headers["authorization"].encode()),
        ]
        if last_event_id is not None:
            self.headers.append((b"last-event-id", str(last_event_id).encode()))
        self.asked = False
        self.status = 0
        self.received = b""
        self.ended = False  # the app sent the last of the body (it ended the stream itself)
        self.closed: anyio.Event | None = None
        self.running: Future[None] | None = None

    def __enter__(self) -> EventStream:
        self.closed = self.client.blocking_portal.call(anyio.Event)
        self.running = self.client.blocking_portal.start_task_soon(self._run)
        return self

    def __exit__(self, *_: object) -> None:
        assert self.closed is not None
        assert self.running is not None
        self.client.blocking_portal.call(self.closed.set)
        self.running.result(timeout=WAIT_SECONDS)  # the app saw the disconnect and stopped

    def events(self) -> list[dict[str, str]]:
        """The complete events received so far (comments left out), each as its fields."""
        complete = self.received.decode().split("\r\n\r\n")[:-1]
        fields = [
            dict(line.split(": ", 1) for line in block.split("\r\n") if not line.startswith(":"))
            for block in complete
        ]
        return [event for event in fields if event]

    def entries(self, count: int) -> list[Entry]:
        """The first `count` entries, waiting for them as long as they may take."""
        deadline = time.monotonic() + WAIT_SECONDS
        while len(events := self.events()) < count:
            assert time.monotonic() < deadline, f"{len(events)} entries of {count} came"
            time.sleep(0.01)
        assert {event["event"] for event in events} == {"entry"}
        return [self._entry(event) for event in events[:count]]

    def nothing_more_after(self, count: int) -> None:
        time.sleep(QUIET_SECONDS)
        assert len(self.events()) == count

    @staticmethod
    def _entry(event: dict[str, str]) -> Entry:
        entry: Entry = json.loads(event["data"])
        assert event["id"] == str(entry["id"])  # what a reconnecting client sends back
        return entry

    async def _run(self) -> None:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "https", "path": self.path,
            "raw_path": self.path.encode(), "root_path": "", "query_string": self.query.encode(),
            "headers": self.headers, "client": ("testclient", 50000),
            "server": ("testserver.local", 443), "extensions": {},
        }  # fmt: skip
        with anyio.fail_after(2 * WAIT_SECONDS + QUIET_SECONDS):
            await self.client.app(scope, self._receive, self._send)

    async def _receive(self) -> dict[str, Any]:
        if not self.asked:
            self.asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        assert self.closed is not None
        await self.closed.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.received += message.get("body", b"")
            self.ended = not message.get("more_body", False)


@pytest.fixture
def centre(data_dir: Path, cast: Cast) -> Iterator[TestClient[Litestar]]:
    """The centre's system, with its key, on the session's log (read only)."""
    for client in serve(data_dir):
        client.headers["authorization"] = f"Bearer {cast.jobcentre_key}"
        yield client


@pytest.fixture
def own_centre(own_data_dir: Path, cast: Cast) -> Iterator[TestClient[Litestar]]:
    """The same, on a copy of the log a test may write to."""
    for client in serve(own_data_dir):
        client.headers["authorization"] = f"Bearer {cast.jobcentre_key}"
        yield client


def the_feed(client: TestClient[Litestar], code: str) -> list[Entry]:
    answer = client.get(f"/api/jobcentres/{code}/feed", params={"limit": 500})
    assert answer.status_code == 200, answer.text
    entries: list[Entry] = answer.json()["entries"]
    assert 20 < len(entries) < 500  # the whole feed in one page
    return entries


def test_the_stream_sends_the_whole_feed_in_order_with_the_feeds_ids(
    centre: TestClient[Litestar], cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web.jobcentres, "STREAM_PAGE", 7)  # several pages before the head
    feed = the_feed(centre, cast.jobcentre)
    with EventStream(centre, cast.jobcentre) as stream:
        streamed = stream.entries(len(feed))
        stream.nothing_more_after(len(feed))
    assert stream.status == 200
    assert streamed == feed


@pytest.mark.parametrize("k", [1, 13])
def test_reconnecting_with_last_event_id_resumes_after_that_entry(
    centre: TestClient[Litestar], cast: Cast, k: int
) -> None:
    feed = the_feed(centre, cast.jobcentre)
    with EventStream(centre, cast.jobcentre) as first:
        before = first.entries(k)  # the connection drops after the k-th entry
    with EventStream(centre, cast.jobcentre, last_event_id=before[-1]["id"]) as again:
        after = again.entries(len(feed) - k)
        again.nothing_more_after(len(feed) - k)
    assert before + after == feed


def test_last_event_id_wins_over_after(centre: TestClient[Litestar], cast: Cast) -> None:
    """A browser reconnects with the URL it first used (after=0) and the id it last saw."""
    feed = the_feed(centre, cast.jobcentre)
    last_seen = feed[-3]["id"]
    with EventStream(centre, cast.jobcentre, last_seen, query="after=0") as stream:
        assert stream.entries(2) == feed[-2:]
        stream.nothing_more_after(2)


def test_entries_written_while_connected_arrive_on_the_open_stream(
    own_centre: TestClient[Litestar], cast: Cast
) -> None:
    """Someone the centre referred enrols and does a quarter of their path (in modules)
    while the centre's system listens: it hears of the enrolment, then of the milestone."""
    code = cast.jobcentre
    feed = the_feed(own_centre, code)
    steps = path_steps(own_centre, COHORT)
    quarter = math.ceil(len(steps) * MILESTONES[0] / 100)
    modules = [step for step, kind in steps if kind == "module"][:quarter]
    assert len(modules) == quarter
    tremplin: Tremplin = own_centre.app.state.tremplin
    with EventStream(own_centre, code) as stream:
        assert stream.entries(len(feed)) == feed
        tremplin.register_trainee(PERSON, PersonalDetails(), code, occurred_on=DAY)
        tremplin.give_consent(PERSON, ConsentScope.SHARE_WITH_JOBCENTRE, occurred_on=DAY)
        tremplin.enrol(PERSON, "ort-france-2017", COHORT, occurred_on=DAY)
        for module in modules:
            tremplin.complete_module(PERSON, COHORT, module, 80, occurred_on=DAY)
        new = stream.entries(len(feed) + 2)[len(feed) :]
        stream.nothing_more_after(len(feed) + 2)
    assert [(e["kind"], e["person"], e["cohort"]) for e in new] == [
        ("enrolled", PERSON, COHORT),
        ("progress", PERSON, COHORT),
    ]
    assert new[1]["details"] == {"percent": 25, "steps": len(steps), "steps_done": quarter}
    assert feed[-1]["id"] < new[0]["id"] < new[1]["id"]
    assert the_feed(own_centre, code) == [*feed, *new]  # the feed says the same


def path_steps(client: TestClient[Litestar], cohort: str) -> list[tuple[str, str]]:
    """(step, kind) of the cohort's path, in the path's order."""
    rows = client.app.state.read_models.store.query(
        "SELECT step_id, kind FROM learner_path_steps WHERE cohort_id = ?"
        " ORDER BY position_in_path",
        (cohort,),
    )
    return [(row["step_id"], row["kind"]) for row in rows]


def test_the_stream_refuses_what_it_cannot_serve(centre: TestClient[Litestar], cast: Cast) -> None:
    url = f"/api/jobcentres/{cast.jobcentre}/feed/stream"
    events = {"accept": "text/event-stream"}
    not_asked = centre.get(url, headers={"accept": "application/json"})
    assert not_asked.status_code == 406
    for bad in ("abc", "-1", "12.5", "²", str(10**18 + 1), "9" * 30):  # not ids, or past any
        headers = {b"accept": b"text/event-stream", b"last-event-id": bad.encode()}  # "²": UTF-8
        answer = centre.get(url, headers=headers)
        assert answer.status_code == 400, bad
        assert "Last-Event-ID" in answer.json()["detail"]
    other = "75-PARIS-13" if cast.jobcentre != "75-PARIS-13" else "75-PARIS-18"
    refused = centre.get(f"/api/jobcentres/{other}/feed/stream", headers=events)
    assert refused.status_code == 403
    assert refused.json()["detail"] == f"this caller follows job centre {cast.jobcentre} only"


def test_an_open_stream_ends_when_its_key_is_revoked(
    own_centre: TestClient[Litestar], cast: Cast
) -> None:
    code = cast.jobcentre
    feed = the_feed(own_centre, code)
    tremplin: Tremplin = own_centre.app.state.tremplin
    parsed = parse_api_key(cast.jobcentre_key)
    assert parsed is not None
    with EventStream(own_centre, code) as stream:
        assert stream.entries(len(feed)) == feed
        tremplin.revoke_api_key(parsed[0])
        tremplin.register_trainee(PERSON, PersonalDetails(), code, occurred_on=DAY)
        tremplin.give_consent(PERSON, ConsentScope.SHARE_WITH_JOBCENTRE, occurred_on=DAY)
        tremplin.enrol(PERSON, "ort-france-2017", COHORT, occurred_on=DAY)
        deadline = time.monotonic() + WAIT_SECONDS
        while not stream.ended:  # the app ends the response itself…
            assert time.monotonic() < deadline, "the stream went on after its key was revoked"
            time.sleep(0.01)
        assert len(stream.events()) == len(feed)  # …and sent nothing after the revocation
