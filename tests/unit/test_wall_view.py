"""The cohort wall's read model: given events recorded by the real commands, then what
the wall shows, and under which names."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from givens import ENROLLED_ON, LYON, LYON_PERIOD, PARIS, PARIS_PERIOD, PROGRAMME, PROGRAMME_PERIOD

from domain.accounts import Role
from domain.application import Tremplin
from domain.learning import CertificationScheme
from domain.programme import Targets
from domain.values import (
    ConsentScope,
    ContractType,
    LeaderboardDisplay,
    LeftReason,
    PersonalDetails,
)
from domain.wall import PostKind
from projections.leaderboard import full_names_from_log
from projections.runner import catch_up, prepare
from projections.store import ViewStore, reset
from projections.wall import AchievementKind, AchievementView, PostView, Wall, post, wall_of

MARCH, APRIL, MAY = date(2017, 3, 20), date(2017, 4, 10), date(2017, 5, 2)
NAMES = {"A": "Awa Diop", "B": "Bilal Martin", "C": "Chloé Petit"}
HANDLE = re.compile(r"Apprenant·e [0-9a-f]{4}")


@pytest.fixture
def store(tmp_path: Path) -> ViewStore:
    return ViewStore(tmp_path / "views.sqlite")


@pytest.fixture
def app(app: Tremplin) -> Tremplin:
    """A, B and C in Paris, D in Lyon. A chose no name, B a pseudonym, C their name."""
    app.launch_programme(
        PROGRAMME, "ORT", ("ORT",), PROGRAMME_PERIOD, Targets(), occurred_on=date(2017, 1, 2)
    )
    app.open_cohort(PROGRAMME, PARIS, "dév web", PARIS_PERIOD, occurred_on=date(2017, 2, 1))
    app.open_cohort(PROGRAMME, LYON, "réseau", LYON_PERIOD, occurred_on=date(2017, 2, 1))
    for person, name in NAMES.items():
        app.register_trainee(person, PersonalDetails(full_name=name), occurred_on=ENROLLED_ON)
        app.enrol(person, PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    app.register_trainee("D", PersonalDetails(full_name="Dan Roux"), occurred_on=ENROLLED_ON)
    app.enrol("D", PROGRAMME, LYON, occurred_on=LYON_PERIOD.starts_on)
    leaderboard = ConsentScope.LEADERBOARD
    app.give_consent("B", leaderboard, LeaderboardDisplay.PSEUDONYM, "Zébulon", occurred_on=MARCH)
    app.give_consent("C", leaderboard, LeaderboardDisplay.NAME, occurred_on=MARCH)
    return app


def project(app: Tremplin, store: ViewStore) -> ViewStore:
    projection = Wall(full_names_from_log(app))
    prepare(store, projection)
    catch_up(app, store, projection)
    return store


def ask(app: Tremplin, post_id: str, person: str, day: date, text: str = "Question ?") -> None:
    app.post_on_wall(post_id, person, PARIS, PostKind.QUESTION, text, occurred_on=day)


def share(app: Tremplin, person: str, day: date = MARCH) -> None:
    app.give_consent(person, ConsentScope.SHARE_ON_WALL, occurred_on=day)


def posts_of(entries: tuple[PostView | AchievementView, ...]) -> list[str]:
    return [entry.post_id for entry in entries if isinstance(entry, PostView)]


def achievements_of(store: ViewStore, cohort: str = PARIS) -> list[tuple[str, str, str]]:
    return [
        (entry.kind.value, entry.person, entry.detail)
        for entry in wall_of(store, cohort).entries
        if isinstance(entry, AchievementView)
    ]


def test_posts_come_newest_first_with_their_replies_oldest_first(
    app: Tremplin, store: ViewStore
) -> None:
    ask(app, "P-1", "A", MARCH)
    ask(app, "P-2", "B", APRIL)
    ask(app, "P-3", "C", MARCH)  # recorded last, happened in March: after P-1 that day
    app.reply_on_wall("P-1", "R-2", "C", "Deuxième", occurred_on=APRIL)
    app.reply_on_wall("P-1", "R-1", "B", "Première", occurred_on=MARCH)
    wall = wall_of(project(app, store), PARIS)
    assert posts_of(wall.entries) == ["P-2", "P-3", "P-1"]
    replies = wall.entries[2].replies if isinstance(wall.entries[2], PostView) else ()
    assert [(r.reply_id, r.text, r.occurred_on) for r in replies] == [
        ("R-1", "Première", MARCH),
        ("R-2", "Deuxième", APRIL),
    ]


def test_people_appear_as_they_chose_on_the_leaderboard_and_never_by_an_unchosen_name(
    app: Tremplin, store: ViewStore
) -> None:
    ask(app, "P-1", "A", MARCH)
    app.reply_on_wall("P-1", "R-1", "B", "Moi", occurred_on=MARCH)
    app.reply_on_wall("P-1", "R-2", "C", "Moi aussi", occurred_on=MARCH)
    found = post(project(app, store), "P-1")
    assert found is not None
    assert HANDLE.fullmatch(found.author)
    assert [(r.author, r.author_ref) for r in found.replies] == [
        ("Zébulon", "B"),
        ("Chloé Petit", "C"),
    ]


def test_a_pseudonym_chosen_later_renames_earlier_posts(app: Tremplin, store: ViewStore) -> None:
    ask(app, "P-1", "A", MARCH)
    project(app, store)
    app.give_consent(
        "A", ConsentScope.LEADERBOARD, LeaderboardDisplay.PSEUDONYM, "Awa-dev", occurred_on=APRIL
    )
    found = post(project(app, store), "P-1")
    assert found is not None
    assert found.author == "Awa-dev"


def test_hiding_a_leaderboard_entry_shows_the_anonymous_handle_on_the_wall(
    app: Tremplin, store: ViewStore
) -> None:
    app.give_consent("C", ConsentScope.LEADERBOARD, LeaderboardDisplay.HIDDEN, occurred_on=APRIL)
    ask(app, "P-1", "C", APRIL)
    found = post(project(app, store), "P-1")
    assert found is not None
    assert HANDLE.fullmatch(found.author)


def test_helpful_replies_and_reports_are_counted_on_the_post(
    app: Tremplin, store: ViewStore
) -> None:
    ask(app, "P-1", "A", MARCH)
    app.reply_on_wall("P-1", "R-1", "B", "Voilà", occurred_on=MARCH)
    app.reply_on_wall("P-1", "R-2", "C", "Et ça", occurred_on=MARCH)
    app.mark_reply_helpful("P-1", "R-2", "A", occurred_on=APRIL)
    app.report_post("P-1", "B", "Hors sujet", occurred_on=APRIL)
    app.report_post("P-1", "C", occurred_on=APRIL)
    found = post(project(app, store), "P-1")
    assert found is not None
    assert [(r.reply_id, r.helpful) for r in found.replies] == [("R-1", False), ("R-2", True)]
    assert (found.reports, found.hidden, found.kind) == (2, False, PostKind.QUESTION)


def test_a_hidden_post_leaves_the_wall_but_staff_still_see_it_flagged(
    app: Tremplin, store: ViewStore
) -> None:
    trainer = app.open_account("t@example.org", Role.TRAINER, "$argon2id$h").result
    assert trainer is not None
    ask(app, "P-1", "A", MARCH)
    ask(app, "P-2", "B", MARCH)
    app.hide_post("P-1", trainer, "Numéro de téléphone", occurred_on=APRIL)
    project(app, store)
    assert posts_of(wall_of(store, PARIS).entries) == ["P-2"]
    staff_view = wall_of(store, PARIS, include_hidden=True).entries
    assert [(p.post_id, p.hidden) for p in staff_view if isinstance(p, PostView)] == [
        ("P-2", False),
        ("P-1", True),
    ]
    app.unhide_post("P-1", trainer, "Retiré par l'auteur", occurred_on=APRIL)
    assert posts_of(wall_of(project(app, store), PARIS).entries) == ["P-2", "P-1"]


def test_a_cohort_s_wall_shows_only_its_own_posts(app: Tremplin, store: ViewStore) -> None:
    ask(app, "P-1", "A", MARCH)
    app.post_on_wall("P-2", "D", LYON, "post", "Salut Lyon", occurred_on=date(2017, 10, 3))
    project(app, store)
    assert posts_of(wall_of(store, LYON).entries) == ["P-2"]
    assert posts_of(wall_of(store, PARIS).entries) == ["P-1"]
    assert post(store, "P-9") is None


def test_achievements_of_people_who_share_them_appear_under_their_chosen_name(
    app: Tremplin, store: ViewStore
) -> None:
    share(app, "C")
    app.award_badge("C", "first-module", "badges-1", 5, occurred_on=APRIL)
    app.award_badge("B", "first-module", "badges-1", 5, occurred_on=APRIL)  # B does not share
    app.record_certification(
        "C", PARIS, CertificationScheme.TOSA, "TOSA Excel", 612.0, occurred_on=APRIL
    )
    app.record_certification(
        "C", PARIS, CertificationScheme.ICDL, "ICDL Base", 40.0, occurred_on=APRIL
    )  # not passed: not an achievement
    assert achievements_of(project(app, store)) == [
        ("certification", "Chloé Petit", "TOSA Excel (opérationnel)"),
        ("badge", "Chloé Petit", "first-module"),
    ]


def test_an_achievement_before_consent_stays_off_the_wall(app: Tremplin, store: ViewStore) -> None:
    app.award_badge("A", "first-module", "badges-1", 5, occurred_on=MARCH)
    share(app, "A", APRIL)
    app.award_badge("A", "streak-5-days", "badges-1", 9, occurred_on=APRIL)
    [(kind, person, detail)] = achievements_of(project(app, store))
    assert (kind, detail) == ("badge", "streak-5-days")
    assert HANDLE.fullmatch(person)


def test_withdrawing_the_consent_takes_the_achievements_off_the_wall_and_back(
    app: Tremplin, store: ViewStore
) -> None:
    share(app, "B")
    app.award_badge("B", "first-module", "badges-1", 5, occurred_on=APRIL)
    project(app, store)
    app.withdraw_consent("B", ConsentScope.SHARE_ON_WALL, occurred_on=MAY)
    assert achievements_of(project(app, store)) == []
    share(app, "B", MAY)
    assert achievements_of(project(app, store)) == [("badge", "Zébulon", "first-module")]


def test_a_hire_after_leaving_shows_on_the_cohort_s_wall(app: Tremplin, store: ViewStore) -> None:
    share(app, "C")
    app.register_employer("E-1", "Acme", occurred_on=MARCH)
    app.leave("C", PARIS, LeftReason.FOUND_WORK, occurred_on=date(2017, 9, 1))
    app.hire("C", "E-1", ContractType.CDI, date(2017, 9, 15), occurred_on=date(2017, 9, 10))
    project(app, store)
    assert achievements_of(store) == [("hired", "Chloé Petit", ContractType.CDI.value)]
    assert achievements_of(store, LYON) == []


def test_posts_and_achievements_are_merged_day_by_day_newest_first(
    app: Tremplin, store: ViewStore
) -> None:
    share(app, "C")
    ask(app, "P-1", "A", MARCH)
    app.award_badge("C", "first-module", "badges-1", 5, occurred_on=APRIL)
    ask(app, "P-2", "B", APRIL)
    ask(app, "P-3", "A", MAY)
    wall = wall_of(project(app, store), PARIS)
    kinds = [
        (day.day, [e.post_id if isinstance(e, PostView) else e.kind for e in day.entries])
        for day in wall.days
    ]
    assert kinds == [
        (MAY, ["P-3"]),
        (APRIL, ["P-2", AchievementKind.BADGE]),
        (MARCH, ["P-1"]),
    ]


def test_the_wall_shows_at_most_limit_entries_the_newest(app: Tremplin, store: ViewStore) -> None:
    share(app, "C")
    ask(app, "P-1", "A", MARCH)
    app.award_badge("C", "first-module", "badges-1", 5, occurred_on=APRIL)
    ask(app, "P-2", "B", MAY)
    entries = wall_of(project(app, store), PARIS, limit=2).entries
    assert [type(e).__name__ for e in entries] == ["PostView", "AchievementView"]
    assert posts_of(entries) == ["P-2"]


def test_the_wall_dropped_and_rebuilt_from_the_log_has_the_same_rows(
    app: Tremplin, store: ViewStore
) -> None:
    share(app, "C")
    ask(app, "P-1", "A", MARCH)
    app.reply_on_wall("P-1", "R-1", "C", "Voilà", occurred_on=MARCH)
    app.mark_reply_helpful("P-1", "R-1", "A", occurred_on=APRIL)
    app.report_post("P-1", "B", occurred_on=APRIL)
    app.award_badge("C", "first-module", "badges-1", 5, occurred_on=APRIL)
    projection = Wall(full_names_from_log(app))
    project(app, store)
    before = {
        table: store.query(f"SELECT * FROM {table} ORDER BY 1, 2") for table in projection.tables
    }
    with store.transaction() as connection:
        reset(connection, projection.name, projection.tables)
    project(app, store)
    after = {
        table: store.query(f"SELECT * FROM {table} ORDER BY 1, 2") for table in projection.tables
    }
    assert {t: [tuple(r) for r in rows] for t, rows in after.items()} == {
        t: [tuple(r) for r in rows] for t, rows in before.items()
    }
    assert [len(before[t]) for t in projection.tables] == [4, 4, 1, 1, 1]
