"""The cohort wall: posts, replies, "this helped me", reports and staff moderation."""

from __future__ import annotations

from datetime import date

import pytest
from givens import ENROLLED_ON, LYON, LYON_PERIOD, PARIS, PROGRAMME, log_head, topics_after

from domain.accounts import Role
from domain.application import Tremplin
from domain.coaching import PeerHelpGiven
from domain.errors import (
    AlreadyExists,
    InvalidValue,
    NotEnrolled,
    NotFound,
    OccurredInFuture,
)
from domain.ids import trainee_id, wall_post_id
from domain.programme import Programme
from domain.trainee import Trainee
from domain.values import LeftReason, PersonalDetails
from domain.wall import (
    AlreadyHidden,
    NotAQuestion,
    NotHidden,
    NotTheAsker,
    PostHidden,
    PostKind,
    WallPost,
    WallText,
)

DAY = date(2017, 4, 10)
LATER = date(2017, 4, 11)
HASH = "$argon2id$hash"


@pytest.fixture
def question(enrolled: Trainee) -> WallPost:
    """FT-0001 asks the Paris cohort a question on DAY."""
    post = WallPost.post("P-1", enrolled, PARIS, PostKind.QUESTION, "Qui a un CV ?", DAY)
    post.collect_events()
    return post


@pytest.fixture
def answered(question: WallPost, classmate: Trainee) -> WallPost:
    """FT-0002 replied R-1 to the question on DAY."""
    question.reply("R-1", classmate, "Moi, je te l'envoie", DAY)
    question.collect_events()
    return question


def test_a_post_keeps_its_trimmed_words_in_the_personal_field(enrolled: Trainee) -> None:
    post = WallPost.post("P-1", enrolled, PARIS, "post", "  Bonjour à tous !\n", DAY)
    [posted] = post.collect_events()
    assert isinstance(posted, WallPost.Posted)
    assert posted.personal == WallText("Bonjour à tous !")
    assert (posted.post_id, posted.cohort_id, posted.author_ref, posted.kind) == (
        "P-1",
        PARIS,
        "FT-0001",
        PostKind.POST,
    )
    assert post.id == wall_post_id("P-1")


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 1001])
def test_a_post_of_no_words_or_too_many_names_the_text_field(enrolled: Trainee, text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        WallPost.post("P-1", enrolled, PARIS, PostKind.POST, text, DAY)
    assert refused.value.field == "text"


def test_a_post_of_exactly_1000_characters_is_taken(enrolled: Trainee) -> None:
    post = WallPost.post("P-1", enrolled, PARIS, PostKind.POST, "é" * 1000, DAY)
    [posted] = post.collect_events()
    assert isinstance(posted, WallPost.Posted)
    assert posted.personal.text == "é" * 1000


def test_a_post_of_an_unknown_kind_names_the_kind_field(enrolled: Trainee) -> None:
    with pytest.raises(InvalidValue, match="neither a post nor a question") as refused:
        WallPost.post("P-1", enrolled, PARIS, "poll", "Sondage", DAY)
    assert refused.value.field == "kind"


def test_posting_on_a_cohort_one_is_not_in_is_refused(enrolled: Trainee) -> None:
    with pytest.raises(NotEnrolled, match=f"FT-0001 is not enrolled in {LYON}"):
        WallPost.post("P-1", enrolled, LYON, PostKind.POST, "Salut Lyon", date(2017, 10, 10))


def test_posting_before_one_s_enrolment_names_the_date(enrolled: Trainee) -> None:
    with pytest.raises(InvalidValue, match="before the enrolment") as refused:
        WallPost.post("P-1", enrolled, PARIS, PostKind.POST, "Tôt", date(2017, 3, 1))
    assert refused.value.field == "occurred_on"


def test_a_classmate_s_reply_is_recorded_with_its_words_apart(
    question: WallPost, classmate: Trainee
) -> None:
    question.reply("R-1", classmate, " Moi ! ", DAY)
    [replied] = question.collect_events()
    assert isinstance(replied, WallPost.Replied)
    assert (replied.reply_id, replied.author_ref, replied.personal) == (
        "R-1",
        "FT-0002",
        WallText("Moi !"),
    )


def test_a_reply_from_outside_the_post_s_cohort_is_refused(
    question: WallPost, programme: Programme
) -> None:
    outsider = Trainee.register("FT-0003", None, PersonalDetails(), ENROLLED_ON)
    outsider.enrol(PROGRAMME, programme.cohort(LYON), LYON_PERIOD.starts_on)
    with pytest.raises(NotEnrolled, match=f"FT-0003 is not enrolled in {PARIS}"):
        question.reply("R-1", outsider, "Je peux aider", date(2017, 10, 3))
    assert question.collect_events() == []


def test_the_same_reply_id_twice_is_refused(answered: WallPost, classmate: Trainee) -> None:
    with pytest.raises(AlreadyExists, match="reply R-1"):
        answered.reply("R-1", classmate, "Encore moi", DAY)


def test_a_reply_dated_before_the_post_names_the_date(
    question: WallPost, classmate: Trainee
) -> None:
    with pytest.raises(InvalidValue, match="before the post") as refused:
        question.reply("R-1", classmate, "Avant", date(2017, 4, 9))
    assert refused.value.field == "occurred_on"


def test_the_asker_marks_a_reply_helpful_and_learns_who_helped(answered: WallPost) -> None:
    helper = answered.mark_helpful("R-1", "FT-0001", LATER)
    [helpful] = answered.collect_events()
    assert helper == "FT-0002"
    assert isinstance(helpful, WallPost.ReplyFoundHelpful)
    assert (helpful.reply_id, helpful.by_ref, helpful.occurred_on) == ("R-1", "FT-0001", LATER)


def test_a_reply_is_marked_helpful_once(answered: WallPost) -> None:
    answered.mark_helpful("R-1", "FT-0001", LATER)
    with pytest.raises(AlreadyExists, match="already marked"):
        answered.mark_helpful("R-1", "FT-0001", LATER)


def test_only_the_asker_marks_a_reply_helpful(answered: WallPost) -> None:
    with pytest.raises(NotTheAsker):
        answered.mark_helpful("R-1", "FT-0002", LATER)


def test_a_reply_to_a_plain_post_cannot_be_marked_helpful(
    enrolled: Trainee, classmate: Trainee
) -> None:
    post = WallPost.post("P-2", enrolled, PARIS, PostKind.POST, "Bonne semaine", DAY)
    post.reply("R-1", classmate, "Merci", DAY)
    with pytest.raises(NotAQuestion):
        post.mark_helpful("R-1", "FT-0001", LATER)


def test_one_s_own_reply_cannot_be_marked_helpful(question: WallPost, enrolled: Trainee) -> None:
    question.reply("R-2", enrolled, "Précision : un CV de dev", DAY)
    with pytest.raises(InvalidValue, match="own reply") as refused:
        question.mark_helpful("R-2", "FT-0001", LATER)
    assert refused.value.field == "reply_id"


def test_an_unknown_reply_cannot_be_marked_helpful(answered: WallPost) -> None:
    with pytest.raises(NotFound, match="no reply R-9"):
        answered.mark_helpful("R-9", "FT-0001", LATER)


def test_a_post_is_reported_once_by_each_person(question: WallPost, classmate: Trainee) -> None:
    question.report(classmate, " Hors sujet ", DAY)
    [reported] = question.collect_events()
    assert isinstance(reported, WallPost.Reported)
    assert (reported.by_ref, reported.reason) == ("FT-0002", "Hors sujet")
    with pytest.raises(AlreadyExists, match="already reported"):
        question.report(classmate, "", DAY)


def test_a_report_reason_over_300_characters_names_the_reason(
    question: WallPost, classmate: Trainee
) -> None:
    with pytest.raises(InvalidValue) as refused:
        question.report(classmate, "x" * 301, DAY)
    assert refused.value.field == "reason"


def test_a_hidden_post_takes_no_reply_until_shown_again(
    answered: WallPost, classmate: Trainee
) -> None:
    answered.hide("ab" * 16, "Propos blessants", LATER)
    with pytest.raises(PostHidden):
        answered.reply("R-2", classmate, "Et alors ?", LATER)
    with pytest.raises(PostHidden):
        answered.mark_helpful("R-1", "FT-0001", LATER)
    answered.unhide("ab" * 16, "Revu avec l'auteur", LATER)
    answered.reply("R-2", classmate, "Et alors ?", LATER)
    hidden, shown, replied = answered.collect_events()
    assert isinstance(hidden, WallPost.Hidden)
    assert isinstance(shown, WallPost.Unhidden)
    assert (hidden.by_account, hidden.reason) == ("ab" * 16, "Propos blessants")
    assert isinstance(replied, WallPost.Replied)


def test_hiding_twice_or_showing_a_shown_post_is_refused(question: WallPost) -> None:
    with pytest.raises(NotHidden):
        question.unhide("ab" * 16, "Rien à montrer", LATER)
    question.hide("ab" * 16, "Spam", LATER)
    with pytest.raises(AlreadyHidden):
        question.hide("ab" * 16, "Spam", LATER)


def test_hiding_without_a_reason_names_the_reason(question: WallPost) -> None:
    with pytest.raises(InvalidValue) as refused:
        question.hide("ab" * 16, "  ", LATER)
    assert refused.value.field == "reason"


# Through the application: the same rules, one save per command.


@pytest.fixture
def paris_app(running_app: Tremplin) -> Tremplin:
    """FT-0001 and FT-0002 in Paris; FT-0001 asked P-1 on DAY, FT-0002 replied R-1."""
    running_app.register_trainee("FT-0002", PersonalDetails(), occurred_on=ENROLLED_ON)
    running_app.enrol("FT-0002", PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    running_app.post_on_wall("P-1", "FT-0001", PARIS, PostKind.QUESTION, "CV ?", occurred_on=DAY)
    running_app.reply_on_wall("P-1", "R-1", "FT-0002", "Voilà le mien", occurred_on=DAY)
    return running_app


def test_an_offline_post_sent_twice_is_recorded_once(paris_app: Tremplin) -> None:
    def send() -> tuple[str | None, bool]:
        done = paris_app.post_on_wall(
            "P-2", "FT-0002", PARIS, PostKind.POST, "Hello", occurred_on=DAY, command_id="c-7"
        )
        return done.result, done.replayed

    head = log_head(paris_app) or 0
    assert send() == ("P-2", False)
    assert send() == ("P-2", True)
    assert topics_after(paris_app, head) == ["WallPost.Posted", "CommandRecord.Accepted"]


def test_a_second_post_under_the_same_post_id_is_refused(paris_app: Tremplin) -> None:
    with pytest.raises(AlreadyExists, match="post P-1"):
        paris_app.post_on_wall("P-1", "FT-0002", PARIS, "post", "Autre", occurred_on=DAY)


def test_a_post_dated_tomorrow_is_refused(paris_app: Tremplin) -> None:
    with pytest.raises(OccurredInFuture):
        paris_app.post_on_wall(
            "P-2", "FT-0001", PARIS, "post", "Demain", occurred_on=date(2019, 1, 2)
        )


def test_this_helped_me_records_peer_help_for_the_reply_s_author_in_the_same_save(
    paris_app: Tremplin,
) -> None:
    head = log_head(paris_app) or 0
    done = paris_app.mark_reply_helpful("P-1", "R-1", "FT-0001", occurred_on=LATER)
    assert (done.result, done.recorded) == ("FT-0002", 2)
    assert topics_after(paris_app, head) == ["WallPost.ReplyFoundHelpful", "PeerHelpGiven"]
    [_, help_given] = paris_app.notification_log.select(head + 1, 2)
    assert help_given.originator_id == trainee_id("FT-0002")
    event = paris_app.mapper.to_domain_event(help_given)
    assert isinstance(event, PeerHelpGiven)
    assert (event.helped_ref, event.cohort_id, event.occurred_on) == ("FT-0001", PARIS, LATER)


def test_when_the_peer_help_is_refused_the_reply_is_not_marked_either(
    paris_app: Tremplin,
) -> None:
    paris_app.leave("FT-0002", PARIS, LeftReason.FOUND_WORK, occurred_on=DAY)
    head = log_head(paris_app)
    with pytest.raises(InvalidValue, match="after leaving"):
        paris_app.mark_reply_helpful("P-1", "R-1", "FT-0001", occurred_on=LATER)
    assert log_head(paris_app) == head


def test_a_report_through_the_app_is_recorded_on_the_post(paris_app: Tremplin) -> None:
    head = log_head(paris_app) or 0
    paris_app.report_post("P-1", "FT-0002", occurred_on=LATER)
    [reported] = paris_app.notification_log.select(head + 1, 1)
    assert (reported.topic, reported.originator_id) == (
        "domain.wall:WallPost.Reported",
        wall_post_id("P-1"),
    )


def test_a_trainer_hides_a_post_under_their_account_id(paris_app: Tremplin) -> None:
    trainer = paris_app.open_account("t@example.org", Role.TRAINER, HASH).result
    assert trainer is not None
    head = log_head(paris_app) or 0
    paris_app.hide_post("P-1", trainer.upper(), "Données personnelles", occurred_on=LATER)
    [hidden] = paris_app.notification_log.select(head + 1, 1)
    event = paris_app.mapper.to_domain_event(hidden)
    assert isinstance(event, WallPost.Hidden)
    assert (event.by_account, event.reason) == (trainer, "Données personnelles")
    paris_app.unhide_post("P-1", trainer, "Corrigé", occurred_on=LATER)
    assert topics_after(paris_app, head) == ["WallPost.Hidden", "WallPost.Unhidden"]


def test_a_trainee_account_cannot_hide_a_post(paris_app: Tremplin) -> None:
    account = paris_app.open_account(
        "awa@example.org", Role.TRAINEE, HASH, {"person_ref": "FT-0002"}
    ).result
    assert account is not None
    with pytest.raises(InvalidValue, match="only programme staff") as refused:
        paris_app.hide_post("P-1", account, "Je n'aime pas", occurred_on=LATER)
    assert refused.value.field == "role"


@pytest.mark.parametrize("account", ["0" * 32, "not-hex"])
def test_hiding_for_an_unknown_account_is_not_found(paris_app: Tremplin, account: str) -> None:
    with pytest.raises(NotFound, match="no such account"):
        paris_app.hide_post("P-1", account, "Spam", occurred_on=LATER)


def test_acting_on_an_unknown_post_is_not_found(paris_app: Tremplin) -> None:
    with pytest.raises(NotFound, match="no post P-9"):
        paris_app.reply_on_wall("P-9", "R-1", "FT-0002", "Hein ?", occurred_on=DAY)
