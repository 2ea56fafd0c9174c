"""A real application on a SQLite log in a test's folder, and the smallest programme on it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from domain.application import Tremplin
from domain.programme import Targets
from domain.values import Period, PersonalDetails
from infra.bootstrap import build_application
from infra.settings import Settings

TODAY = date(2019, 1, 1)  # the clock of these tests: the programme below lies in the past


def app_at(data_dir: Path) -> Tremplin:
    return build_application(Settings(data_dir=data_dir), clock=lambda: TODAY)


def given_a_cohort_and_a_person(app: Tremplin) -> None:
    """Programme `ort` (2017-07 → 2018-12) with cohort `dev-1`, and `p-1` registered."""
    period = Period(date(2017, 7, 1), date(2018, 12, 31))
    app.launch_programme("ort", "ORT", (), period, Targets(), occurred_on=date(2017, 7, 1))
    app.open_cohort("ort", "dev-1", "web", period, occurred_on=date(2017, 7, 1))
    app.register_trainee("p-1", PersonalDetails(), occurred_on=date(2017, 8, 1))
