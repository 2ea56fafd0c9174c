"""Job centre commands: register (or rename) a centre, and the check that a code names one."""

from __future__ import annotations

from datetime import date

from domain.application.base import TremplinBase, UnitOfWork, command
from domain.ids import jobcentre_id
from domain.jobcentres import JobCentre, UnknownJobCentre, job_centre_code

REGISTERED = "registered"
RENAMED = "renamed"
UNCHANGED = "unchanged"


class JobCentreCommands(TremplinBase):
    @command
    def register_job_centre(
        self,
        uow: UnitOfWork,
        code: str,
        name: str,
        *,
        occurred_on: date | None = None,
        command_id: str | None = None,
    ) -> str:
        """Register the centre `code` under `name`: "registered", "renamed" or "unchanged".

        Registering again is safe: the same name records nothing, another name renames
        the centre (agencies do change names: Pôle emploi became France Travail), so
        that a script which registers its centres can run every day.
        """
        day = self.today(occurred_on or self.clock())
        wanted = JobCentre.register(code, name, day)  # checks the code and the name
        if not uow.exists(wanted.id):
            uow.add(wanted)
            return REGISTERED
        centre = uow.get(JobCentre, wanted.id, f"there is no job centre {code}")
        return RENAMED if centre.rename(wanted.name, day) else UNCHANGED

    def job_centre(self, code: str) -> JobCentre | None:
        """The centre registered under `code`, as it stands now; None when there is none."""
        found = self.load(jobcentre_id(code))
        return found if isinstance(found, JobCentre) else None


def ensure_registered_job_centre(uow: UnitOfWork, field: str, code: str) -> None:
    """Refuse a command that names a job centre nobody registered (`field` says where)."""
    checked = job_centre_code(field, code)
    if not uow.exists(jobcentre_id(checked)):
        raise UnknownJobCentre(field, f"no job centre is registered with the code {checked}")
