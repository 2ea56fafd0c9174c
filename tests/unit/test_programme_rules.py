"""Programme: launch, targets, milestones and cohorts (given events → command → events / error)."""

from __future__ import annotations

from datetime import date

import pytest
from givens import (
    LYON,
    PARIS,
    PARIS_PERIOD,
    PROGRAMME,
    PROGRAMME_PERIOD,
    log_head,
    topics_after,
)

from domain.application import Tremplin
from domain.errors import (
    AlreadyExists,
    CohortOutsideProgramme,
    InvalidPeriod,
    InvalidValue,
    MilestoneAlreadyCompleted,
    NotFound,
    OccurredInFuture,
)
from domain.ids import programme_id
from domain.programme import PathStep, Programme, StepKind, Targets
from domain.values import Period


def test_launching_a_programme_records_its_code_period_and_targets() -> None:
    programme = Programme.launch(
        PROGRAMME,
        "ORT France",
        ("Fondation ORT", "FSE"),
        PROGRAMME_PERIOD,
        Targets(people_trained=300, in_work_or_training_6m_rate=0.7),
        occurred_on=date(2017, 1, 2),
    )
    [launched] = programme.collect_events()
    assert isinstance(launched, Programme.Launched)
    assert launched.originator_id == programme_id(PROGRAMME)
    assert (launched.code, launched.funders) == (PROGRAMME, ("Fondation ORT", "FSE"))
    assert launched.period == Period(date(2017, 1, 1), date(2018, 12, 31))
    assert launched.targets.in_work_or_training_6m_rate == 0.7


def test_opening_a_cohort_inside_the_programme_records_its_period(programme: Programme) -> None:
    programme.open_cohort("MARSEILLE-DEV-2018", "développeur web", PARIS_PERIOD, date(2017, 2, 1))
    [opened] = programme.collect_events()
    assert isinstance(opened, Programme.CohortOpened)
    assert (opened.cohort_id, opened.period.ends_on) == ("MARSEILLE-DEV-2018", date(2017, 9, 30))
    assert programme.cohort("MARSEILLE-DEV-2018").track == "développeur web"


def test_a_cohort_ending_after_the_programme_is_refused(programme: Programme) -> None:
    late = Period(date(2018, 10, 1), date(2019, 3, 31))
    with pytest.raises(CohortOutsideProgramme, match="2019-03-31"):
        programme.open_cohort("NANTES-2018", "développeur web", late, date(2018, 1, 1))
    assert programme.collect_events() == []


def test_opening_the_same_cohort_twice_is_refused(programme: Programme) -> None:
    with pytest.raises(AlreadyExists, match=LYON):
        programme.open_cohort(LYON, "technicien réseau", PARIS_PERIOD, date(2017, 2, 1))
    assert programme.cohort(LYON).period.starts_on == date(2017, 10, 2)


def test_declaring_then_completing_a_milestone_records_the_completion_day(
    programme: Programme,
) -> None:
    programme.declare_milestone("M1", "100 personnes formées", date(2017, 12, 31), date(2017, 1, 2))
    programme.complete_milestone("M1", date(2017, 11, 15))
    declared, completed = programme.collect_events()
    assert isinstance(declared, Programme.MilestoneDeclared)
    assert isinstance(completed, Programme.MilestoneCompleted)
    assert programme.milestones == {"M1": date(2017, 11, 15)}


def test_completing_an_undeclared_milestone_is_not_found(programme: Programme) -> None:
    with pytest.raises(NotFound, match="M9"):
        programme.complete_milestone("M9", date(2017, 11, 15))
    assert programme.collect_events() == []


def test_completing_a_milestone_twice_is_refused(programme: Programme) -> None:
    programme.declare_milestone("M1", "100 personnes formées", date(2017, 12, 31), date(2017, 1, 2))
    programme.complete_milestone("M1", date(2017, 11, 15))
    programme.collect_events()
    with pytest.raises(MilestoneAlreadyCompleted, match="2017-11-15"):
        programme.complete_milestone("M1", date(2017, 12, 1))
    assert programme.milestones["M1"] == date(2017, 11, 15)


def test_a_target_rate_above_one_names_the_rate_field() -> None:
    with pytest.raises(InvalidValue) as refused:
        Targets(people_trained=300, in_work_or_training_6m_rate=1.5)
    assert refused.value.field == "targets.in_work_or_training_6m_rate"


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidPeriod) as refused:
        Period(date(2018, 1, 1), date(2017, 12, 31))
    assert refused.value.field == "ends_on"
    assert refused.value.code == "invalid-period"


def test_launching_a_programme_dated_tomorrow_records_nothing(app: Tremplin) -> None:
    with pytest.raises(OccurredInFuture, match="today is 2019-01-01"):
        app.launch_programme(
            PROGRAMME, "ORT France", (), PROGRAMME_PERIOD, Targets(), occurred_on=date(2019, 1, 2)
        )
    assert log_head(app) is None


def test_opening_a_cohort_in_an_unknown_programme_is_not_found(running_app: Tremplin) -> None:
    head = log_head(running_app)
    with pytest.raises(NotFound, match="there is no programme ORT-XX"):
        running_app.open_cohort("ORT-XX", PARIS, "dev", PARIS_PERIOD, occurred_on=date(2017, 2, 1))
    assert log_head(running_app) == head


def test_a_padded_cohort_id_cannot_reopen_an_existing_cohort(programme: Programme) -> None:
    with pytest.raises(InvalidValue, match="cohort_id"):
        programme.open_cohort(
            f" {PARIS}", "autre", Period(date(2018, 1, 1), date(2018, 6, 30)), date(2017, 2, 1)
        )
    assert programme.cohort(PARIS).period == PARIS_PERIOD


def test_a_padded_milestone_id_cannot_reset_a_completed_milestone(programme: Programme) -> None:
    programme.declare_milestone("M1", "100 personnes formées", date(2017, 12, 31), date(2017, 1, 2))
    programme.complete_milestone("M1", date(2017, 11, 15))
    with pytest.raises(InvalidValue, match="milestone_id"):
        programme.declare_milestone("M1 ", "bis", date(2017, 12, 31), date(2017, 12, 1))
    assert programme.milestones["M1"] == date(2017, 11, 15)


def test_a_padded_code_cannot_launch_a_second_programme_with_the_same_code(
    running_app: Tremplin,
) -> None:
    with pytest.raises(InvalidValue, match="code"):
        running_app.launch_programme(
            f" {PROGRAMME}",
            "doublon",
            (),
            PROGRAMME_PERIOD,
            Targets(),
            occurred_on=date(2017, 1, 2),
        )


def test_a_programme_cannot_launch_after_it_ends() -> None:
    with pytest.raises(InvalidValue, match="cannot launch on 2019-01-01") as refused:
        Programme.launch(
            PROGRAMME, "ORT", (), PROGRAMME_PERIOD, Targets(), occurred_on=date(2019, 1, 1)
        )
    assert refused.value.field == "occurred_on"


def test_a_milestone_cannot_be_completed_before_the_launch(programme: Programme) -> None:
    programme.declare_milestone("M1", "100 personnes formées", date(2017, 12, 31), date(2017, 1, 2))
    with pytest.raises(InvalidValue, match="before the programme's launch on 2017-01-02"):
        programme.complete_milestone("M1", date(2016, 12, 1))
    assert programme.milestones["M1"] is None


def two_assessments() -> tuple[PathStep, ...]:
    return (
        PathStep("TMA-1", StepKind.ASSESSMENT, "TMA 1", date(2017, 4, 1), 10),
        PathStep("EXAM", StepKind.ASSESSMENT, "Exam", None, None),
    )


def test_defining_a_path_records_its_steps_in_order(programme: Programme) -> None:
    programme.define_path(PARIS, two_assessments(), date(2017, 2, 1))
    [defined] = programme.collect_events()
    assert isinstance(defined, Programme.PathDefined)
    assert [step.step_id for step in defined.steps] == ["TMA-1", "EXAM"]
    assert (defined.steps[0].weight, type(defined.steps[0].weight)) == (10.0, float)
    assert programme.paths[PARIS] == defined.steps


def test_a_path_for_an_unknown_cohort_is_not_found(programme: Programme) -> None:
    with pytest.raises(NotFound, match="has no cohort NANTES-2018"):
        programme.define_path("NANTES-2018", two_assessments(), date(2017, 2, 1))
    assert programme.collect_events() == []


def test_a_step_listed_twice_is_refused_and_named(programme: Programme) -> None:
    steps = (*two_assessments(), PathStep("TMA-1", StepKind.MODULE, "HTML", None, None))
    with pytest.raises(InvalidValue, match="step TMA-1 listed more than once") as refused:
        programme.define_path(PARIS, steps, date(2017, 2, 1))
    assert refused.value.field == "steps"
    assert PARIS not in programme.paths


def test_a_step_of_an_unknown_kind_or_a_negative_weight_is_refused(programme: Programme) -> None:
    odd = PathStep("QUIZ", "quiz", "Quiz", None, None)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="'quiz' is not one of assessment, module") as refused:
        programme.define_path(PARIS, (odd,), date(2017, 2, 1))
    assert refused.value.field == "steps[QUIZ].kind"
    heavy = PathStep("TMA-2", StepKind.ASSESSMENT, "TMA 2", None, -5)
    with pytest.raises(InvalidValue, match="-5 is not zero or more"):
        programme.define_path(PARIS, (heavy,), date(2017, 2, 1))
    assert programme.collect_events() == []


def test_a_kind_given_as_text_is_recorded_as_a_step_kind(programme: Programme) -> None:
    module = PathStep("HTML", "module", " HTML et CSS ", None, None)  # type: ignore[arg-type]
    programme.define_path(PARIS, (module,), date(2017, 2, 1))
    [defined] = programme.collect_events()
    assert defined.steps[0] == PathStep("HTML", StepKind.MODULE, "HTML et CSS", None, None)
    assert defined.steps[0].kind is StepKind.MODULE


def test_defining_a_path_again_replaces_it_from_then_on(programme: Programme) -> None:
    programme.define_path(PARIS, two_assessments(), date(2017, 2, 1))
    exam_only = two_assessments()[1:]
    programme.define_path(PARIS, exam_only, date(2017, 5, 1))
    first, second = programme.collect_events()
    assert (len(first.steps), len(second.steps), second.occurred_on) == (2, 1, date(2017, 5, 1))
    assert programme.paths[PARIS] == exam_only


def test_the_define_path_command_records_the_path_once_per_command_id(
    running_app: Tremplin,
) -> None:
    head = log_head(running_app)
    assert head is not None
    for _ in range(2):
        running_app.define_path(
            PROGRAMME, PARIS, two_assessments(), occurred_on=date(2017, 2, 1), command_id="p-1"
        )
    assert topics_after(running_app, head) == ["Programme.PathDefined", "CommandRecord.Accepted"]
    with pytest.raises(OccurredInFuture):
        running_app.define_path(PROGRAMME, PARIS, (), occurred_on=date(2019, 1, 2))
