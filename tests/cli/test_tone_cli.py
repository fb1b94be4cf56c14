"""`flowscope tone …` on a real store: import, score (Oct-2025 minutes), history, train, eval."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flowscope.analytics.text import encoders
from flowscope.cli import app

runner = CliRunner()


def _run(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *args])


def _flat(text: str) -> str:
    """Output with line wrapping undone (rich wraps at the terminal width)."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def text_db(tmp_path_factory, shared_data) -> Path:
    """A store with the 2019-2026 communications and the TDW minutes 1996-2024."""
    db = tmp_path_factory.mktemp("tone") / "tone.duckdb"
    t = shared_data / "fomc_text"
    for path in (
        t / "fed_communications_2020_2026_Ate329.csv",
        t / "fed_communications_2019_ASaragga.csv",
        t / "tdw_meeting_minutes_txt",
    ):
        res = _run(db, "tone", "import", str(path))
        assert res.exit_code == 0, res.output
    return db


@pytest.fixture(scope="module")
def model_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("tone_home")


def test_import_is_idempotent(text_db: Path, shared_data) -> None:
    res = _run(
        text_db,
        "tone",
        "import",
        str(shared_data / "fomc_text/fed_communications_2019_ASaragga.csv"),
    )
    assert res.exit_code == 0, res.output
    assert "0 new, 0 updated, 17 unchanged" in _flat(res.output)


def test_core_import_command_detects_the_text_formats(tmp_path, shared_data) -> None:
    db = tmp_path / "core.duckdb"
    t = shared_data / "fomc_text"
    res = _run(db, "import", "fomc_docs", str(t / "fed_communications_2019_ASaragga.csv"))
    assert res.exit_code == 0, res.output
    res = _run(
        db, "import", "fomc_docs", str(t / "fomc_statements_1994_2016/statements/19940204.txt")
    )
    assert res.exit_code == 0, res.output
    res = _run(db, "tone", "history", "--format", "json")
    rows = json.loads(res.output)
    assert {(r["kind"], r["source"]) for r in rows} == {
        ("minutes", "fed_communications"),
        ("statement", "fed_communications"),
        ("statement", "fomc_statements"),
    }
    assert len(rows) == 18


def test_score_october_2025_minutes(text_db: Path, shared_data) -> None:
    res = _run(text_db, "tone", "score", "--meeting", "2025-10-29", "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["kind"] == "minutes" and out["model"] == "lexicon"
    assert (out["n_sentences"], out["n_hawkish"], out["n_dovish"]) == (153, 41, 41)
    assert out["score"] == pytest.approx((41 - 41) / 153)
    # 230 TDW minutes 1996-2024/09 + 2019-2026 communications, overlap counted once
    assert out["n_history"] == 243
    assert out["percentile"] == pytest.approx(35.19, abs=0.01)
    assert out["change_vs_previous"] == pytest.approx((41 - 41) / 153 - (33 - 51) / 147)
    assert len(out["top_hawkish"]) == 5 and len(out["top_dovish"]) == 5
    # the same text from a file scores the same
    f = shared_data / "fomc_text/extracted_fomc_minutes_meeting-2025-10-29_released-2025-11-19.txt"
    res2 = _run(text_db, "tone", "score", str(f), "--format", "json")
    assert res2.exit_code == 0, res2.output
    out2 = json.loads(res2.output)
    assert out2["score"] == out["score"] and out2["percentile"] == out["percentile"]


def test_score_latest_table(text_db: Path) -> None:
    res = _run(text_db, "tone", "score", "--latest")
    assert res.exit_code == 0, res.output
    assert "minutes 2026-04-29" in _flat(res.output) and "Top 5 hawkish" in _flat(res.output)


def test_score_needs_exactly_one_target(text_db: Path) -> None:
    res = _run(text_db, "tone", "score")
    assert res.exit_code == 1 and "exactly one of FILE" in _flat(res.output)


def test_history_minutes(text_db: Path) -> None:
    res = _run(text_db, "tone", "history", "--kind", "minutes", "--format", "csv")
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[0].startswith("meeting_date,kind,release_date,source,score,change")
    assert len(lines) == 1 + 243
    assert lines[1].startswith("1996-01-31,minutes,1996-03-29,tdw,")


def test_learned_without_training_says_how(text_db: Path, monkeypatch, model_home) -> None:
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("FLOWSCOPE_DATA_DIR", str(model_home / "empty"))
    res = _run(text_db, "tone", "score", "--latest", "--model", "learned")
    assert res.exit_code == 4  # no trained model held
    assert "flowscope tone train" in _flat(res.output)


def test_learned_without_the_extra_says_how_to_install(
    text_db: Path, monkeypatch, tmp_path
) -> None:
    # a model file is there (the missing-model check comes first), the extra is not
    models = tmp_path / "data/models"
    models.mkdir(parents=True)
    (models / "tone-learned.npz").write_bytes(b"")
    (models / "tone-learned.json").write_text("{}")
    monkeypatch.setenv("FLOWSCOPE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(encoders, "_LOADED", {})
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    res = _run(text_db, "tone", "score", "--latest", "--model", "learned")
    assert res.exit_code == 1
    assert 'pip install "flowscope[nlp]"' in _flat(res.output)


def test_eval_lexicon_prints_paper_values(text_db: Path, shared_data) -> None:
    res = _run(
        text_db,
        "tone",
        "eval",
        "--data",
        str(shared_data / "fomc_labels"),
        "--model",
        "lexicon",
        "--datasets",
        "combine,pc",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    rows = {r["dataset"]: r for r in json.loads(res.output)}
    assert rows["combine"]["paper_f1"] == 0.7171 and rows["pc"]["paper_f1"] == 0.5517
    assert rows["combine"]["n_seeds"] == 3
    # The structured lexicon's weighted F1 per seed (5768, 78516, 944601), checked against
    # scikit-learn's f1_score in tests/analytics/text/test_tone_lexicon.py.
    assert rows["combine"]["f1_mean"] == pytest.approx((0.5961 + 0.6237 + 0.6143) / 3, abs=1e-3)


@pytest.mark.nlp
def test_train_then_score_and_eval_learned(
    text_db: Path, shared_data, monkeypatch, model_home
) -> None:
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("FLOWSCOPE_DATA_DIR", str(model_home))
    labels = str(shared_data / "fomc_labels")
    res = _run(text_db, "tone", "train", "--data", labels, "--dataset", "pc", "--seed", "5768")
    assert res.exit_code == 0, res.output
    meta = json.loads((model_home / "models/tone-learned.json").read_text())
    assert meta["data_licence"].startswith("CC BY-NC 4.0")
    assert meta["training_data"].startswith("TDW lab-manual-pc-train-5768")
    res = _run(
        text_db,
        "tone",
        "score",
        "--latest",
        "--kind",
        "statement",
        "--model",
        "learned",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["model"] == "learned" and -1 <= out["score"] <= 1 and out["n_history"] == 62
    res = _run(text_db, "tone", "eval", "--data", labels, "--datasets", "pc")
    assert res.exit_code == 0, res.output
    assert "0.5517" in _flat(res.output) and "± " in _flat(res.output)


def test_bad_inputs_are_one_line_errors(text_db: Path) -> None:
    res = _run(text_db, "tone", "score", "--meeting", "2025-13-45")
    assert res.exit_code == 2 and "--meeting: not a date: '2025-13-45'" in _flat(res.output)
    bad = Path(__file__).resolve().parents[1] / "fixtures/tone/communications_bad_date.csv"
    res = _run(text_db, "tone", "score", str(bad))
    assert res.exit_code == 1
    assert "communications_bad_date.csv, row 3, column 'Release Date'" in _flat(res.output)
    res = _run(text_db, "tone", "score", "--meeting", "2024-01-01")
    assert res.exit_code == 4 and "no minutes held for a meeting on 2024-01-01" in _flat(res.output)


def test_classify_real_sentences_from_stdin_and_file(tmp_path, shared_data) -> None:
    """Sentences of the October 2025 minutes, one per line, with a blank line between."""
    lines = [
        "Slower foreign growth was driven in part by weaker exports due to reduced U.S. demand "
        "and lower investment due to elevated uncertainty, likely reflecting the effects of the "
        "U.S. tariffs.",
        "",
        "Yields on corporate bonds and leveraged loans edged down.",
        "The meeting was held at the offices of the Board of Governors.",
    ]
    text = (
        shared_data / "fomc_text/extracted_fomc_minutes_meeting-2025-10-29_released-2025-11-19.txt"
    )
    flat = " ".join(text.read_text(encoding="utf-8").split())
    assert lines[0] in flat and lines[2] in flat
    res = runner.invoke(app, ["tone", "classify", "-", "--format", "json"], input="\n".join(lines))
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    got = [(r["line"], r["label"], r["rule"]) for r in doc["sentences"]]
    assert got == [(1, "dovish", "activity_down"), (3, "dovish", "rates_down"), (4, "neutral", "")]
    f = tmp_path / "s.txt"
    f.write_text("\n".join(lines), encoding="utf-8")
    res = runner.invoke(app, ["tone", "classify", str(f), "--format", "csv"])
    assert res.exit_code == 0 and res.stdout.splitlines()[0] == "line,label,score,rule,sentence"


def test_classify_errors_name_the_input(tmp_path, monkeypatch) -> None:
    res = runner.invoke(app, ["tone", "classify", str(tmp_path / "nope.txt")])
    assert res.exit_code == 1 and "nope.txt" in res.output
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    res = runner.invoke(app, ["tone", "classify", str(empty)])
    assert res.exit_code == 4 and "empty.txt" in res.output
    # a missing learned model is reported (without importing torch: checked in a fresh
    # process by tests/cli/test_tone_learned_cli.py, as torch cannot be imported twice)
    monkeypatch.setenv("FLOWSCOPE_DATA_DIR", str(tmp_path / "data"))
    res = runner.invoke(
        app, ["tone", "classify", "-", "--model", "learned"], input="Inflation rose.\n"
    )
    assert res.exit_code == 4 and "no trained tone model" in res.output
