"""A simulated person's way out: coaching, job hunting, a hire or further training, and
the follow-up six months after their last exit."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date

from domain.ids import employer_id, mentor_id, offer_id, trainee_id
from domain.values import ContractType, FollowUpStatus, LeftReason
from infra.simulation_catalogue import (
    COACHING_TOPICS,
    DEFAULT_TRACK,
    FURTHER_TRAINING,
    GOAL_CATEGORIES,
    NOT_IN_WORK,
    PLACES,
    TRACKS,
)
from infra.simulation_plan import (
    FOLLOW_UP_DELAY,
    Offer,
    Person,
    Planner,
    days,
    six_months_after,
)

IN_TRAINING_SHARE = 0.12  # of those in work or training at the follow-up
HIRED_THROUGH_PROGRAMME = 0.85  # of the employed; the others found work on their own


class JobBoard:
    """The posted offers, searchable by track and by the day they were posted."""

    def __init__(self, offers: list[Offer]) -> None:
        self.offers = offers  # by posting day
        self._by_track: dict[str, list[Offer]] = {}
        for offer in offers:
            self._by_track.setdefault(offer.track_name, []).append(offer)

    def open_on(self, day: date, track_name: str) -> list[Offer]:
        """Offers of the track posted by `day`; any track's when the track has none yet."""
        mine = self._by_track.get(track_name, [])
        return mine[: _posted_by(mine, day)] or self.offers[: _posted_by(self.offers, day)]


def _posted_by(offers: list[Offer], day: date) -> int:
    return bisect_right(offers, day, key=lambda offer: offer.posted_on)


def write_offers(planner: Planner, board: JobBoard) -> None:
    for offer in board.offers:
        track = TRACKS.get(offer.track_name, DEFAULT_TRACK)
        args = (
            offer.employer_ref,
            offer.offer_ref,
            track.offer_title,
            offer.rome_code,
            track.skills,
            offer.contract,
            planner.rng.choice(PLACES),
        )
        planner.add(
            offer.offer_ref,
            "post_offer",
            args,
            offer.posted_on,
            employer_id(offer.employer_ref),
            offer_id(offer.offer_ref),
        )


def write_journey(planner: Planner, person: Person, mentors: list[str], board: JobBoard) -> None:
    """Coaching from the first enrolment, then where the person is after their last exit."""
    last = person.last
    six_months = six_months_after(last.left_on)
    follow_up = min(
        six_months + days(planner.rng.randint(0, FOLLOW_UP_DELAY)), planner.facts.horizon
    )
    _coaching(planner, person, mentors, min(follow_up, last.left_on + days(60)), follow_up)
    status = _way_out(planner, person, board, six_months)
    args = (person.ref, last.cohort.cohort_id, status)
    planner.add(person.ref, "record_follow_up", args, follow_up, trainee_id(person.ref))


def _coaching(
    planner: Planner, person: Person, mentors: list[str], sessions_until: date, goals_until: date
) -> None:
    rng, ref, me = planner.rng, person.ref, trainee_id(person.ref)
    mentor = mentors[int(ref.rsplit("-", 1)[1]) % len(mentors)]
    assigned = person.stints[0].enrolled_on + days(rng.randint(3, 14))
    planner.add(ref, "assign_mentor", (ref, mentor), assigned, me, mentor_id(mentor))
    day = assigned + days(rng.randint(7, 21))
    while day <= sessions_until:
        topics = tuple(rng.sample(COACHING_TOPICS, rng.randint(1, 2)))
        session = (ref, mentor, rng.choice((30, 45, 60, 90)), topics, None)
        planner.add(ref, "hold_coaching_session", session, day, me, mentor_id(mentor))
        day += days(rng.randint(14, 28))
    for category in rng.sample(GOAL_CATEGORIES, rng.randint(2, 3)):
        goal = f"goal-{category}"
        set_on = assigned + days(rng.randint(0, 20))
        planner.add(ref, "set_goal", (ref, goal, category, None), set_on, me)
        achieved = set_on + days(rng.randint(20, 100))
        if planner.chance(0.7) and achieved <= goals_until:
            planner.add(ref, "achieve_goal", (ref, goal), achieved, me)


def _way_out(planner: Planner, person: Person, board: JobBoard, six_months: date) -> FollowUpStatus:
    """In work or training six months on, or not; the hire or training that puts them there."""
    last = person.last
    chances = {
        LeftReason.COMPLETED: last.cohort.employability + 0.02,
        LeftReason.FOUND_WORK: 0.98,
    }
    if not planner.chance(chances.get(last.reason, last.cohort.employability - 0.25)):
        _apply_without_luck(planner, person, board, six_months)
        return planner.pick(NOT_IN_WORK)
    if last.reason is not LeftReason.FOUND_WORK and planner.chance(IN_TRAINING_SHARE):
        starts_on = planner.between(last.left_on + days(14), six_months)
        agreed = max(last.left_on, starts_on - days(planner.rng.randint(7, 30)))
        course = (person.ref, planner.rng.choice(FURTHER_TRAINING), starts_on)
        planner.add(person.ref, "enter_further_training", course, agreed, trainee_id(person.ref))
        return FollowUpStatus.IN_TRAINING
    if last.reason is LeftReason.FOUND_WORK or planner.chance(HIRED_THROUGH_PROGRAMME):
        _hire(planner, person, board, six_months)
    return FollowUpStatus.EMPLOYED


def _hire(planner: Planner, person: Person, board: JobBoard, six_months: date) -> None:
    """A hire (after an application and an interview, unless self-employed) that starts
    by the six-month date; with other applications on the way."""
    rng, last, ref, me = planner.rng, person.last, person.ref, trainee_id(person.ref)
    hired_on, starts_on = _hiring_days(planner, person, six_months)
    applied_by = hired_on - days(5)
    offers = board.open_on(applied_by, last.cohort.track_name)
    if planner.chance(0.06) or not offers:
        employer = rng.choice(board.offers).employer_ref
        alone = (ref, employer, ContractType.SELF_EMPLOYED, starts_on, None)
        planner.add(ref, "hire", alone, hired_on, me, employer_id(employer))
        return
    offer = rng.choice(offers)
    earliest = max(last.enrolled_on + days(1), applied_by - days(40))
    applied_on = planner.between(max(earliest, offer.posted_on), applied_by)
    job = offer_id(offer.offer_ref)
    planner.add(ref, "apply_for_offer", (ref, offer.offer_ref), applied_on, me, job)
    interview = planner.between(applied_on + days(2), hired_on - days(1))
    planner.add(ref, "hold_interview", (ref, offer.offer_ref), interview, me, job)
    others = [o for o in offers if o is not offer]
    tried = rng.sample(others, min(len(others), rng.randint(0, 3)))
    _applications(planner, person, tried, earliest, applied_by)
    hire = (ref, offer.employer_ref, offer.contract, starts_on, offer.offer_ref)
    planner.add(ref, "hire", hire, hired_on, me, employer_id(offer.employer_ref), job)


def _hiring_days(planner: Planner, person: Person, six_months: date) -> tuple[date, date]:
    """When the hire is agreed and when the job starts: during training for those who
    leave for the job (it starts the day they leave), otherwise after leaving."""
    last = person.last
    if last.reason is LeftReason.FOUND_WORK:
        earliest = last.cohort.starts_on + days(last.cohort.days // 3)
        return planner.between(max(earliest, last.left_on - days(20)), last.left_on), last.left_on
    hired_on = planner.between(last.left_on, max(last.left_on, six_months - days(25)))
    return hired_on, hired_on + days(planner.rng.randint(0, 21))


def _apply_without_luck(
    planner: Planner, person: Person, board: JobBoard, six_months: date
) -> None:
    last = person.last
    earliest = max(last.enrolled_on + days(1), last.left_on - days(20))
    latest = min(six_months, planner.facts.horizon - days(20))
    offers = board.open_on(latest, last.cohort.track_name)
    chosen = planner.rng.sample(offers, min(len(offers), planner.rng.randint(0, 4)))
    _applications(planner, person, chosen, earliest, latest)


def _applications(
    planner: Planner, person: Person, offers: list[Offer], earliest: date, latest: date
) -> None:
    """Applications (a quarter reach an interview) between the two days, each after its posting."""
    ref, me = person.ref, trainee_id(person.ref)
    for offer in offers:
        applied_on = planner.between(max(earliest, offer.posted_on), latest)
        planner.add(
            ref,
            "apply_for_offer",
            (ref, offer.offer_ref),
            applied_on,
            me,
            offer_id(offer.offer_ref),
        )
        if planner.chance(0.25):
            interview = applied_on + days(planner.rng.randint(3, 20))
            planner.add(
                ref,
                "hold_interview",
                (ref, offer.offer_ref),
                interview,
                me,
                offer_id(offer.offer_ref),
            )
