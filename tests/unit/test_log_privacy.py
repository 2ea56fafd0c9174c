"""What an auditor without a recorded reason sees of the log: pseudonyms for people and
for every id made from them, no personal data, no free text; secrets withheld from all."""

from __future__ import annotations

import importlib
import json
import typing
from datetime import date
from typing import Any

import pytest
from eventsourcing.domain import Aggregate
from givens import ENROLLED_ON, PARIS, in_memory_app, with_an_enrolled_trainee

from domain.accounts import ApiKeyKind, Role
from domain.application import Tremplin
from domain.badges import badge_aggregate_id
from domain.ids import account_id, trainee_id
from domain.values import LeftReason, PersonalDetails
from infra.event_log import (
    DOMAIN_MODULES,
    HIDDEN,
    PERSON_FIELDS,
    SECRETS,
    WITHHELD,
    LogFilter,
    event_as_dict,
    read_log,
    trainees_behind,
)
from web.log_privacy import (
    ACCOUNT_FIELDS,
    ACCOUNT_RESULTS,
    FACTS,
    PERSON_RESULTS,
    PERSONAL_FIELDS,
    SPECIAL_FIELDS,
    Disguise,
    pseudonymised,
)
from web.pseudonyms import Pseudonyms

PSEUDONYMS = Pseudonyms(b"installation secret for the tests")
AWA, LEA = "FT-0001", "FT-0002"
POSTED_ON = date(2017, 4, 3)
WALL_TEXT = "Comment préparer un entretien chez Orange ?"


@pytest.fixture(scope="module")
def app() -> Tremplin:
    """Awa enrolled; Léa registered by an importer (a command id that names her), enrolled,
    helps Awa; Awa asks on the wall, Léa reports the post; a trainee account for Awa and an
    auditor's key."""
    app = with_an_enrolled_trainee(in_memory_app())
    app.register_trainee(
        LEA, PersonalDetails(full_name="Léa Martin"), occurred_on=ENROLLED_ON,
        command_id=f"import/person/{LEA}",
    )  # fmt: skip
    app.enrol(LEA, "ORT-FR-2017", PARIS, occurred_on=ENROLLED_ON)
    app.give_peer_help(LEA, AWA, PARIS, occurred_on=POSTED_ON)
    app.post_on_wall("post-1", AWA, PARIS, "question", WALL_TEXT, occurred_on=POSTED_ON)
    app.report_post("post-1", LEA, "Awa Diop parle de son employeur", occurred_on=POSTED_ON)
    app.leave(AWA, PARIS, LeftReason.DROPPED_OUT, occurred_on=date(2017, 5, 2))
    app.award_badge(AWA, "first-post", "v1", 9, occurred_on=POSTED_ON)
    app.open_account(
        "awa@example.org", Role.TRAINEE, "$argon2id$hash", {"person_ref": AWA},
        full_name="Awa Diop", command_id="accounts/awa",
    )  # fmt: skip
    app.issue_api_key("0123456789ab", ApiKeyKind.AUDITOR, "Jeanne Contrôle", "$argon2id$secret")
    return app


def rows(app: Tremplin, *, personal: bool = False) -> list[dict[str, Any]]:
    return [event_as_dict(p, t, e, personal=personal) for p, t, e in read_log(app, LogFilter())]


def seen_by_an_auditor(app: Tremplin) -> list[dict[str, Any]]:
    """As the log browser shows a page: trainees found from their records' first event."""
    page = rows(app)
    found = trainees_behind(app, {r["aggregate_id"] for r in page})
    known = {name: PSEUDONYMS.of(ref) for tid, ref in found.items() for name in (tid, ref)}
    disguise = Disguise(PSEUDONYMS.of, known)
    return [pseudonymised(row, disguise) for row in page]


def the(kind: str, shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for row in shown if row["type"] == kind]


def test_a_registration_shows_the_pseudonym_for_the_reference_and_the_record(
    app: Tremplin,
) -> None:
    awa, lea = the("Registered", seen_by_an_auditor(app))
    assert awa["person_ref"] == awa["aggregate_id"] == PSEUDONYMS.of(AWA)
    assert lea["person_ref"] == lea["aggregate_id"] == PSEUDONYMS.of(LEA)
    assert awa["personal"] == lea["personal"] == HIDDEN
    enrolled = the("Enrolled", seen_by_an_auditor(app))
    assert [e["aggregate_id"] for e in enrolled] == [PSEUDONYMS.of(AWA), PSEUDONYMS.of(LEA)]


def test_nothing_in_clear_anywhere(app: Tremplin) -> None:
    text = json.dumps(seen_by_an_auditor(app), ensure_ascii=False)
    for clear in (
        AWA, LEA, "Awa Diop", "Léa Martin", "awa@example.org", "Jeanne Contrôle", "Orange",
        str(trainee_id(AWA)), str(trainee_id(LEA)), str(badge_aggregate_id(AWA, "first-post")),
        str(account_id("awa@example.org")), account_id("awa@example.org").hex, "$argon2id",
    ):  # fmt: skip
        assert clear not in text


def test_wall_text_and_a_trainees_report_are_hidden_but_a_departure_keeps_its_reason(
    app: Tremplin,
) -> None:
    shown = seen_by_an_auditor(app)
    (posted,) = the("Posted", shown)
    assert (posted["personal"], posted["author_ref"]) == (HIDDEN, PSEUDONYMS.of(AWA))
    (reported,) = the("Reported", shown)
    assert (reported["reason"], reported["by_ref"]) == (HIDDEN, PSEUDONYMS.of(LEA))
    (left,) = the("Left", shown)
    assert left["reason"] == "dropped_out"  # a code, not someone's words
    (helped,) = the("PeerHelpGiven", shown)
    assert (helped["aggregate_id"], helped["helped_ref"]) == (
        PSEUDONYMS.of(LEA),
        PSEUDONYMS.of(AWA),
    )


def test_ids_made_from_a_person_get_stand_ins(app: Tremplin) -> None:
    shown = seen_by_an_auditor(app)
    (badge,) = the("Awarded", shown)
    assert badge["aggregate_id"] == f"{PSEUDONYMS.of(AWA)}/first-post"
    records = {r["name"]: r for r in the("Accepted", shown)}
    registration = records["register_trainee"]
    assert registration["result"] == PSEUDONYMS.of(LEA)
    assert registration["command_id"] == registration["aggregate_id"] != f"import/person/{LEA}"
    assert registration["digest"] == HIDDEN  # hashes the arguments: guessable from the reference
    (opened,) = the("Opened", shown)
    assert opened["links"] == {"person_ref": PSEUDONYMS.of(AWA)}
    assert opened["aggregate_id"] == records["open_account"]["result"]
    assert opened["aggregate_id"].startswith("anon-")
    assert opened["role"] == "trainee"
    (issued,) = the("Issued", shown)
    assert (issued["scope"], issued["secret_hash"]) == (HIDDEN, WITHHELD)


def test_with_real_ids_secrets_stay_withheld(app: Tremplin) -> None:
    everything = rows(app, personal=True)
    (opened,) = the("Opened", everything)
    assert opened["password_hash"] == WITHHELD
    assert opened["personal"] == {
        **dict.fromkeys(opened["personal"], None),
        "full_name": "Awa Diop",
        "email": "awa@example.org",
    }
    (issued,) = the("Issued", everything)
    assert (issued["secret_hash"], issued["scope"]) == (WITHHELD, "Jeanne Contrôle")
    (posted,) = the("Posted", everything)
    assert posted["personal"] == {"text": WALL_TEXT}


def every_event_class() -> set[type]:
    found: set[type] = set()
    for module in DOMAIN_MODULES:
        for value in vars(importlib.import_module(module)).values():
            for candidate in [value, *vars(value).values()] if isinstance(value, type) else []:
                if (
                    isinstance(candidate, type)
                    and issubclass(candidate, Aggregate.Event)
                    and candidate.__module__.startswith("domain.")
                ):
                    found.add(candidate)
    return found


def test_every_field_of_every_event_was_read_and_classified() -> None:
    """A new field fails here until someone decides whether it names a person."""
    base = set(typing.get_type_hints(Aggregate.Created)) | {"originator_id_type"}
    fields = {
        name
        for event_class in every_event_class()
        for name in typing.get_type_hints(event_class)
        if name not in base
    }
    kinds = (PERSON_FIELDS, ACCOUNT_FIELDS, PERSONAL_FIELDS, SECRETS, SPECIAL_FIELDS, FACTS)
    assert fields - set().union(*kinds) == set()
    assert sum(len(kind) for kind in kinds) == len(set().union(*kinds))  # each in one kind
    assert {"person_ref", "author_ref", "helped_ref", "by_ref", "personal"} <= fields


def test_the_commands_whose_result_names_someone_exist() -> None:
    for command in PERSON_RESULTS | ACCOUNT_RESULTS:
        assert callable(getattr(Tremplin, command, None)), command
