"""The auditor's desk and the audit pack: the pages, the downloads and the command give
the same figures as the API, by pseudonym, with the chain head they were read at."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from access_givens import PASSWORD, Cast
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from served import serve
from web_session import signed_in

from infra.cli import main
from infra.sqlite_log import CHAIN_TABLE

PROGRAMME = "ort-france-2017"
AS_OF = "2018-06-30"
KNOWN_AT = "2030-01-01T00:00:00+00:00"  # after everything: a fixed moment, a fixed pack
V1, V2 = "outcomes-2026-12-1", "outcomes-2026-12-2"
ASKED = {"programme": PROGRAMME, "as_of": AS_OF, "known_at": KNOWN_AT}


@pytest.fixture(scope="module")
def auditor(data_dir: Path, cast: Cast) -> Iterator[TestClient[Litestar]]:
    for client in serve(data_dir):
        yield signed_in(client, cast.emails["auditor"], PASSWORD)


@pytest.fixture(scope="module")
def auditor_key(data_dir: Path, cast: Cast) -> Iterator[TestClient[Litestar]]:
    for client in serve(data_dir):
        client.headers["authorization"] = f"Bearer {cast.auditor_key}"
        yield client


def api_figures(client: TestClient[Litestar], **params: str) -> dict[str, object]:
    answer = client.get(
        f"/api/programmes/{PROGRAMME}/outcomes",
        params={"as_of": AS_OF, "known_at": KNOWN_AT, **params},
    )
    assert answer.status_code == 200, answer.text
    figures: dict[str, object] = answer.json()
    return figures


def chain_link(data_dir: Path, position: int) -> str:
    with sqlite3.connect(data_dir / "tremplin.sqlite") as log:
        (link,) = log.execute(
            f"SELECT link FROM {CHAIN_TABLE} WHERE position = ?", (position,)
        ).fetchone()
    return bytes(link).hex()


def test_the_desk_shows_the_figures_of_the_day_under_the_version_asked(
    auditor: TestClient[Litestar],
) -> None:
    page = auditor.get("/audit", params={**ASKED, "definitions": V1})
    assert page.status_code == 200
    figures = api_figures(auditor, definitions=V1)["figures"]
    assert isinstance(figures, dict)
    trained = figures["completed"]["value"]
    assert f"<td>{trained}</td>" in page.text
    assert f"<code>{V1}</code>" in page.text
    assert "Première version : six chiffres" in page.text  # what the version changed, in French
    assert "Identifiants pseudonymisés." in page.text
    assert "/api/audit/pack?programme=ort-france-2017&amp;as_of=2018-06-30" in page.text


def test_the_desk_shows_what_a_change_of_version_moves(auditor: TestClient[Litestar]) -> None:
    page = auditor.get(
        "/audit", params={**ASKED, "definitions": V1, "compare_definitions": V2, "lang": "en"}
    )
    assert page.status_code == 200
    assert "What changes" in page.text
    assert "<code>figures.in_work_or_training_6m.denominator</code>" in page.text
    assert "<code>figures.completed.value</code>" not in page.text
    rate = r"<code>figures\.in_work_or_training_6m\.rate</code></th><td>\d+\.\d %</td>"
    assert re.search(rate, page.text)  # a share as the figures table shows it, not 0.9108


def test_the_desk_shows_what_changed_between_two_days(auditor: TestClient[Litestar]) -> None:
    early = api_figures(auditor, as_of="2017-10-31")["figures"]
    later = api_figures(auditor)["figures"]
    assert isinstance(early, dict)
    assert isinstance(later, dict)
    page = auditor.get("/audit", params={**ASKED, "compare_as_of": "2017-10-31"})
    left_then, left_now = early["left"]["value"], later["left"]["value"]
    assert left_then != left_now
    row = f"<code>figures.left.value</code></th><td>{left_now}</td><td>{left_then}</td>"
    assert row in page.text
    rows = re.findall(r'<th scope="row"><code>([a-z_]+)\.', page.text)
    sections = ["figures", "by_cohort", "breakdowns"]
    assert rows == sorted(rows, key=sections.index)  # the programme's own figures first
    assert rows[0] == "figures"


def test_evidence_drills_down_to_pseudonymous_people_and_their_events(
    auditor: TestClient[Litestar], data_dir: Path
) -> None:
    params = {**ASKED, "key": "completed"}
    page = auditor.get("/audit/evidence", params=params)
    assert page.status_code == 200
    api = auditor.get(
        f"/api/programmes/{PROGRAMME}/outcomes/completed/evidence",
        params={"as_of": AS_OF, "known_at": KNOWN_AT},
    ).json()
    download = auditor.get("/api/audit/evidence.csv", params=params)
    assert download.status_code == 200
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(download.text)))
    by_person: dict[str, list[int]] = {}
    for row in rows:
        by_person.setdefault(row["person"], []).append(int(row["position"]))
        assert row["link"] == chain_link(data_dir, int(row["position"]))
        assert row["event"] == "Left"  # a completing exit is what counts someone as trained
    assert by_person == {e["person_ref"]: e["positions"] for e in api}
    assert all(person.startswith("anon-") for person in by_person)
    assert "sim-" not in page.text
    assert all(person in page.text for person in by_person)
    position, link = download.headers["x-tremplin-chain-head"].split()
    assert chain_link(data_dir, int(position)) == link


def test_bad_input_is_named(auditor: TestClient[Litestar]) -> None:
    unknown = auditor.get("/audit", params={**ASKED, "definitions": "outcomes-1999"})
    assert unknown.status_code == 400
    assert "definitions" in unknown.text
    assert (
        auditor.get("/api/audit/evidence.csv", params={**ASKED, "key": "nope"}).status_code == 400
    )
    assert auditor.get("/audit", params={**ASKED, "programme": "nope"}).status_code == 404
    assert auditor.get("/api/audit/pack", params={"as_of": "2018-02-30"}).status_code == 400


@pytest.mark.parametrize(
    "typed", ["2030-01-01", "2030-01-01T00:00", "2030-01-01T00:00:00Z", "2030-01-01T01:00+01:00"]
)
def test_the_desk_reads_a_moment_as_the_command_line_does(
    auditor: TestClient[Litestar], typed: str
) -> None:
    page = auditor.get("/audit", params={**ASKED, "known_at": typed})
    assert page.status_code == 200, page.text
    assert 'value="2030-01-01T00:00:00"' in page.text  # the same instant, in UTC
    log = auditor.get("/audit/log", params={"recorded_from": "2026-12-01T00:00", "last": 5})
    assert log.status_code == 200  # the form's own placeholder


def test_a_page_names_the_field_it_could_not_read(auditor: TestClient[Litestar]) -> None:
    html_page = {"accept": "text/html"}
    for path, field in (("/audit", "known_at"), ("/audit/log", "recorded_to")):
        refused = auditor.get(path, params={field: "hier midi"}, headers=html_page)
        assert refused.status_code == 400
        assert f"vérifiez {field}." in refused.text
    litestars = auditor.get("/audit", params={"as_of": "2018-02-30"}, headers=html_page)
    assert litestars.status_code == 400
    assert "vérifiez as_of." in litestars.text


def test_the_pack_matches_the_api_and_checks_itself(
    auditor_key: TestClient[Litestar], data_dir: Path
) -> None:
    params = {**ASKED, "definitions": V1}
    answer = auditor_key.get("/api/audit/pack", params=params)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    pack = zipfile.ZipFile(io.BytesIO(answer.content))
    names = set(pack.namelist())
    assert {"README.txt", "SHA256SUMS", "chain.json", f"{PROGRAMME}/report.html"} <= names
    assert json.loads(pack.read(f"{PROGRAMME}/figures.json")) == api_figures(
        auditor_key, definitions=V1
    )
    for line in pack.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(pack.read(name)).hexdigest() == digest
    chain = json.loads(pack.read("chain.json"))
    assert chain["intact"] is True
    assert chain["link"] == chain_link(data_dir, chain["position"])
    definitions = json.loads(pack.read(f"{PROGRAMME}/definitions.json"))
    assert definitions["version"] == V1
    evidence = auditor_key.get(
        f"/api/programmes/{PROGRAMME}/outcomes/in_work_or_training_6m/evidence",
        params={"as_of": AS_OF, "known_at": KNOWN_AT, "definitions": V1},
    ).json()
    listed = pack.read(f"{PROGRAMME}/evidence/in_work_or_training_6m.csv").decode()
    rows = csv.DictReader(io.StringIO(listed))
    packed: dict[str, list[int]] = {}
    for row in rows:
        packed.setdefault(row["person"], []).append(int(row["position"]))
    assert packed == {e["person_ref"]: e["positions"] for e in evidence}
    report = pack.read(f"{PROGRAMME}/report.html").decode()
    assert report.count("<svg") == 2
    assert '<title id="people-title">' in report
    assert AS_OF in report


def test_the_command_writes_the_same_pack_and_the_replay_recounts_it(
    auditor_key: TestClient[Litestar], data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pack.zip"
    env = {"TREMPLIN_DATA_DIR": str(data_dir)}
    exported = CliRunner().invoke(
        main,
        ["audit", "export", "--as-of", AS_OF, "--known-at", "2030-01-01T00:00:00Z",
         "--programme", PROGRAMME, str(out)],
        env=env,
    )  # fmt: skip
    assert exported.exit_code == 0, exported.output
    served = auditor_key.get("/api/audit/pack", params=ASKED).content
    assert out.read_bytes() == served  # the same bytes, from the command and from the API
    recount = CliRunner().invoke(main, ["audit", "replay", "--pack", str(out)], env=env)
    assert recount.exit_code == 0, recount.output
    assert recount.output.rstrip().endswith("identical")
    # A pack whose figures were edited afterwards no longer recounts.
    edited = tmp_path / "edited.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(edited, "w") as target:
        for name in source.namelist():
            body = source.read(name)
            if name.endswith("figures.json"):
                figures = json.loads(body)
                figures["figures"]["completed"]["value"] += 1
                body = json.dumps(figures).encode()
            target.writestr(name, body)
    recount = CliRunner().invoke(main, ["audit", "replay", "--pack", str(edited)], env=env)
    assert recount.exit_code == 1
    assert "figures.completed.value : dossier" in recount.output


def test_the_chain_page_names_the_first_edited_position(own_data_dir: Path, cast: Cast) -> None:
    for client in serve(own_data_dir):
        auditor = signed_in(client, cast.emails["auditor"], PASSWORD)
        intact = auditor.get("/audit/chain")
        assert "Chaîne intacte" in intact.text
        with sqlite3.connect(own_data_dir / "tremplin.sqlite") as log:
            log.execute("UPDATE stored_events SET state = state || x'20' WHERE rowid = 42")
        broken = auditor.get("/audit/chain", params={"lang": "en"})
        assert "Chain broken at position 42 (link differs); intact up to position 41." in (
            broken.text
        )


def test_an_administrator_sees_the_desk_with_real_references(data_dir: Path, cast: Cast) -> None:
    for client in serve(data_dir):
        admin = signed_in(client, cast.emails["admin"], PASSWORD)
        for params in (ASKED, {**ASKED, "compare_definitions": V1}):
            page = admin.get("/audit", params=params)
            assert page.status_code == 200
            assert "Identifiants réels et données personnelles affichés." in page.text
        too_late = {**ASKED, "known_at": "9999-12-31T23:59:59-05:00"}
        assert admin.get("/audit", params=too_late).status_code == 400


def test_a_pack_is_checked_against_the_log_and_refused_from_an_altered_one(
    own_data_dir: Path, tmp_path: Path
) -> None:
    env = {"TREMPLIN_DATA_DIR": str(own_data_dir)}
    out = tmp_path / "pack.zip"
    args = ["audit", "export", "--as-of", AS_OF, "--programme", PROGRAMME, str(out)]
    assert CliRunner().invoke(main, args, env=env).exit_code == 0
    holds = CliRunner().invoke(main, ["audit", "verify", "--pack", str(out)], env=env)
    assert holds.exit_code == 0, holds.output
    assert "Le dossier tient" in holds.output
    position = json.loads(zipfile.ZipFile(out).read("chain.json"))["position"]
    with sqlite3.connect(own_data_dir / "tremplin.sqlite") as log:
        edit = "UPDATE stored_events SET state = state || x'20' WHERE rowid = ?"
        log.execute(edit, (position // 2,))
    for command in (
        ["audit", "verify", "--pack", str(out)],
        ["audit", "replay", "--pack", str(out)],
    ):
        refused = CliRunner().invoke(main, command, env=env)
        assert refused.exit_code == 1
        assert f"Chaîne rompue à la position {position // 2}" in refused.output
    again = CliRunner().invoke(main, [*args[:-1], str(tmp_path / "again.zip")], env=env)
    assert again.exit_code == 1
    assert "the log's hash chain is broken" in again.output
    assert not (tmp_path / "again.zip").exists()


def test_real_references_leave_the_command_line_only_with_a_reason_recorded_in_the_log(
    own_data_dir: Path, tmp_path: Path, cast: Cast
) -> None:
    env = {"TREMPLIN_DATA_DIR": str(own_data_dir)}
    out = tmp_path / "named.zip"
    base = ["audit", "export", "--as-of", AS_OF, "--programme", PROGRAMME, "--with-references"]

    def reasons() -> list[dict[str, str]]:
        listed = CliRunner().invoke(
            main, ["events", "--type", "DisclosureReasonRecorded", "--json"], env=env
        )
        return [json.loads(line) for line in listed.stdout.splitlines()]

    before = reasons()
    unsaid = CliRunner().invoke(
        main, [*base, "--auditor", cast.emails["auditor"], str(out)], env=env
    )
    assert unsaid.exit_code == 2
    assert "--reason" in unsaid.output
    not_an_auditor = CliRunner().invoke(
        main,
        [*base, "--auditor", cast.emails["trainer"], "--reason", "Contrôle FSE, lot 3", str(out)],
        env=env,
    )
    assert not_an_auditor.exit_code == 1
    assert "auditor" in not_an_auditor.output
    reason = ["--auditor", cast.emails["auditor"], "--reason", "Contrôle FSE, lot 3"]
    for refused, code in (
        (["audit", "export", "--as-of", AS_OF, "--programme", "nope", "--with-references",
          *reason, str(out)], 1),  # no such programme
        ([*base, *reason, str(tmp_path / "missing" / "pack.zip")], 2),  # nowhere to write
        (["audit", "export", "--as-of", AS_OF, *reason, str(out)], 2),  # a reason for nothing
    ):  # fmt: skip
        answer = CliRunner().invoke(main, refused, env=env)
        assert answer.exit_code == code, answer.output
    assert not out.exists()
    assert reasons() == before  # nothing recorded from a refused request
    named = CliRunner().invoke(main, [*base, *reason, str(out)], env=env)
    assert named.exit_code == 0, named.output
    (recorded,) = reasons()[len(before) :]
    assert recorded["reason"] == "Contrôle FSE, lot 3"
    with zipfile.ZipFile(out) as pack:
        enrolled = pack.read(f"{PROGRAMME}/evidence/enrolled.csv").decode()
    assert "sim-2017-" in enrolled
    assert "anon-" not in enrolled
    # The reason covers this pack: it opens no hour of real ids on the web.
    for client in serve(own_data_dir):
        signed_in(client, cast.emails["auditor"], PASSWORD)
        assert client.get("/api/audit/log", params={"limit": 1}).json()["pseudonymised"] is True
    assert (
        CliRunner()
        .invoke(
            main,
            ["users", "disable", "--email", cast.emails["auditor"], "--reason", "left the firm"],
            env=env,
        )
        .exit_code
        == 0
    )
    disabled = CliRunner().invoke(main, [*base, *reason, str(out)], env=env)
    assert disabled.exit_code == 1
    assert "disabled" in disabled.output
    assert len(reasons()) == len(before) + 1


def test_the_audit_api_documents_its_refusals_as_it_sends_them(
    auditor_key: TestClient[Litestar],
) -> None:
    paths = auditor_key.get("/schema/openapi.json").json()["paths"]
    documented = {
        path: set(paths[path]["get"]["responses"])
        for path in ("/api/audit/log", "/api/audit/evidence.csv", "/api/audit/pack")
    }
    assert documented == {
        "/api/audit/log": {"200", "400", "401", "403"},
        "/api/audit/evidence.csv": {"200", "400", "401", "403", "404"},
        "/api/audit/pack": {"200", "400", "401", "403", "404", "409"},
    }
    unknown = auditor_key.get("/api/audit/pack", params={"as_of": AS_OF, "programme": "nope"})
    assert unknown.status_code == 404
    (example,) = paths["/api/audit/pack"]["get"]["responses"]["404"]["content"][
        "application/problem+json"
    ]["examples"].values()
    assert set(unknown.json()) == set(example["value"])
    stranger = auditor_key.get("/api/audit/log", headers={"authorization": "Bearer nope"})
    assert stranger.status_code == 401
    (example,) = paths["/api/audit/log"]["get"]["responses"]["401"]["content"][
        "application/problem+json"
    ]["examples"].values()
    assert set(stranger.json()) == set(example["value"])
