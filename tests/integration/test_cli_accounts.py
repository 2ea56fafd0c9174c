"""`tremplin users`, `tremplin apikeys` and `tremplin init --demo`, run in-process on real
SQLite files in a temporary data folder (as in test_cli.py).

Each password hashed costs about 0.1 s, and `init --demo` uses the smallest history
that holds every record a demo account needs (the OULAD sample, 10 simulated trainees).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from click.testing import CliRunner, Result
from log_givens import app_at, given_a_cohort_and_a_person
from oulad_sample import OuladSample, build_oulad_sample

from domain.ids import account_id
from infra.bootstrap import API_KEY_USAGE, file_store
from infra.cli import ORT_PROGRAMME, main
from infra.credentials import parse_api_key, password_matches, secret_digest
from infra.settings import Settings
from projections.people_access import access_of
from projections.store import ViewStore

PASSWORD = "correct horse battery staple"
DEMO_TRAINEES = ("--simulate", "10")
DEMO_EMAILS = {
    "trainee": "stagiaire@demo.tremplin.test",
    "mentor": "mentor@demo.tremplin.test",
    "trainer": "formateur@demo.tremplin.test",
    "employer": "employeur@demo.tremplin.test",
    "jobcentre": "conseiller@demo.tremplin.test",
    "auditor": "auditeur@demo.tremplin.test",
    "admin": "admin@demo.tremplin.test",
}


def tremplin(data_dir: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        main, list(args), input=stdin, env={"TREMPLIN_DATA_DIR": str(data_dir)}
    )


def json_lines(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def log_size(data_dir: Path) -> int:
    return len(json_lines(tremplin(data_dir, "events", "--json")))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> OuladSample:
    return build_oulad_sample(tmp_path_factory.mktemp("oulad-sample"))


@pytest.fixture
def with_person(tmp_path: Path) -> Path:
    """A data folder whose log holds programme `ort`, cohort `dev-1` and person `p-1`."""
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)
    app.close()
    return tmp_path


def test_a_trainee_account_is_listed_with_its_link_and_the_password_given_is_never_shown(
    with_person: Path,
) -> None:
    created = tremplin(
        with_person, "users", "create", "--role", "trainee", "--email", "Awa.Diop@Example.org",
        "--person", "p-1", "--password-stdin", stdin=f"{PASSWORD}\nnext line\n",
    )  # fmt: skip

    assert created.exit_code == 0, created.output
    opened = account_id("awa.diop@example.org").hex
    assert created.output == f"Compte {opened} ouvert (rôle trainee).\n"
    [listed] = json_lines(tremplin(with_person, "users", "list", "--json"))
    assert {k: v for k, v in listed.items() if k != "opened_at"} == {
        "account_id": opened,
        "email": "awa.diop@example.org",
        "roles": ["trainee"],
        "links": {"person_ref": "p-1"},
        "demo": False,
        "disabled": False,
    }
    table = tremplin(with_person, "users", "list").stdout.splitlines()
    assert table[1].split() == ["awa.diop@example.org", "trainee", "person_ref=p-1", "non", "non"]
    account = app_at(with_person).account("awa.diop@example.org")
    assert account is not None
    assert password_matches(account.password_hash, PASSWORD)


def test_a_generated_password_is_shown_once_and_opens_the_account(tmp_path: Path) -> None:
    created = tremplin(tmp_path, "users", "create", "--role", "admin", "--email", "a@example.org")

    assert created.exit_code == 0, created.output
    first, second = created.stdout.splitlines()
    assert first == f"Compte {account_id('a@example.org').hex} ouvert (rôle admin)."
    assert second.startswith("Mot de passe (affiché une seule fois, notez-le maintenant) : ")
    password = second.rpartition(" ")[2]
    account = app_at(tmp_path).account("a@example.org")
    assert account is not None
    assert password_matches(account.password_hash, password)


def test_a_second_account_with_the_same_email_is_refused_and_records_nothing(
    tmp_path: Path,
) -> None:
    tremplin(tmp_path, "users", "create", "--role", "admin", "--email", "a@example.org")
    head = log_size(tmp_path)

    again = tremplin(tmp_path, "users", "create", "--role", "trainer", "--email", " A@EXAMPLE.org")

    assert again.exit_code == 1
    assert again.output == "Error: an account with this email already exists\n"
    assert log_size(tmp_path) == head == 1


@pytest.mark.parametrize(
    ("args", "password", "exit_code", "message"),
    [
        (("--role", "trainee"), None, 2, "Error: a trainee account needs --person"),
        (("--role", "admin", "--person", "p-1"), None, 2, "a admin account takes no --person"),
        (("--role", "trainee", "--person", "p-404"), None, 1, "Error: there is no trainee p-404"),
        (("--role", "admin", "--password-stdin"), "short", 1, "must have at least 12 characters"),
    ],
)
def test_an_account_that_cannot_be_opened_is_refused_in_one_line_and_records_nothing(
    with_person: Path, args: tuple[str, ...], password: str | None, exit_code: int, message: str
) -> None:
    head = log_size(with_person)

    refused = tremplin(
        with_person, "users", "create", "--email", "x@example.org", *args, stdin=password
    )

    assert refused.exit_code == exit_code
    assert refused.output.splitlines()[-1].endswith(message)
    assert log_size(with_person) == head


def test_the_log_never_shows_a_password_or_key_hash(tmp_path: Path) -> None:
    tremplin(
        tmp_path, "users", "create", "--role", "admin", "--email", "a@example.org",
        "--password-stdin", stdin=PASSWORD,
    )  # fmt: skip
    key_text = tremplin(tmp_path, "apikeys", "create", "--auditor", "cour-des-comptes")
    tremplin(tmp_path, "users", "disable", "--email", "a@example.org", "--reason", "départ")

    log = tremplin(tmp_path, "events", "--json", "--with-personal")
    plain = tremplin(tmp_path, "events", "--with-personal").stdout

    rows = json_lines(log)
    account = app_at(tmp_path).account("a@example.org")
    parsed = parse_api_key(key_text.stdout.split()[-1])
    assert account is not None
    assert parsed is not None
    assert [(r["type"], r.get("password_hash"), r.get("secret_hash")) for r in rows] == [
        ("Opened", "[secret withheld]", None),
        ("Issued", None, "[secret withheld]"),
        ("Disabled", None, None),
    ]
    for secret in (account.password_hash, secret_digest(parsed[1]), PASSWORD, parsed[1]):
        assert secret not in log.stdout
        assert secret not in plain


def test_an_api_key_is_the_last_word_listed_as_never_used_then_used_then_revoked(
    tmp_path: Path,
) -> None:
    tremplin(tmp_path, "jobcentres", "add", "93-SAINT-DENIS", "Saint-Denis")
    created = tremplin(tmp_path, "apikeys", "create", "--jobcentre", "93-SAINT-DENIS")

    assert created.exit_code == 0, created.output
    assert created.stdout.splitlines()[-1].startswith("Clé (affichée une seule fois) : tpk_")
    parsed = parse_api_key(created.stdout.split()[-1])
    assert parsed is not None
    key_id = parsed[0]
    [listed] = json_lines(tremplin(tmp_path, "apikeys", "list", "--json"))
    assert {k: v for k, v in listed.items() if k != "issued_at"} == {
        "key_id": key_id,
        "kind": "jobcentre",
        "scope": "93-SAINT-DENIS",
        "revoked": False,
        "last_used": None,
    }
    assert tremplin(tmp_path, "apikeys", "list").stdout.splitlines()[1].split()[-2:] == [
        "non",
        "jamais",
    ]

    usage = file_store(Settings(data_dir=tmp_path), API_KEY_USAGE)
    anyio.run(usage.set, key_id, b"2025-03-01T10:15:00+00:00")
    revoked = tremplin(tmp_path, "apikeys", "revoke", key_id)
    again = tremplin(tmp_path, "apikeys", "revoke", key_id)

    assert revoked.stdout == f"Clé {key_id} révoquée : elle est refusée dès maintenant.\n"
    assert again.stdout == f"Clé {key_id} déjà révoquée.\n"
    [listed] = json_lines(tremplin(tmp_path, "apikeys", "list", "--json"))
    assert (listed["revoked"], listed["last_used"]) == (True, "2025-03-01T10:15:00+00:00")
    row = tremplin(tmp_path, "apikeys", "list").stdout.splitlines()[1].split()
    assert row[-3:] == ["oui", "2025-03-01", "10:15"]


@pytest.mark.parametrize("args", [(), ("--jobcentre", "93-SAINT-DENIS", "--auditor", "x")])
def test_an_api_key_needs_exactly_one_of_jobcentre_or_auditor(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    refused = tremplin(tmp_path, "apikeys", "create", *args)
    assert refused.exit_code == 2
    assert "give exactly one of --jobcentre CODE or --auditor NAME" in refused.output
    assert "tpk_" not in refused.output


def demo_logins(result: Result) -> list[list[str]]:
    """The lines of the demo block, as (label, email, password)."""
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("Comptes de démonstration (données simulées) :")
    return [line.split() for line in lines[start + 1 : start + 8]]


def test_init_demo_opens_one_working_account_per_role_and_shows_the_same_logins_each_time(
    tmp_path: Path, sample: OuladSample
) -> None:
    init = ("init", "--demo", "--oulad", str(sample.directory), *DEMO_TRAINEES)

    first = demo_logins(tremplin(tmp_path, *init))
    head = log_size(tmp_path)
    second = demo_logins(tremplin(tmp_path, *init))

    assert second == first
    assert [email for *_, email, _ in first] == list(DEMO_EMAILS.values())
    assert log_size(tmp_path) == head
    saved = (tmp_path / "demo-logins.txt").read_text().splitlines()[1:]
    assert saved == [
        f"{role}\t{e}\t{p}" for role, (*_, e, p) in zip(DEMO_EMAILS, first, strict=True)
    ]
    assert (tmp_path / "demo-logins.txt").stat().st_mode & 0o777 == 0o600
    accounts = json_lines(tremplin(tmp_path, "users", "list", "--json"))
    assert sorted((a["email"], a["roles"], a["demo"]) for a in accounts) == sorted(
        (email, [role], True) for role, email in DEMO_EMAILS.items()
    )
    app = app_at(tmp_path)
    for *_, email, password in first:
        account = app.account(email)
        assert account is not None
        assert password_matches(account.password_hash, password)
    assert app.is_demo()


def test_init_demo_links_the_accounts_to_a_trainee_of_the_live_cohort_and_their_mentor_and_centre(
    tmp_path: Path, sample: OuladSample
) -> None:
    tremplin(tmp_path, "init", "--demo", "--oulad", str(sample.directory), *DEMO_TRAINEES)

    links = {
        a["roles"][0]: a["links"] for a in json_lines(tremplin(tmp_path, "users", "list", "--json"))
    }
    person = links["trainee"]["person_ref"]
    views = ViewStore(tmp_path / "views.sqlite")
    access = access_of(views, person)
    views.close()
    assert person == "sim-live-001"  # of the cohort running today: they can record things
    assert access is not None
    assert access.shares_with_jobcentre
    assert links["mentor"] == {"mentor_ref": access.mentor_ref}
    assert links["jobcentre"] == {"jobcentre": access.referred_by}
    assert links["employer"]["employer_ref"].startswith("sim-2017-employer-")
    assert links["trainer"] == links["auditor"] == links["admin"] == {}


def test_init_demo_on_a_log_with_other_data_warns_and_opens_no_demo_account(
    tmp_path: Path, sample: OuladSample
) -> None:
    tremplin(tmp_path, "programme", "load", str(ORT_PROGRAMME))

    init = tremplin(tmp_path, "init", "--demo", "--oulad", str(sample.directory), "--simulate", "0")

    assert init.exit_code == 0, init.output
    assert f"Attention : {tmp_path} n'est pas une base de démonstration" in init.stderr
    assert "Comptes de démonstration" not in init.output
    assert json_lines(tremplin(tmp_path, "users", "list", "--json")) == []
    assert not (tmp_path / "demo-logins.txt").exists()
    assert app_at(tmp_path).is_demo() is False


def test_users_password_replaces_the_password_and_ends_every_session(tmp_path: Path) -> None:
    email = "reset@example.org"
    created = tremplin(tmp_path, "users", "create", "--role", "trainer", "--email", email)
    old_password = created.stdout.splitlines()[-1].rpartition(" ")[2]
    before = app_at(tmp_path).account(email)
    assert before is not None
    assert password_matches(before.password_hash, old_password)

    changed = tremplin(tmp_path, "users", "password", "--email", email, "--password-stdin",
                       stdin=f"{PASSWORD}\nnext line\n")  # fmt: skip

    assert changed.exit_code == 0, changed.output
    assert changed.output == f"Nouveau mot de passe pour le compte {account_id(email).hex}.\n"
    after = app_at(tmp_path).account(email)
    assert after is not None
    assert password_matches(after.password_hash, PASSWORD)
    assert not password_matches(after.password_hash, old_password)
    assert after.sessions_epoch == before.sessions_epoch + 1
    assert log_size(tmp_path) == 3  # Opened, PasswordChanged, SignedOutEverywhere


def test_users_password_without_stdin_generates_one_and_shows_it_once(tmp_path: Path) -> None:
    email = "reset@example.org"
    tremplin(tmp_path, "users", "create", "--role", "trainer", "--email", email,
             "--password-stdin", stdin=PASSWORD)  # fmt: skip

    changed = tremplin(tmp_path, "users", "password", "--email", email)

    assert changed.exit_code == 0, changed.output
    first, second = changed.stdout.splitlines()
    assert first == f"Nouveau mot de passe pour le compte {account_id(email).hex}."
    assert second.startswith("Mot de passe (affiché une seule fois, notez-le maintenant) : ")
    generated = second.rpartition(" ")[2]
    after = app_at(tmp_path).account(email)
    assert after is not None
    assert password_matches(after.password_hash, generated)
    assert not password_matches(after.password_hash, PASSWORD)


def test_users_password_refuses_a_weak_password_or_an_unknown_email_in_one_line(
    tmp_path: Path,
) -> None:
    email = "reset@example.org"
    tremplin(tmp_path, "users", "create", "--role", "trainer", "--email", email,
             "--password-stdin", stdin=PASSWORD)  # fmt: skip
    head = log_size(tmp_path)

    weak = tremplin(tmp_path, "users", "password", "--email", email, "--password-stdin",
                    stdin="short\n")  # fmt: skip
    unknown = tremplin(tmp_path, "users", "password", "--email", "nobody@example.org",
                       "--password-stdin", stdin=f"{PASSWORD} too\n")  # fmt: skip

    assert (weak.exit_code, weak.output) == (
        1,
        "Error: password: must have at least 12 characters\n",
    )
    assert (unknown.exit_code, unknown.output) == (
        1,
        "Error: there is no account with this email\n",
    )
    assert log_size(tmp_path) == head == 1
    account = app_at(tmp_path).account(email)
    assert account is not None
    assert password_matches(account.password_hash, PASSWORD)
