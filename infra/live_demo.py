"""A cohort running today, for the demo and the browser tests: the ORT history is over
(2017–2018), and a trainee can only record what happens during their enrolment.

Marked as simulated like every generated history; made once (a second call records
nothing), with invented people `sim-live-001`… who have a mentor, were referred by a
job centre and gave their consents, and some XP already so that the leaderboard moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.application import Tremplin
from domain.ids import programme_id
from domain.programme import PathStep, Programme, StepKind, Targets
from domain.values import ConsentScope, LeaderboardDisplay, Period, PersonalDetails
from infra.simulator import register_job_centres

CODE = "tremplin-live"
GENERATOR = "tremplin-live-demo/1"
MENTOR = "sim-live-mentor-01"
JOB_CENTRE = "75-PARIS-13"  # one of simulation_catalogue.JOB_CENTRES
FIRST_NAMES = ("Camille", "Inès", "Mamadou", "Léa", "Yanis", "Sofia", "Hugo", "Awa")
STEPS = (
    PathStep("html-css", StepKind.MODULE, "HTML et CSS", None, 20.0),
    PathStep("javascript", StepKind.MODULE, "JavaScript", None, 20.0),
    PathStep("atelier-cv", StepKind.SESSION, "Atelier CV", None, 10.0),
    PathStep("sim-entretien", StepKind.SIMULATION, "Simulation d'entretien", None, 20.0),
    PathStep("TOSA Excel", StepKind.CERTIFICATION, "TOSA Excel", None, 30.0),
)


@dataclass(frozen=True)
class LiveCohort:
    programme: str
    cohort_id: str
    people: tuple[str, ...]
    mentor_ref: str


def person(n: int) -> str:
    return f"sim-live-{n:03d}"


def add_live_cohort(app: Tremplin, today: date, people: int = 8) -> LiveCohort:
    """The programme `tremplin-live` and its cohort running today; nothing new if it exists."""
    refs = tuple(person(n) for n in range(1, people + 1))
    made = app.load(programme_id(CODE))
    if isinstance(made, Programme):  # made on an earlier day: keep it, cohort and all
        return LiveCohort(CODE, next(iter(made.cohorts)), refs, MENTOR)
    started = today - timedelta(days=30)
    cohort_id = f"live-{started:%Y-%m}"
    launched = today - timedelta(days=90)
    app.launch_programme(
        CODE,
        "Tremplin — cohorte en cours (démo)",
        ("Ville de Paris", "Région Île-de-France"),
        Period(launched, today + timedelta(days=730)),
        Targets(people, 0.89),
        careers=("developer",),
        occurred_on=launched,
    )
    app.add_simulated_history(CODE, 0, people, GENERATOR, occurred_on=launched)
    app.open_cohort(
        CODE, cohort_id, "developer", Period(started, today + timedelta(days=365)),
        occurred_on=launched,
    )  # fmt: skip
    app.define_path(CODE, cohort_id, STEPS, occurred_on=launched)
    register_job_centres(app, launched)  # its people are referred by one of them
    app.register_mentor(
        MENTOR, ("cv", "entretien"), PersonalDetails(full_name="Mentor Exemple"),
        occurred_on=launched,
    )  # fmt: skip
    for n, ref in enumerate(refs, start=1):
        name = f"{FIRST_NAMES[(n - 1) % len(FIRST_NAMES)]} Exemple"
        app.register_trainee(ref, PersonalDetails(full_name=name), JOB_CENTRE, occurred_on=started)
        app.enrol(ref, CODE, cohort_id, occurred_on=started)
        app.assign_mentor(ref, MENTOR, occurred_on=started)
        app.give_consent(ref, ConsentScope.SHARE_WITH_JOBCENTRE, occurred_on=started)
        app.give_consent(ref, ConsentScope.SHARE_WITH_EMPLOYERS, occurred_on=started)
        display = LeaderboardDisplay.NAME if n % 2 else LeaderboardDisplay.PSEUDONYM
        pseudonym = None if n % 2 else f"Codeur{n:02d}"
        app.give_consent(ref, ConsentScope.LEADERBOARD, display, pseudonym, occurred_on=started)
        if n > 1:  # everyone but the first has already done something: a board to climb
            app.complete_module(ref, cohort_id, "html-css", 70.0 + n, occurred_on=started)
        if n > people // 2:
            app.complete_module(
                ref, cohort_id, "javascript", 60.0 + n, occurred_on=started + timedelta(days=7)
            )
    return LiveCohort(CODE, cohort_id, refs, MENTOR)
