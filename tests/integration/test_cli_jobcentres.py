"""`tremplin jobcentres add|list` on a real SQLite log holding a simulated ORT history: the
simulator's centres are registered before anyone is referred, and listed with their
referrals; a code nobody registered is refused wherever it is named."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from infra.cli import ORT_PROGRAMME, main
from infra.simulation_catalogue import JOB_CENTRES

TRAINEES = "60"
SEED = "3"


def tremplin(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"TREMPLIN_DATA_DIR": str(data_dir)})


def succeeded(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def events(data_dir: Path, event_type: str) -> list[dict[str, Any]]:
    shown = succeeded(tremplin(data_dir, "events", "--type", event_type, "--json"))
    return [json.loads(line) for line in shown.splitlines()]


def listed(data_dir: Path) -> list[dict[str, Any]]:
    found = json.loads(succeeded(tremplin(data_dir, "jobcentres", "list", "--json")))
    assert isinstance(found, list)
    return found


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ORT programme and 60 simulated trainees (seed 3), through the command line."""
    data_dir = tmp_path_factory.mktemp("simulated")
    succeeded(tremplin(data_dir, "programme", "load", str(ORT_PROGRAMME)))
    succeeded(tremplin(data_dir, "simulate", "--trainees", TRAINEES, "--seed", SEED))
    return data_dir


@pytest.fixture
def own_log(simulated: Path, tmp_path: Path) -> Path:
    """A copy of the simulated data folder, for a test that records events."""
    shutil.copytree(simulated, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_the_list_shows_the_nine_simulated_centres_with_their_referrals(simulated: Path) -> None:
    centres = listed(simulated)

    assert [(c["code"], c["name"]) for c in centres] == sorted(JOB_CENTRES.items())
    assert set(centres[0]) == {"code", "name", "referred", "consenting"}
    assert sum(c["referred"] > 0 for c in centres) >= 5
    assert all(0 <= c["consenting"] <= c["referred"] for c in centres)
    assert sum(c["consenting"] for c in centres) > 0


def test_the_counts_are_the_referrals_and_consents_in_the_log(simulated: Path) -> None:
    registered = [e for e in events(simulated, "Registered") if "person_ref" in e]
    referred = Counter(e["referred_by"] for e in registered if e["referred_by"])
    referrer = {e["aggregate_id"]: e["referred_by"] for e in registered}
    consenting = Counter(
        referrer[e["aggregate_id"]]
        for e in events(simulated, "ConsentGiven")
        if e["scope"] == "share_with_jobcentre"
    )

    centres = listed(simulated)

    assert {c["code"]: c["referred"] for c in centres if c["referred"]} == dict(referred)
    assert {c["code"]: c["consenting"] for c in centres if c["consenting"]} == dict(consenting)
    assert sum(referred.values()) >= 0.85 * int(TRAINEES)  # about 95% come from a centre


def test_every_centre_is_registered_before_anyone_is_referred(simulated: Path) -> None:
    registered = events(simulated, "Registered")
    centres = [e["position"] for e in registered if "code" in e]
    referrals = [e["position"] for e in registered if e.get("referred_by")]

    assert len(centres) == len(JOB_CENTRES)
    assert max(centres) < min(referrals)


def test_simulating_another_seed_registers_no_centre_again(own_log: Path) -> None:
    succeeded(tremplin(own_log, "simulate", "--trainees", "5", "--seed", "4"))

    codes = [e["code"] for e in events(own_log, "Registered") if "code" in e]
    assert sorted(codes) == sorted(JOB_CENTRES)


def test_a_table_lists_each_centre_on_a_line(simulated: Path) -> None:
    header, *rows = succeeded(tremplin(simulated, "jobcentres", "list")).splitlines()

    assert header.split() == ["code", "nom", "orientés", "dont", "consentants"]
    assert len(rows) == len(JOB_CENTRES)
    assert rows[0].startswith("75-PARIS-13          Paris 13e ")


def test_adding_a_centre_then_again_then_under_another_name(own_log: Path) -> None:
    added = tremplin(own_log, "jobcentres", "add", "77-MEAUX", "Meaux")
    again = tremplin(own_log, "jobcentres", "add", "77-MEAUX", "Meaux")
    renamed = tremplin(own_log, "jobcentres", "add", "77-MEAUX", "France Travail Meaux")

    assert succeeded(added) == "Centre 77-MEAUX enregistré : Meaux.\n"
    assert succeeded(again) == "Centre 77-MEAUX déjà enregistré sous ce nom : rien de nouveau.\n"
    assert succeeded(renamed) == "Centre 77-MEAUX renommé : France Travail Meaux (avant : Meaux).\n"
    meaux = [c for c in listed(own_log) if c["code"] == "77-MEAUX"]
    assert meaux == [
        {"code": "77-MEAUX", "name": "France Travail Meaux", "referred": 0, "consenting": 0}
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("a b", "Meaux"), "Error: code: is a job centre code of 1 to 64 letters"),
        (("77-MEAUX", " "), "Error: name: must not be empty"),
    ],
)
def test_a_bad_code_or_name_is_refused_and_nothing_recorded(
    own_log: Path, args: tuple[str, str], message: str
) -> None:
    refused = tremplin(own_log, "jobcentres", "add", *args)

    assert refused.exit_code == 1
    assert message in refused.output
    assert len(listed(own_log)) == len(JOB_CENTRES)


def test_an_account_or_a_key_for_an_unregistered_centre_is_refused(own_log: Path) -> None:
    account = tremplin(
        own_log, "users", "create", "--role", "jobcentre", "--email", "c@example.org",
        "--jobcentre", "77-MEAUX",
    )  # fmt: skip
    key = tremplin(own_log, "apikeys", "create", "--jobcentre", "77-MEAUX")

    unknown = "jobcentre: no job centre is registered with the code 77-MEAUX"
    assert (account.exit_code, key.exit_code) == (1, 1)
    assert unknown in account.output
    assert unknown in key.output
    assert succeeded(tremplin(own_log, "users", "list", "--json")) == ""
