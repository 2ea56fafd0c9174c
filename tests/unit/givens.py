"""Plain givens shared by the unit tests: names, dates and builders (fixtures are in conftest)."""

from __future__ import annotations

from datetime import date

from domain.application import Tremplin
from domain.programme import Programme, Targets
from domain.trainee import Trainee
from domain.values import Period, PersonalDetails

TODAY = date(2019, 1, 1)
PROGRAMME = "ORT-FR-2017"
PARIS = "PARIS-DEV-2017"
LYON = "LYON-RESEAU-2017"
PROGRAMME_PERIOD = Period(date(2017, 1, 1), date(2018, 12, 31))
PARIS_PERIOD = Period(date(2017, 3, 1), date(2017, 9, 30))
LYON_PERIOD = Period(date(2017, 10, 2), date(2018, 4, 30))
ENROLLED_ON = date(2017, 3, 6)
IN_MEMORY = {
    "PERSISTENCE_MODULE": "eventsourcing.popo",
    "MAPPER_TOPIC": "infra.mapper:MsgspecMapper",
}


def launched_programme() -> Programme:
    """ORT-FR-2017 (2017–2018) with its Paris and Lyon cohorts open."""
    programme = Programme.launch(
        PROGRAMME,
        "ORT France 2017–2018",
        ("Fondation ORT",),
        PROGRAMME_PERIOD,
        Targets(people_trained=300, in_work_or_training_6m_rate=0.7),
        certifications=("TOSA", "ICDL"),
        careers=("développeur web",),
        occurred_on=date(2017, 1, 2),
    )
    programme.open_cohort(PARIS, "développeur web", PARIS_PERIOD, date(2017, 2, 1))
    programme.open_cohort(LYON, "technicien réseau", LYON_PERIOD, date(2017, 2, 1))
    programme.collect_events()
    return programme


def registered(person_ref: str) -> Trainee:
    trainee = Trainee.register(
        person_ref, "FT-75", PersonalDetails(full_name="Awa Diop"), ENROLLED_ON
    )
    trainee.collect_events()
    return trainee


def in_memory_app() -> Tremplin:
    return Tremplin(env=dict(IN_MEMORY), clock=lambda: TODAY)


def with_an_enrolled_trainee(app: Tremplin) -> Tremplin:
    """Launches ORT-FR-2017, opens its Paris cohort and enrols FT-0001 in it (4 events)."""
    app.launch_programme(
        PROGRAMME,
        "ORT France 2017–2018",
        ("Fondation ORT",),
        PROGRAMME_PERIOD,
        Targets(),
        occurred_on=date(2017, 1, 2),
    )
    app.open_cohort(PROGRAMME, PARIS, "développeur web", PARIS_PERIOD, occurred_on=date(2017, 2, 1))
    app.register_trainee("FT-0001", PersonalDetails(full_name="Awa Diop"), occurred_on=ENROLLED_ON)
    app.enrol("FT-0001", PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    return app


def topics_after(app: Tremplin, position: int) -> list[str]:
    """The event classes recorded after `position`, by their short names."""
    recorded = app.recorder.select_notifications(start=position + 1, limit=1000)
    return [notification.topic.rsplit(":", 1)[1] for notification in recorded]


def log_head(app: Tremplin) -> int | None:
    """The position of the last event in the log (None when it is empty)."""
    return app.recorder.max_notification_id()
