"""What an auditor without a recorded reason sees of an event in the log browser.

The list comes from reading every event class in `infra.event_log.DOMAIN_MODULES`
(tests/unit/test_log_privacy.py walks them and fails on a field nobody classified):

- a trainee's reference (`PERSON_FIELDS`: `person_ref`, `author_ref`, `by_ref`,
  `helped_ref`; `person_ref` in an account's `links`; the result of the commands
  in `PERSON_RESULTS`) becomes their pseudonym, so an auditor can follow a person
  without knowing who they are;
- aggregate ids made from something that names a person are replaced too, since
  anyone who knows the reference (or the email) can recompute them
  (`domain.ids`): a trainee's record shows the person's pseudonym, a badge the
  pseudonym and the badge, an account (`account_id(email)`, and `by_account`,
  and the result of the commands in `ACCOUNT_RESULTS`) a pseudonym of its own;
- a command record's `command_id` (and so its aggregate id) is made by the
  importers from the person (`oulad/person/oulad-11391`): it gets a pseudonym of
  its own; its `digest` hashes the command's arguments, which an auditor could
  recompute for every OULAD student number next to the event it recorded, so it
  is hidden;
- `personal` (PersonalDetails, a mentor's private note, what a trainee wrote on
  the wall) and `pseudonym` (the name a trainee chose for the leaderboard) are
  hidden, and so is every free-text `reason` (a trainee's report, a moderator's or
  an administrator's reason, an auditor's own: any may quote a name) except a
  departure's, which is a code; an auditor key's `scope` is the auditor's name;
- everything else is a fact about the programme (`FACTS`): ids of modules, cohorts
  and sessions, scores, days, and the references of mentors, employers, offers and
  job centres, who are staff and organisations, not the people being counted.

Password and key hashes are withheld before this, from everyone
(`infra.event_log.event_as_dict`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.accounts import Account, ApiKeyKind
from domain.badges import Badge
from domain.commands import CommandRecord
from infra.event_log import HIDDEN, PERSON_FIELDS

ACCOUNT_FIELDS = frozenset({"by_account"})  # a staff account's id, hex
PERSONAL_FIELDS = frozenset({"personal", "pseudonym"})
CODED_REASONS = frozenset({"Left"})  # `reason` is a LeftReason there, not someone's words
# Commands whose recorded result (CommandRecord.Accepted) is a trainee's reference,
# or an account's id.
PERSON_RESULTS = frozenset(
    {"register_trainee", "give_peer_help", "thank_peer", "mark_reply_helpful"}
)
ACCOUNT_RESULTS = frozenset(
    {"open_account", "change_password", "disable_account", "enable_account"}
)
# Fields read and found to name no person: shown as recorded.
FACTS = frozenset(
    {
        "assessment_id", "badge_id", "careers", "category", "certifications", "code",
        "cohort_id", "contract", "course", "credited", "demo", "display",
        "due_on", "duration_minutes", "employer_ref", "evidence_position", "exam",
        "final_result", "funders", "game_id", "generator", "goal_id", "key_id", "kind",
        "level", "mentor_ref", "milestone_id", "module_id", "name", "occurred_on",
        "offer_ref", "on", "passed", "period", "place", "post_id", "programme_code",
        "referred_by", "reply_id", "role", "rome_code", "rule_version", "scheme", "score",
        "sector", "seed", "session_id", "simulation_id", "skills", "specialities",
        "starts_on", "status", "steps", "targets", "title", "topics", "track", "trainees",
        "until", "vendor",
    }
)  # fmt: skip
# Handled field by field below.
SPECIAL_FIELDS = frozenset({"command_id", "digest", "links", "reason", "result", "scope"})

_ACCOUNT_TOPICS = get_topic(Account) + "."
_BADGE_TOPICS = get_topic(Badge) + "."
_COMMAND_TOPICS = get_topic(CommandRecord) + "."


@dataclass(frozen=True)
class Disguise:
    """How a pseudonymous reader sees the people in the log."""

    pseudonym: Callable[[str], str]  # a reference → its keyed pseudonym (Pseudonyms.of)
    known: Mapping[str, str]  # a known person's reference or trainee id → pseudonym

    def person(self, person_ref: str) -> str:
        return self.pseudonym(person_ref)

    def account(self, account_id: str) -> str:
        """The same stand-in for an account however its id is written (hex or dashed)."""
        try:
            return self.pseudonym("account:" + UUID(account_id).hex)
        except ValueError:
            return HIDDEN

    def command(self, command_id: str) -> str:
        return self.pseudonym("command:" + command_id)

    def known_values(self, value: Any) -> Any:
        """Any string naming a known person, wherever it sits, becomes their pseudonym."""
        if isinstance(value, str):
            return self.known.get(value, value)
        if isinstance(value, dict):
            return {k: self.known_values(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.known_values(item) for item in value]
        return value


def pseudonymised(row: Mapping[str, Any], disguise: Disguise) -> dict[str, Any]:
    """An `event_as_dict` row as a reader who sees no real ids may see it."""
    return {key: _field(row, key, value, disguise) for key, value in row.items()}


def _field(row: Mapping[str, Any], key: str, value: Any, disguise: Disguise) -> Any:
    if value is None:
        return None
    if key == "aggregate_id":
        return _aggregate(row, value, disguise)
    if key in PERSON_FIELDS:
        return disguise.person(value)
    if key in ACCOUNT_FIELDS:
        return disguise.account(value)
    if key in PERSONAL_FIELDS or key == "digest":
        return HIDDEN
    if key == "reason" and row.get("type") not in CODED_REASONS:
        return HIDDEN
    if key == "command_id":
        return disguise.command(value)
    if key == "links":
        return {k: disguise.person(v) if k == "person_ref" else v for k, v in value.items()}
    if key == "scope" and row.get("kind") == ApiKeyKind.AUDITOR.value:
        return HIDDEN  # the auditor's name
    if key == "result":
        return _result(str(row.get("name")), value, disguise)
    return disguise.known_values(value)


def _aggregate(row: Mapping[str, Any], aggregate_id: str, disguise: Disguise) -> str:
    topic = str(row.get("topic", ""))
    if topic.startswith(_ACCOUNT_TOPICS):
        return disguise.account(aggregate_id)
    if topic.startswith(_COMMAND_TOPICS):
        command_id = row.get("command_id")
        return disguise.command(command_id) if command_id else HIDDEN
    if topic.startswith(_BADGE_TOPICS):
        person, badge = row.get("person_ref"), row.get("badge_id")
        return f"{disguise.person(person)}/{badge}" if person and badge else HIDDEN
    return str(disguise.known_values(aggregate_id))


def _result(command: str, result: Any, disguise: Disguise) -> Any:
    if command in PERSON_RESULTS:
        return disguise.person(str(result))
    if command in ACCOUNT_RESULTS:
        return disguise.account(str(result))
    return disguise.known_values(result)
