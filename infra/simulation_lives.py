"""The commands of a simulated programme: its people, cohorts and what each person does.

Works on the plan of simulation_plan.py; each function writes steps in an
order that respects causes (an enrolment before its learning, a leaving after
it), and the steps are then replayed in order of `occurred_on`.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date

from domain.ids import (
    cohort_claim_id,
    employer_id,
    jobcentre_id,
    mentor_id,
    programme_id,
    trainee_id,
)
from domain.learning import CertificationScheme
from domain.programme import PathStep, StepKind
from domain.values import ConsentScope, LeaderboardDisplay, Period, PersonalDetails
from infra.simulation_catalogue import (
    AGE_BANDS,
    EDUCATION,
    EMPLOYER_WORDS,
    FAKE_SURNAMES,
    FEMALE_NAMES,
    FIRST_MODULE,
    JOB_CENTRES,
    LAST_MODULE,
    MALE_NAMES,
    PSEUDONYM_WORDS,
    SECTORS,
    SERIOUS_GAMES,
)
from infra.simulation_plan import Cohort, Person, Planner, days, slug

WORKSHOP_EVERY = 21  # days between a cohort's in-person workshops
DISPLAYS = (
    (LeaderboardDisplay.NAME, 0.35),
    (LeaderboardDisplay.PSEUDONYM, 0.30),
    (LeaderboardDisplay.HIDDEN, 0.15),
    (None, 0.20),  # never asked to be on the leaderboard
)
SHARING_WITH_EMPLOYERS = 0.7  # the share of people who let matched employers see their profile


@dataclass(frozen=True)
class Curriculum:
    """A cohort's schedule: module windows, assessments after every second module,
    workshops, a job simulation and the exams at the end."""

    modules: tuple[tuple[str, date, date], ...]
    workshops: tuple[tuple[str, date], ...]
    simulation_id: str

    @staticmethod
    def of(cohort: Cohort) -> Curriculum:
        names = (FIRST_MODULE, *cohort.track.modules, LAST_MODULE)
        span = cohort.days * 0.85 / len(names)  # the rest of the time prepares the exams
        modules = tuple(
            (
                name,
                cohort.starts_on + days(int(i * span)),
                cohort.starts_on + days(int((i + 1) * span) - 1),
            )
            for i, name in enumerate(names)
        )
        workshops = tuple(
            (f"workshop-{n + 1}", cohort.starts_on + days(3 + n * WORKSHOP_EVERY))
            for n in range((cohort.days - 3) // WORKSHOP_EVERY + 1)
        )
        return Curriculum(modules, workshops, f"skillsbooting-{slug(cohort.track_name)}")

    def path(self, cohort: Cohort) -> tuple[PathStep, ...]:
        steps = []
        for n, (name, _, ends_on) in enumerate(self.modules):
            steps.append(PathStep(name, StepKind.MODULE, name.replace("-", " "), ends_on))
            if n % 2 == 1:
                steps.append(
                    PathStep(f"assessment-{n // 2 + 1}", StepKind.ASSESSMENT, f"{name} (test)")
                )
        steps += [PathStep(w, StepKind.SESSION, w.replace("-", " ")) for w, _ in self.workshops[:2]]
        steps.append(PathStep(self.simulation_id, StepKind.SIMULATION, "Skillsbooting"))
        exam = cohort.track.exams[0].name
        steps.append(PathStep(exam, StepKind.CERTIFICATION, exam, cohort.ends_on))
        return tuple(steps)


def fake_name(planner: Planner, gender: str) -> str:
    first = planner.rng.choice(FEMALE_NAMES if gender == "F" else MALE_NAMES)
    return f"{first} {planner.rng.choice(FAKE_SURNAMES)}"


def write_setup(planner: Planner, cohorts: list[Cohort], mentors: int, employers: int) -> None:
    """Mentors and employers before the first cohort opens, then every cohort and its path."""
    code, rng = planner.facts.code, planner.rng
    first_opening = min(c.opened_on for c in cohorts)
    tracks = sorted({c.track_name for c in cohorts})
    for i in range(mentors):
        ref = mentor_ref(planner, i)
        specialities = tuple(sorted({tracks[i % len(tracks)], rng.choice(tracks)}))
        person = PersonalDetails(full_name=fake_name(planner, rng.choice("FM")))
        day = planner.between(planner.facts.launched_on, first_opening)
        planner.add(ref, "register_mentor", (ref, specialities, person), day, mentor_id(ref))
    for i in range(employers):
        ref = f"sim-{planner.seed}-employer-{i + 1:03d}"
        name = f"{rng.choice(EMPLOYER_WORDS[0])} {rng.choice(EMPLOYER_WORDS[1])} (fictif)"
        contact = PersonalDetails(full_name=fake_name(planner, rng.choice("FM")))
        args = (ref, name, rng.choice(SECTORS), contact)
        day = planner.between(planner.facts.launched_on, first_opening)
        planner.add(ref, "register_employer", args, day, employer_id(ref))
    for c in cohorts:
        period = Period(c.starts_on, c.ends_on)
        opening = (code, c.cohort_id, c.track_name, period)
        planner.add(
            c.cohort_id,
            "open_cohort",
            opening,
            c.opened_on,
            programme_id(code),
            cohort_claim_id(c.cohort_id),
        )
        path = Curriculum.of(c).path(c)
        planner.add(c.cohort_id, "define_path", (code, c.cohort_id, path), c.opened_on)


def mentor_ref(planner: Planner, index: int) -> str:
    return f"sim-{planner.seed}-mentor-{index + 1:03d}"


def write_arrival(planner: Planner, person: Person) -> None:
    """Registration (with invented personal details), enrolments, and consents."""
    rng, ref, facts = planner.rng, person.ref, planner.facts
    first = person.stints[0]
    gender = "F" if planner.chance(0.42) else "M"
    personal = PersonalDetails(
        full_name=fake_name(planner, gender),
        gender=gender,
        age_band=planner.pick(AGE_BANDS),
        region="Île-de-France",
        highest_education=planner.pick(EDUCATION),
        disability=planner.chance(0.06),
    )
    referred_by = rng.choice(sorted(JOB_CENTRES)) if planner.chance(0.95) else None
    registered_on = max(facts.launched_on, first.enrolled_on - days(rng.randint(0, 10)))
    me = trainee_id(ref)
    centre = () if referred_by is None else (jobcentre_id(referred_by),)
    planner.add(ref, "register_trainee", (ref, personal, referred_by), registered_on, me, *centre)
    for stint in person.stints:
        enrolment = (ref, facts.code, stint.cohort.cohort_id)
        planner.add(ref, "enrol", enrolment, stint.enrolled_on, me, programme_id(facts.code))
    if referred_by is not None and planner.chance(0.9):
        share = (ref, ConsentScope.SHARE_WITH_JOBCENTRE, None, None)
        planner.add(ref, "give_consent", share, first.enrolled_on, me)
    display = planner.pick(DISPLAYS)
    if display is not None:
        words = PSEUDONYM_WORDS
        pseudonym = f"{rng.choice(words[0])}{rng.choice(words[1])}{rng.randint(1, 99)}"
        chosen = pseudonym if display is LeaderboardDisplay.PSEUDONYM else None
        board = (ref, ConsentScope.LEADERBOARD, display, chosen)
        planner.add(ref, "give_consent", board, first.enrolled_on, me)
    if shares_with_employers(ref):
        employers = (ref, ConsentScope.SHARE_WITH_EMPLOYERS, None, None)
        planner.add(ref, "give_consent", employers, first.enrolled_on, me)


def shares_with_employers(ref: str) -> bool:
    """Whether a simulated person consents to employers seeing their profile (about 70%).

    Decided by a hash of their reference, not by the seeded stream: this consent came
    after the rest of the generator, and drawing it from the stream would have moved
    every later draw of a seed (its dates, scores and outcomes).
    """
    digest = hashlib.sha256(f"share_with_employers/{ref}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < SHARING_WITH_EMPLOYERS


def write_learning(planner: Planner, cohort: Cohort) -> None:
    """What each member learns until they leave, then their leaving."""
    curriculum = Curriculum.of(cohort)
    for stint in cohort.members:
        _learn(planner, cohort, curriculum, stint.person.ref, stint.left_on)
        leaving = (stint.person.ref, cohort.cohort_id, stint.reason, stint.final_result)
        planner.add(stint.person.ref, "leave", leaving, stint.left_on, trainee_id(stint.person.ref))


def _learn(planner: Planner, cohort: Cohort, curriculum: Curriculum, ref: str, left: date) -> None:
    rng, cid, me = planner.rng, cohort.cohort_id, trainee_id(ref)

    def add(command: str, day: date, *args: object) -> None:
        planner.add(ref, command, (ref, cid, *args), day, me)

    for n, (module, starts_on, ends_on) in enumerate(curriculum.modules):
        if starts_on > left:
            break
        started = min(starts_on + days(rng.randint(0, 2)), left)
        add("start_module", started, module)
        if ends_on > left:
            break
        add("complete_module", max(started, ends_on - days(rng.randint(0, 4))), module, _mark(rng))
        if n % 2 == 1:
            submitted = min(ends_on + days(rng.randint(0, 3)), left)
            add("submit_assessment", submitted, f"assessment-{n // 2 + 1}", _mark(rng), False)
    for workshop, day in curriculum.workshops:
        if day <= left and planner.chance(0.85):
            add("attend_session", day, workshop)
    for share in (0.6, 0.9):
        day = cohort.starts_on + days(int(cohort.days * share))
        if day <= left and planner.chance(0.9):
            add("attempt_simulation", day, curriculum.simulation_id, _mark(rng, mean=68))
    for _ in range(rng.randint(1, 6)):
        game = rng.choice(SERIOUS_GAMES)
        add(
            "play_serious_game",
            planner.between(cohort.starts_on, left),
            game,
            rng.randint(200, 5000),
        )
    for n, exam in enumerate(cohort.track.exams):
        day = planner.between(cohort.ends_on - days(12), cohort.ends_on - days(2))
        if day <= left and planner.chance(0.9 if n == 0 else 0.35):
            score, passed = _exam_score(rng, exam.scheme)
            add("record_certification", day, exam.scheme, exam.name, score, exam.vendor, passed)


def _mark(rng: random.Random, mean: float = 78) -> float:
    return round(min(100.0, max(0.0, rng.gauss(mean, 12))), 1)


def _exam_score(rng: random.Random, scheme: CertificationScheme) -> tuple[float, bool | None]:
    """TOSA 0–1000 (its level follows), ICDL in %, vendor exams 0–1000 passed from 700."""
    if scheme is CertificationScheme.TOSA:
        return float(round(min(1000, max(0, rng.gauss(640, 150))))), None
    if scheme is CertificationScheme.ICDL:
        return round(min(100.0, max(0.0, rng.gauss(80, 10))), 1), None
    score = float(round(min(1000, max(0, rng.gauss(760, 110)))))
    return score, score >= 700


def write_peer_help(planner: Planner, cohort: Cohort) -> None:
    """Members help classmates still in the cohort on that day."""
    rng, cid = planner.rng, cohort.cohort_id
    for helper in cohort.members:
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3, 4))):
            if helper.left_on < cohort.starts_on + days(7):
                break
            day = planner.between(cohort.starts_on + days(7), helper.left_on)
            helped = [m for m in cohort.members if m is not helper and m.left_on >= day]
            if not helped:
                continue
            who = rng.choice(helped).person.ref
            args = (helper.person.ref, who, cid)
            planner.add(
                helper.person.ref,
                "give_peer_help",
                args,
                day,
                trainee_id(helper.person.ref),
                trainee_id(who),
            )
