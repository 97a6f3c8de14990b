"""`govdesk scenario`: the listing, usage errors, and one whole scenario played from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from app.demo.scenarios import SCENARIOS


def test_list_names_every_scenario_with_its_service_and_departments(capsys: pytest.CaptureFixture) -> None:
    assert main(["scenario", "--list", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)["scenarios"]
    assert [s["name"] for s in listing] == list(SCENARIOS)
    sme = next(s for s in listing if s["name"] == "sme-loan")
    assert sme["departments"] == ["banking-insurance", "market-supervision", "taxation"]
    assert sme["certificates"] == ["biz", "tax"]
    medical = next(s for s in listing if s["name"] == "medical-assistance")
    assert medical["lead"] == "civil-affairs" and "banking-insurance" in medical["departments"]
    assert main(["scenario", "--list"]) == 0
    assert "购房提取住房公积金" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["scenario"], "name a scenario"),
        (["scenario", "no-such-thing"], "no scenario 'no-such-thing'"),
        (["scenario", "../../etc/passwd"], "no scenario"),
        (["scenario", "x" * 10_000], "no scenario"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_non_empty_directory_is_never_used(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    assert main(["scenario", "bank-account", "--dir", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["precious.txt"]


def test_a_scenario_runs_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    stage = tmp_path / "stage"
    assert main(["scenario", "utility-transfer", "--json", "--dir", str(stage)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True and doc["error"] is None
    [outcome] = doc["scenarios"]
    assert outcome["states"] == {"hall": "closed", "township": "closed"} and outcome["problems"] == []
    steps = [h["step"] for h in outcome["history"] if h["status"] == "applied"]
    assert steps[2:6] == ["planning.verify-property", "electric-power.transfer", "gas.transfer", "gehua-cable.transfer"]
    assert outcome["entries_written"] == 8 + 3 + 2 and outcome["entries_scanned"] > 11 * 4
    # The stage stays in --dir for inspection.
    assert sorted(p.name for p in (stage / "offices").iterdir()) == ["hall", "records", "township"]
    assert "王" not in json.dumps(doc, ensure_ascii=False) and "吴海燕" not in json.dumps(doc, ensure_ascii=False)
