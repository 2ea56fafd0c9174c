"""What `tremplin init --simulate N` plans for the ORT France programme, counted from the
simulator's planned commands (not from the log), for tests that read the log's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from infra.cli import ORT_PROGRAMME, SIMULATION_SEED
from infra.programme_file import read_programme_file
from infra.simulation_catalogue import JOB_CENTRES
from infra.simulation_plan import ProgrammeFacts
from infra.simulator import plan_history


@dataclass(frozen=True)
class SimulatedHistory:
    trainees: int
    commands: int  # the history's mark, then every planned command
    cohort_ids: list[str]  # by start date, then id
    enrolments: int
    job_centres: int  # registered once per log, before the steps, without a command record

    @property
    def events(self) -> int:
        """Each command records its event and its record; opening a cohort also claims its id;
        each job centre the log did not know is registered (one event)."""
        return 2 * self.commands + len(self.cohort_ids) + self.job_centres


def simulated_ort_history(trainees: int, seed: int = SIMULATION_SEED) -> SimulatedHistory:
    spec = read_programme_file(ORT_PROGRAMME)
    horizon = min(spec.ends_on, date.today())
    facts = ProgrammeFacts(
        spec.code, spec.launched_on, spec.starts_on, horizon, tuple(spec.careers)
    )
    steps = plan_history(facts, trainees, seed)
    opened = sorted((s.args[3].starts_on, s.args[1]) for s in steps if s.command == "open_cohort")
    enrolments = sum(s.command == "enrol" for s in steps)
    cohort_ids = [cohort_id for _, cohort_id in opened]
    return SimulatedHistory(trainees, 1 + len(steps), cohort_ids, enrolments, len(JOB_CENTRES))
