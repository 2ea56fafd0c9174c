"""Follow a job centre's Tremplin feed and keep what it says in a local store.

Stop it, let it crash, restart it: it resumes after the last entry it kept, and
neither misses nor repeats one. The guide that explains it: jobcentre-feed.md.

    pip install httpx
    export TREMPLIN_KEY=tpk_…            # the centre's key (not on the command line)
    python follow_feed.py https://tremplin.example 93-SAINT-DENIS ./feed-state
    python follow_feed.py https://tremplin.example 93-SAINT-DENIS ./feed-state --watch

The store is two files in the state folder, enough to show the rules: `entries.json`
(the entries kept, by id) and `cursor` (the id of the last entry processed). A real
system writes both to its own database, in one transaction if it can.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx

PAGE = 100  # entries per request, at most 500
WAIT_SECONDS = 30.0  # between two looks once caught up (--watch)

Entry = dict[str, Any]


class Store:
    """The entries kept, by id, and the cursor: the id of the last entry processed."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.entries_file = folder / "entries.json"
        self.cursor_file = folder / "cursor"
        self.entries: dict[str, Entry] = (
            json.loads(self.entries_file.read_text()) if self.entries_file.exists() else {}
        )

    @property
    def cursor(self) -> int:
        return int(self.cursor_file.read_text()) if self.cursor_file.exists() else 0

    def keep(self, page: list[Entry]) -> None:
        """Apply a page, then move the cursor past it.

        The entries are saved before the cursor: a crash in between only means the
        page is read again, and applying it twice gives the same store (by id)."""
        for entry in page:
            if entry["kind"] == "consent_withdrawn":
                # The person no longer shares with the centre: forget what they shared.
                # The notice itself names nobody; there is nothing in it to keep.
                for forgotten in entry["details"]["forget"]:
                    self.entries.pop(str(forgotten), None)
            else:
                self.entries[str(entry["id"])] = entry
        _replace(self.entries_file, json.dumps(self.entries, ensure_ascii=False))
        if page:
            _replace(self.cursor_file, str(page[-1]["id"]))


def _replace(path: Path, text: str) -> None:
    """Write a file whole or not at all (a crash leaves the previous version)."""
    draft = path.with_name(path.name + ".draft")
    draft.write_text(text)
    os.replace(draft, path)


def follow(
    base_url: str,
    key: str,
    centre: str,
    folder: Path,
    *,
    limit: int = PAGE,
    pages: int | None = None,
    watch: bool = False,
) -> int:
    """Read the feed from the saved cursor on, page by page, keeping each page before
    asking for the next. Without `watch`, stop at the first empty page (caught up) or
    after `pages` pages; with it, look again every WAIT_SECONDS. An error (network,
    5xx, 401) stops it: whatever restarts it (systemd, cron) resumes from the cursor.
    Returns how many entries this run processed."""
    store = Store(folder)
    processed = 0
    etag: str | None = None  # of the last empty page: unchanged means still nothing new
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30.0) as client:
        while pages is None or pages > 0:
            answer = client.get(
                f"/api/jobcentres/{centre}/feed",
                params={"after": store.cursor, "limit": limit},
                headers={"If-None-Match": etag} if etag else {},
            )
            if answer.status_code != 304:
                answer.raise_for_status()  # 401: the key; 403: another centre's code
                page: list[Entry] = answer.json()["entries"]
                store.keep(page)
                processed += len(page)
                etag = None if page else answer.headers.get("ETag")
                if pages is not None:
                    pages -= 1
                if page:
                    continue  # more may follow at once
            if not watch:
                break  # caught up
            time.sleep(WAIT_SECONDS)
    return processed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. https://tremplin.example")
    parser.add_argument("centre", help="the centre's code, e.g. 93-SAINT-DENIS")
    parser.add_argument("state", type=Path, help="folder for the entries and the cursor")
    parser.add_argument("--limit", type=int, default=PAGE, help=f"entries per page ({PAGE})")
    parser.add_argument("--watch", action="store_true", help="keep following once caught up")
    args = parser.parse_args(argv)
    key = os.environ.get("TREMPLIN_KEY")
    if not key:
        sys.exit("set TREMPLIN_KEY to the centre's API key (tpk_…)")
    count = follow(args.base_url, key, args.centre, args.state, limit=args.limit, watch=args.watch)
    print(f"{count} entries processed; cursor {Store(args.state).cursor}")


if __name__ == "__main__":
    main()
