"""`flowscope tone train/eval/history --model learned`: approaches, caches, light failures."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flowscope.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def _run(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *args])


@pytest.mark.parametrize("command", ["score --latest", "history", "classify -"])
def test_missing_model_is_reported_before_torch_is_imported(tmp_path, command) -> None:
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from flowscope.cli import app\n"
        f"args = ['--db', {str(tmp_path / 'x.duckdb')!r}, 'tone', *{command.split()!r}, "
        "'--model', 'learned']\n"
        "r = CliRunner().invoke(app, args, input='Inflation rose.\\n')\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'sklearn') "
        "if m in sys.modules]\n"
        "print(r.exit_code, heavy, 'no trained tone model' in r.output)\n"
    )
    env = {"FLOWSCOPE_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.split() == ["4", "[]", "True"], out.stdout + out.stderr


def test_bad_approach_and_budget_are_usage_errors(tmp_path, shared_data) -> None:
    labels = str(shared_data / "fomc_labels")
    res = _run(tmp_path / "x.duckdb", "tone", "eval", "--data", labels, "--approach", "bert")
    assert res.exit_code == 1 and "--approach must be one or more of" in " ".join(
        res.output.split()
    )
    res = _run(tmp_path / "x.duckdb", "tone", "train", "--data", labels, "--time-budget", "0")
    assert res.exit_code == 1 and "--time-budget must be positive" in " ".join(res.output.split())


@pytest.fixture(scope="module")
def statements_db(tmp_path_factory, shared_data) -> Path:
    db = tmp_path_factory.mktemp("tone_l") / "tone.duckdb"
    src = shared_data / "fomc_text/fed_communications_2019_ASaragga.csv"
    res = _run(db, "tone", "import", str(src))
    assert res.exit_code == 0, res.output
    return db


@pytest.mark.nlp
def test_history_reuses_cached_document_scores(
    statements_db: Path, shared_data, monkeypatch, tmp_path
) -> None:
    pytest.importorskip("sentence_transformers")
    from flowscope.analytics.text.learned import ToneClassifier

    monkeypatch.setenv("FLOWSCOPE_DATA_DIR", str(tmp_path / "data"))
    labels = str(shared_data / "fomc_labels")
    res = _run(
        statements_db, "tone", "train", "--data", labels, "--dataset", "pc", "--approach", "minilm"
    )
    assert res.exit_code == 0, res.output
    meta = json.loads((tmp_path / "data/models/tone-learned.json").read_text())
    assert meta["approach"] == "minilm" and meta["data_licence"].startswith("CC BY-NC 4.0")
    assert (tmp_path / "data/cache/embeddings-minilm.npz").is_file()

    encoded: list[int] = []
    original = ToneClassifier._embed

    def counting(self, sentences):  # type: ignore[no-untyped-def]
        encoded.append(len(sentences))
        return original(self, sentences)

    monkeypatch.setattr(ToneClassifier, "_embed", counting)
    first = _run(statements_db, "tone", "history", "--model", "learned", "--format", "json")
    assert first.exit_code == 0, first.output
    assert sum(encoded) > 0
    encoded.clear()
    second = _run(statements_db, "tone", "history", "--model", "learned", "--format", "json")
    assert second.exit_code == 0, second.output
    assert encoded == []  # every document's counts came from the store's cache
    assert json.loads(second.output) == json.loads(first.output)


@pytest.mark.nlp
def test_eval_prints_one_table_per_approach(shared_data, tmp_path, monkeypatch) -> None:
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("FLOWSCOPE_DATA_DIR", str(tmp_path / "data"))
    labels = str(shared_data / "fomc_labels")
    args = ["tone", "eval", "--data", labels, "--approach", "minilm", "--datasets", "pc"]
    res = _run(tmp_path / "x.duckdb", *args, "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert [(r["approach"], r["dataset"], r["n_seeds"]) for r in rows] == [("minilm", "pc", 3)]
    assert rows[0]["seeds"] == "5768,78516,944601" and rows[0]["paper_f1"] == 0.5517
    assert rows[0]["train_s"] > 0 and 0.3 < rows[0]["f1_mean"] < 1
    t0 = time.monotonic()
    res = _run(tmp_path / "x.duckdb", *args)
    assert res.exit_code == 0, res.output
    assert "TDW test weighted F1, minilm" in " ".join(res.output.split())
    assert time.monotonic() - t0 < 60  # encodings come from the per-encoder cache
