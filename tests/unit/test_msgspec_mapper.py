"""The msgspec mapper: every event read back from the log is the event that was written."""

from __future__ import annotations

import importlib
import inspect
from datetime import UTC, date, datetime
from typing import TypeVar
from uuid import UUID

import pytest
from eventsourcing.compressor import ZlibCompressor
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, MapperDeserialisationError, StoredEvent
from givens import PARIS, PARIS_PERIOD, PROGRAMME, PROGRAMME_PERIOD, registered

from domain.accounts import Account, ApiKey, ApiKeyKind, Role
from domain.badges import Badge
from domain.coaching import Mentor
from domain.commands import CommandRecord
from domain.installation import Installation
from domain.jobcentres import JobCentre
from domain.learning import CertificationScheme
from domain.placement import Employer, JobOffer
from domain.programme import CohortClaim, PathStep, Programme, StepKind, Targets
from domain.sessions import InPersonSession
from domain.trainee import Trainee
from domain.values import (
    ConsentScope,
    ContractType,
    FinalResult,
    FollowUpStatus,
    LeaderboardDisplay,
    LeftReason,
    PersonalDetails,
)
from domain.wall import PostKind, WallPost
from infra.mapper import MsgspecMapper

E = TypeVar("E", bound=Aggregate.Event)
DOMAIN_MODULES = (
    "programme",
    "trainee",
    "learning",
    "coaching",
    "placement",
    "commands",
    "badges",
    "accounts",
    "installation",
    "sessions",
    "wall",
    "jobcentres",
)
PERSON = PersonalDetails(
    full_name="Awa Diop", email="awa@example.org", age_band="26-35", disability=False
)


class NoteTaken(Aggregate.Event):
    """A test event at version 2: version 1 had no `language`."""

    class_version = 2
    text: str
    language: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, object]) -> None:
        state["language"] = "fr"


NOTE_TAKEN = f"{NoteTaken.__module__}:NoteTaken"
PATH = (
    PathStep("HTML", StepKind.MODULE, "HTML et CSS", date(2017, 4, 1), 20.0),
    PathStep("TOSA Excel", StepKind.CERTIFICATION, "TOSA Excel", None, None),
)


def every_kind_of_event() -> list[Aggregate.Event]:
    """One of each event the domain records, optional fields filled where they can be."""
    programme = Programme.launch(
        PROGRAMME,
        "ORT France",
        ("Fondation ORT",),
        PROGRAMME_PERIOD,
        Targets(300, 0.7),
        ("TOSA",),
        ("développeur web",),
        occurred_on=date(2017, 1, 2),
    )
    programme.open_cohort(PARIS, "développeur web", PARIS_PERIOD, date(2017, 2, 1))
    programme.declare_milestone("M1", "100 formés", date(2017, 12, 31), date(2017, 1, 2))
    programme.complete_milestone("M1", date(2017, 11, 15))
    programme.define_path(PARIS, PATH, date(2017, 2, 1))
    programme.add_simulated_history(2017, 1200, "tremplin-simulator/1", date(2017, 1, 2))
    trainee = Trainee.register("FT-0001", "FT-75", PERSON, date(2017, 3, 1))
    trainee.enrol(PROGRAMME, programme.cohort(PARIS), date(2017, 3, 6))
    mentor = Mentor.register("M-01", ("cv", "entretien"), PERSON, date(2017, 1, 5))
    employer = Employer.register("E-ACME", "Acme Web", "numérique", PERSON, date(2017, 1, 5))
    offer = JobOffer.post(
        employer,
        "O-42",
        "Dév junior",
        "M1805",
        ("python", "sql"),
        ContractType.CDI,
        "Paris",
        date(2017, 6, 1),
    )
    _learn(trainee)
    _coach(trainee, mentor, programme)
    _place(trainee, employer, offer)
    record = CommandRecord.accept("cmd-1", "enrol", "ab12", PARIS)
    claim = CohortClaim.claim(PARIS, PROGRAMME)
    badge = Badge.award("FT-0001", "first-module", "badges-1", 42, date(2017, 4, 1))
    session = InPersonSession.schedule(
        programme.cohort(PARIS), "S-1", "Atelier CV", date(2017, 3, 8), "042917", date(2017, 3, 1)
    )
    everyone = (
        programme, trainee, mentor, employer, offer, record, claim, badge, *_accounts(),
        _wall(trainee, programme),
        session,
    )  # fmt: skip
    return [
        event
        for aggregate in everyone
        for event in aggregate.collect_events()
        if isinstance(event, Aggregate.Event)
    ]


def _accounts() -> tuple[Aggregate, ...]:
    account = Account.open(
        "awa@example.org", Role.TRAINEE, "$argon2id$hash", {"person_ref": "FT-0001"}, demo=True
    )
    account.grant(Role.AUDITOR)
    account.revoke(Role.AUDITOR)
    account.change_password("$argon2id$other")
    account.disable("a left the programme")
    account.enable()
    account.sign_out_everywhere()
    account.grant(Role.AUDITOR)
    account.record_disclosure_reason(
        "sampling files for the Region", datetime(2019, 1, 1, 12, tzinfo=UTC)
    )
    key = ApiKey.issue("0123456789ab", ApiKeyKind.JOBCENTRE, "75-PARIS-13", "f" * 64)
    key.revoke()
    centre = JobCentre.register("75-PARIS-13", "Paris 13e", date(2017, 1, 2))
    centre.rename("France Travail Paris 13e", date(2018, 1, 2))
    return account, key, Installation.declare_demo(), centre


def _wall(trainee: Trainee, programme: Programme) -> WallPost:
    post = WallPost.post(
        "P-1", trainee, PARIS, PostKind.QUESTION, "Qui a un CV ?", date(2017, 4, 3)
    )
    peer = registered("FT-0003")
    peer.enrol(PROGRAMME, programme.cohort(PARIS), date(2017, 3, 6))
    post.reply("R-1", peer, "Moi", date(2017, 4, 4))
    post.mark_helpful("R-1", "FT-0001", date(2017, 4, 5))
    post.report(peer, "Hors sujet", date(2017, 4, 5))
    post.hide("ab" * 16, "Données personnelles", date(2017, 4, 6))
    post.unhide("ab" * 16, "Corrigé", date(2017, 4, 7))
    return post


def _learn(trainee: Trainee) -> None:
    trainee.give_consent(
        ConsentScope.LEADERBOARD, date(2017, 3, 6), LeaderboardDisplay.PSEUDONYM, "Zébulon"
    )
    trainee.withdraw_consent(ConsentScope.LEADERBOARD, date(2017, 3, 7))
    trainee.start_module(PARIS, "HTML", date(2017, 3, 7))
    trainee.complete_module(PARIS, "HTML", 87.5, date(2017, 4, 1))
    trainee.submit_assessment(PARIS, "TMA-1", 72.0, True, date(2016, 11, 20))
    trainee.attend_session(PARIS, "S-1", date(2017, 3, 8))
    trainee.attempt_simulation(PARIS, "SIM-1", 64.0, date(2017, 4, 2))
    trainee.play_serious_game(PARIS, "CYBER-QUEST", 1200, date(2017, 4, 2))
    trainee.record_certification(
        PARIS, CertificationScheme.TOSA, "TOSA Excel", 612.0, date(2017, 6, 1)
    )


def _coach(trainee: Trainee, mentor: Mentor, programme: Programme) -> None:
    classmate = registered("FT-0002")
    classmate.enrol(PROGRAMME, programme.cohort(PARIS), date(2017, 3, 6))
    trainee.assign_mentor(mentor, date(2017, 3, 10))
    trainee.hold_coaching_session(mentor, 45, ("cv",), date(2017, 4, 4), note="Stressée")
    trainee.plan_coaching_session(mentor, date(2017, 4, 18), date(2017, 4, 4))
    trainee.set_goal("G1", "interview", date(2017, 4, 4), note="Oser parler")
    trainee.achieve_goal("G1", date(2017, 5, 2))
    trainee.give_peer_help(classmate, PARIS, date(2017, 4, 12))


def _place(trainee: Trainee, employer: Employer, offer: JobOffer) -> None:
    trainee.apply_for(offer, date(2017, 6, 5))
    trainee.hold_interview(offer, date(2017, 6, 12))
    offer.close(date(2017, 6, 30))
    trainee.leave(PARIS, LeftReason.FOUND_WORK, date(2017, 7, 1), FinalResult.PASS)
    trainee.get_hired(employer, offer, ContractType.CDI, date(2017, 7, 3), date(2017, 6, 20))
    trainee.enter_further_training("BTS SIO", date(2018, 9, 3), date(2018, 6, 1))
    trainee.record_follow_up(PARIS, FollowUpStatus.EMPLOYED, date(2018, 1, 2))


def event_classes_of_the_domain() -> set[str]:
    """Every concrete event class the domain modules define (not the generic bases)."""
    found = set()
    for name in DOMAIN_MODULES:
        module = importlib.import_module(f"domain.{name}")
        for value in vars(module).values():
            nested = list(vars(value).values()) if inspect.isclass(value) else []
            for candidate in [value, *nested]:
                if (
                    inspect.isclass(candidate)
                    and issubclass(candidate, Aggregate.Event)
                    and candidate.__module__ == module.__name__
                    and candidate.__name__ not in ("Event", "Created")
                ):
                    found.add(candidate.__qualname__)
    return found


EVENTS = every_kind_of_event()


@pytest.fixture
def mapper() -> MsgspecMapper:
    return MsgspecMapper(transcoder=JSONTranscoder())


def first(event_class: type[E]) -> E:
    return next(event for event in EVENTS if isinstance(event, event_class))


def types_of(event: Aggregate.Event) -> dict[str, type]:
    return {name: type(value) for name, value in vars(event).items()}


def read_back(mapper: MsgspecMapper, event: E) -> E:
    again = mapper.to_domain_event(mapper.to_stored_event(event))
    assert type(again) is type(event)
    return again


def test_the_round_trip_cases_cover_every_event_class_of_the_domain() -> None:
    covered = {type(event).__qualname__ for event in EVENTS}
    assert event_classes_of_the_domain() - covered == set()
    # 35 of the programme, 8 of accounts, 2 of keys, 1 demo marker, 6 of the wall,
    # 1 in-person session, 1 coaching plan, 2 of job centres
    assert len(covered) == 56


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__qualname__)
def test_an_event_read_back_keeps_its_values_and_their_types(
    mapper: MsgspecMapper, event: Aggregate.Event
) -> None:
    again = read_back(mapper, event)
    assert vars(again) == vars(event)
    assert types_of(again) == types_of(event)


def test_a_registration_read_back_keeps_personal_details_as_a_dataclass(
    mapper: MsgspecMapper,
) -> None:
    again = read_back(mapper, first(Trainee.Registered))
    assert isinstance(again.personal, PersonalDetails)
    assert (again.personal.full_name, again.personal.disability) == ("Awa Diop", False)
    assert type(again.occurred_on) is date


def test_a_posted_offer_read_back_keeps_its_enum_and_its_tuple(mapper: MsgspecMapper) -> None:
    again = read_back(mapper, first(JobOffer.Posted))
    assert again.contract is ContractType.CDI
    assert again.skills == ("python", "sql")
    assert isinstance(again.originator_id, UUID)


def test_a_corrupt_stored_state_names_the_event_topic(mapper: MsgspecMapper) -> None:
    stored = mapper.to_stored_event(first(Programme.CohortOpened))
    corrupt = StoredEvent(stored.originator_id, 2, stored.topic, b'{"cohort_id": "PAR')
    with pytest.raises(MapperDeserialisationError, match=r"programme:Programme\.CohortOpened"):
        mapper.to_domain_event(corrupt)


def test_a_stored_field_of_the_wrong_type_names_the_topic_and_the_field(
    mapper: MsgspecMapper,
) -> None:
    stored = mapper.to_stored_event(first(Trainee.Enrolled))
    wrong = stored.state.replace(b'"occurred_on":"2017-03-06"', b'"occurred_on":"le 6 mars"')
    with pytest.raises(MapperDeserialisationError, match=r"Trainee\.Enrolled .* v2 .*occurred_on"):
        mapper.to_domain_event(StoredEvent(stored.originator_id, 2, stored.topic, wrong))


def test_a_version_1_event_is_upcast_when_read(mapper: MsgspecMapper) -> None:
    state = b'{"timestamp":"2017-03-06T09:00:00Z","text":"bonjour"}'
    again = mapper.to_domain_event(StoredEvent(UUID(int=1), 1, NOTE_TAKEN, state))
    assert isinstance(again, NoteTaken)
    assert (again.text, again.language) == ("bonjour", "fr")
    assert again.timestamp.year == 2017


def test_a_version_2_event_is_stored_with_its_version_and_read_back(
    mapper: MsgspecMapper,
) -> None:
    state = b'{"timestamp":"2017-03-06T09:00:00Z","text":"hello","language":"en","class_version":2}'
    event = mapper.to_domain_event(StoredEvent(UUID(int=1), 1, NOTE_TAKEN, state))
    assert isinstance(event, NoteTaken)
    assert b'"class_version":2' in mapper.to_stored_event(event).state
    assert vars(read_back(mapper, event)) == vars(event)


def test_a_stored_period_ending_before_it_starts_is_a_deserialisation_error(
    mapper: MsgspecMapper,
) -> None:
    stored = mapper.to_stored_event(first(Programme.CohortOpened))
    swapped = stored.state.replace(b'"starts_on":"2017-03-01"', b'"starts_on":"2019-01-01"')
    with pytest.raises(MapperDeserialisationError, match="CohortOpened"):
        mapper.to_domain_event(StoredEvent(stored.originator_id, 2, stored.topic, swapped))


def test_a_configured_compressor_is_refused_rather_than_ignored() -> None:
    with pytest.raises(ValueError, match="does not compress or encrypt"):
        MsgspecMapper(transcoder=JSONTranscoder(), compressor=ZlibCompressor())
