"""Deterministic aggregate ids, derived from the natural keys people use.

The same programme code, person reference or command id always maps to the
same aggregate, which is what makes imports and offline replays idempotent.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from uuid import UUID, uuid5

_NAMESPACE = UUID("6f1c1c2e-3a57-4d0e-9a53-2b7f4f0c9d11")


@lru_cache(maxsize=1 << 17)  # imports ask for the same ids many times
def _id(kind: str, key: str) -> UUID:
    return uuid5(_NAMESPACE, f"{kind}:{key}")


def programme_id(code: str) -> UUID:
    return _id("programme", code)


def cohort_claim_id(cohort_id: str) -> UUID:
    return _id("cohort", cohort_id)


def trainee_id(person_ref: str) -> UUID:
    return _id("trainee", person_ref)


def mentor_id(mentor_ref: str) -> UUID:
    return _id("mentor", mentor_ref)


def employer_id(employer_ref: str) -> UUID:
    return _id("employer", employer_ref)


def offer_id(offer_ref: str) -> UUID:
    return _id("offer", offer_ref)


def command_record_id(command_id: str) -> UUID:
    return _id("command", command_id)


def account_id(login: str) -> UUID:
    """From the normalised email: one account per address, found without an index."""
    return _id("account", login)


def api_key_id(key_id: str) -> UUID:
    return _id("apikey", key_id)


def installation_id() -> UUID:
    """The one installation a log belongs to (its demo marker's aggregate)."""
    return _id("installation", "this")


def wall_post_id(post_id: str) -> UUID:
    """From the id the author's phone made: an offline post replays into the same post."""
    return _id("wallpost", post_id)


def in_person_session_id(cohort_id: str, on: date, code: str) -> UUID:
    """From what a trainee knows at the door (their cohort, the day, the code shown):
    the session is found without an index, and one code names one session a day."""
    return _id("session", f"{cohort_id}:{on.isoformat()}:{code}")


def jobcentre_id(code: str) -> UUID:
    """From the centre's code: a referral, an account or a key finds its centre without an index."""
    return _id("jobcentre", code)
