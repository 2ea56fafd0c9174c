"""Pseudonyms for auditors: a stable, keyed stand-in for each person's reference.

`anon-` and 16 hex digits of HMAC-SHA256(installation secret, person_ref): the
same person always gets the same pseudonym (an auditor can follow them across
figures and the log), and nobody without the secret can go back from it, even
by trying every OULAD student number. Going back is only done here, for an
auditor who asks for a pseudonym's path, by looking through the people known.
"""

from __future__ import annotations

import hashlib
import hmac
import threading

from domain.ids import trainee_id
from projections.people_access import all_person_refs
from projections.store import ViewStore

PREFIX = "anon-"


class Pseudonyms:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._lock = threading.Lock()
        self._known: dict[str, str] = {}  # pseudonym → person_ref
        self._stand_ins: dict[str, str] = {}  # person_ref or trainee id → pseudonym
        self._known_at = -1  # the people_access position the map was built at

    def of(self, person_ref: str) -> str:
        digest = hmac.new(self._secret, person_ref.encode(), hashlib.sha256).hexdigest()
        return PREFIX + digest[:16]

    def person(self, views: ViewStore, pseudonym: str) -> str | None:
        """The person behind a pseudonym, or None when it names nobody known."""
        if not pseudonym.startswith(PREFIX):
            return None
        return self._map(views)[0].get(pseudonym)

    def stand_ins(self, views: ViewStore) -> dict[str, str]:
        """Whatever names a known person in the log → their pseudonym: the reference, and the
        trainee aggregate's id (derived from the reference, so it would name them too)."""
        return self._map(views)[1]

    def _map(self, views: ViewStore) -> tuple[dict[str, str], dict[str, str]]:
        position = views.read_position("people_access")
        with self._lock:
            if position != self._known_at:
                refs = all_person_refs(views)
                self._known = {self.of(ref): ref for ref in refs}
                self._stand_ins = {ref: self.of(ref) for ref in refs} | {
                    str(trainee_id(ref)): self.of(ref) for ref in refs
                }
                self._known_at = position
            return self._known, self._stand_ins
