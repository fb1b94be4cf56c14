"""`flowscope tone ...`: hawkish/dovish tone of FOMC statements and minutes.

Models: ``lexicon`` (dictionary rule, always available, licence-clean) and ``learned``
(sentence embeddings + a linear head, needs the ``nlp`` extra and a model trained with
``flowscope tone train``; the trained model lives in the user data dir, never in the
package, and records the licence of its training labels).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from flowscope._lazy import lazy_module
from flowscope.cli._common import (
    FormatOpt,
    console,
    err_console,
    frame_to_records,
    handle_errors,
    open_cli_store,
    output_format,
    parse_day,
    print_frame,
    print_json,
    state,
)
from flowscope.errors import (
    InsufficientDataError,
    UnknownFormatError,
    ValidationError,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from flowscope.analytics.text import SentenceModel
else:
    np = lazy_module("numpy")
    pd = lazy_module("pandas")

__all__ = ["EmbeddingCache", "app", "load_learned_model", "model_dir", "save_learned_model"]

app = typer.Typer(
    help="FOMC text tone: score statements and minutes, history, train and evaluate models.",
    no_args_is_help=True,
)

ModelOpt = Annotated[
    str,
    typer.Option("--model", "-m", help="lexicon (built in) or learned (nlp extra + tone train)."),
]
MODEL_FILE = "tone-learned.npz"
MODEL_META = "tone-learned.json"
TDW_LICENCE = "CC BY-NC 4.0 (Trillion Dollar Words labels, Shah, Paturi & Chava, ACL 2023)"


# --- model files and the embedding cache (I/O lives here, not in analytics) ----------------
def model_dir(data_dir: Path | None = None) -> Path:
    """Folder of trained tone models: ``<data_dir>/models``."""
    return (data_dir or state.settings().data_dir) / "models"


class EmbeddingCache(MutableMapping[str, "np.ndarray"]):
    """Sentence embeddings of one encoder kept in ``<data_dir>/cache/embeddings-<key>.npz``
    (keyed by encoder + sentence hash); call :meth:`save` to write new entries."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._d: dict[str, np.ndarray] = {}
        self._dirty = False
        if path.is_file():
            with np.load(path, allow_pickle=False) as z:
                keys, vecs = z["keys"], z["vectors"]
            self._d = {str(k): v for k, v in zip(keys, vecs, strict=True)}

    def __getitem__(self, key: str) -> np.ndarray:
        return self._d[key]

    def __setitem__(self, key: str, value: np.ndarray) -> None:
        self._d[key] = value
        self._dirty = True

    def __delitem__(self, key: str) -> None:
        del self._d[key]
        self._dirty = True

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def save(self) -> None:
        """Write the cache if it changed (atomic rename)."""
        if not self._dirty or not self._d:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        keys = np.array(list(self._d), dtype=str)
        np.savez(tmp, keys=keys, vectors=np.stack(list(self._d.values())).astype(np.float32))
        tmp.replace(self.path)
        self._dirty = False


class EncoderCaches(MutableMapping[str, "np.ndarray"]):
    """One :class:`EmbeddingCache` file per encoder, chosen by the key's ``<encoder>:``
    prefix; files are read on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[str, EmbeddingCache] = {}

    def _file(self, key: str) -> EmbeddingCache:
        enc = key.split(":", 1)[0]
        if enc not in self._files:
            self._files[enc] = EmbeddingCache(self.folder / f"embeddings-{enc}.npz")
        return self._files[enc]

    def __getitem__(self, key: str) -> np.ndarray:
        return self._file(key)[key]

    def __setitem__(self, key: str, value: np.ndarray) -> None:
        self._file(key)[key] = value

    def __delitem__(self, key: str) -> None:
        del self._file(key)[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._file(key)

    def __iter__(self) -> Iterator[str]:
        return (k for c in self._files.values() for k in c)

    def __len__(self) -> int:
        return sum(len(c) for c in self._files.values())

    def save(self) -> None:
        """Write every changed encoder file."""
        for c in self._files.values():
            c.save()


def _cache(data_dir: Path | None = None) -> EncoderCaches:
    return EncoderCaches((data_dir or state.settings().data_dir) / "cache")


def _settings(cache: MutableMapping[str, np.ndarray] | None, **kw: Any) -> Any:
    from flowscope.analytics.text.approaches import Settings

    return Settings(cache=cache, unpack_dir=state.settings().data_dir / "models", **kw)


def save_learned_model(model: Any, folder: Path, approach: str = "minilm") -> Path:
    """Write a fitted learned tone model (any ``--approach``) to ``folder``."""
    from flowscope.analytics.text.approaches import model_state

    arrays, meta = model_state(model, approach)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "tone-learned.tmp.npz"
    np.savez(tmp, **arrays)  # type: ignore[arg-type]
    tmp.replace(folder / MODEL_FILE)
    (folder / MODEL_META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return folder / MODEL_FILE


def _no_model(folder: Path) -> InsufficientDataError:
    return InsufficientDataError(
        f"no trained tone model in {folder}; train one with "
        "`flowscope tone train --data <folder with the Trillion Dollar Words splits>`"
    )


def load_learned_model(folder: Path, cache: MutableMapping[str, np.ndarray] | None = None) -> Any:
    """Load the trained learned model from ``folder`` (checked before any heavy import).

    Raises
    ------
    InsufficientDataError
        If no model has been trained yet (says how to train one).
    MissingDependencyError
        Without the extra the saved approach needs.
    """
    if not (folder / MODEL_FILE).is_file() or not (folder / MODEL_META).is_file():
        raise _no_model(folder)
    from flowscope.analytics.text.approaches import model_from_state
    from flowscope.analytics.text.learned import load_encoder

    load_encoder()  # fails early with the install hint when the nlp extra is missing
    meta = json.loads((folder / MODEL_META).read_text(encoding="utf-8"))
    with np.load(folder / MODEL_FILE, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    return model_from_state(arrays, meta, _settings(cache))


def _model(name: str, cache: EncoderCaches | None = None) -> SentenceModel:
    from flowscope.analytics.text import LexiconModel

    if name == "lexicon":
        return LexiconModel()
    if name == "learned":
        return load_learned_model(model_dir(), cache=cache)  # type: ignore[no-any-return]
    msg = f"--model must be 'lexicon' or 'learned', not {name!r}"
    raise ValidationError(msg, param_name="model", received=name)


def _history(docs: pd.DataFrame, m: SentenceModel, model: str) -> pd.DataFrame:
    """Tone history; the learned model's per-document counts are cached in the store."""
    from flowscope.report.sections.tone import history_for

    if docs.empty:
        return pd.DataFrame()
    if model != "learned":
        return history_for(docs, m)
    from flowscope.queries.docs import cached_history

    with open_cli_store() as store:
        return cached_history(store, docs, m)


def _approaches(value: str | None, default: tuple[str, ...]) -> list[str]:
    from flowscope.analytics.text.approaches import APPROACHES

    names = [a.strip() for a in value.split(",") if a.strip()] if value else list(default)
    bad = [a for a in names if a not in APPROACHES]
    if bad or not names:
        msg = f"--approach must be one or more of {', '.join(APPROACHES)}, not {value!r}"
        raise ValidationError(msg, param_name="approach", received=value)
    return names


# --- commands ------------------------------------------------------------------------------
@app.command("import")
@handle_errors
def import_texts(
    path: Annotated[Path, typer.Argument(help="A text file, a communications CSV or a folder.")],
) -> None:
    """Import FOMC texts into the store (folders of YYYYMMDD.txt statements or minutes too).

    Example: flowscope tone import ../shared/data/fomc_text/tdw_meeting_minutes_txt
    """
    from flowscope.cli._core import screen
    from flowscope.sources import read_file
    from flowscope.sources.formats.fomc_text import read_fomc_text_folder

    parsed = read_fomc_text_folder(path) if path.is_dir() else read_file(path, "fomc_docs")
    frame, notes = screen("fomc_docs", parsed.frame, policy="quarantine", origin=str(path))
    with open_cli_store() as store:
        res = store.upsert("fomc_docs", frame, source=parsed.source, origin=str(path))
    for issue in (*parsed.issues, *notes):
        err_console.print(f"[yellow]note:[/] {issue}", highlight=False)
    console.print(
        f"fomc_docs ({parsed.source}, {parsed.format}): {res.inserted} new, {res.updated} updated, "
        f"{res.unchanged} unchanged"
    )


def _date(value: str, name: str) -> pd.Timestamp:
    return cast("pd.Timestamp", parse_day(value, f"--{name}"))


def _text_of(file: Path) -> tuple[str, pd.Timestamp | None, str | None]:
    """Text, meeting date and kind of a file (known layouts parsed, plain text otherwise)."""
    from flowscope.sources import read_file
    from flowscope.sources.formats.fomc_text import repair_mojibake

    try:
        parsed = read_file(file, "fomc_docs")
    except UnknownFormatError:
        try:
            raw = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raw = file.read_text(encoding="cp1252", errors="replace")
        return repair_mojibake(raw), None, None
    if len(parsed.frame) != 1:
        msg = f"{file} holds {len(parsed.frame)} documents; import it and use --meeting/--latest"
        raise ValidationError(msg, param_name="file")
    row = parsed.frame.iloc[0]
    return str(row["text"]), pd.Timestamp(row["meeting_date"]), str(row["kind"])


@app.command("score")
@handle_errors
def score(
    file: Annotated[
        Path | None, typer.Argument(help="Text to score (txt or a known layout).")
    ] = None,
    latest: Annotated[
        bool, typer.Option("--latest", help="Score the newest held document.")
    ] = False,
    meeting: Annotated[
        str | None, typer.Option("--meeting", help="Score the held document of this meeting.")
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="minutes or statement (held docs).")
    ] = "minutes",
    model: ModelOpt = "lexicon",
    top: Annotated[int, typer.Option("--top", help="Sentences shown per side.")] = 5,
    fmt: FormatOpt = "table",
) -> None:
    """Score one FOMC text: (hawkish − dovish)/sentences, percentile vs the held history of
    the same kind, change vs the previous meeting, and the most hawkish/dovish sentences.

    CSV: one row per top sentence (side, sentence, sentence_score) with the document's
    figures repeated on each row.
    """
    from flowscope.analytics.text import percentile_of, score_document
    from flowscope.queries.docs import held_docs

    fmt = output_format(fmt)
    if sum([file is not None, latest, meeting is not None]) != 1:
        msg = "give exactly one of FILE, --latest or --meeting DATE"
        raise ValidationError(msg, param_name="file")
    day = _date(meeting, "meeting") if meeting is not None else None
    cache = _cache() if model == "learned" else None
    m = _model(model, cache)
    with open_cli_store(read_only=True) as store:
        docs = held_docs(store, kind=kind)
        if file is not None:
            text, meeting_date, file_kind = _text_of(file)
            if file_kind is not None and file_kind != kind:
                docs = held_docs(store, kind=file_kind)
                kind = file_kind
        else:
            if docs.empty:
                msg = (
                    f"no {kind} held; import texts first (flowscope init, or flowscope tone import)"
                )
                raise InsufficientDataError(msg)
            if latest:
                row = docs.sort_values("meeting_date").iloc[-1]
            else:
                hit = docs[docs["meeting_date"] == day]
                if hit.empty:
                    msg = f"no {kind} held for a meeting on {day:%Y-%m-%d}"
                    raise InsufficientDataError(msg)
                row = hit.iloc[0]
            text, meeting_date = str(row["text"]), pd.Timestamp(row["meeting_date"])
    tone = score_document(text, m)
    hist = _history(docs, m, model)
    if cache is not None:
        cache.save()
    pct = prev_change = None
    n_hist = 0
    first_year = None
    if not hist.empty:
        pool = hist if meeting_date is None else hist[hist["meeting_date"] != meeting_date]
        pool = pd.concat([pool["score"], pd.Series([tone.score])])
        pct = percentile_of(tone.score, pool)
        n_hist = len(pool)
        first_year = int(hist["meeting_date"].min().year)
        if meeting_date is not None:
            earlier = hist[hist["meeting_date"] < meeting_date]
            if not earlier.empty:
                prev_change = tone.score - float(earlier["score"].iloc[-1])
    hawk = tone.top(top, side="hawkish")
    dove = tone.top(top, side="dovish")
    out = {
        "meeting_date": None if meeting_date is None else f"{meeting_date:%Y-%m-%d}",
        "kind": kind,
        "model": m.name,
        "score": tone.score,
        "n_sentences": tone.n_sentences,
        "n_hawkish": tone.n_hawkish,
        "n_dovish": tone.n_dovish,
        "percentile": pct,
        "n_history": n_hist,
        "change_vs_previous": prev_change,
        "top_hawkish": hawk[["sentence", "score"]].to_dict("records"),
        "top_dovish": dove[["sentence", "score"]].to_dict("records"),
    }
    if fmt == "json":
        print_json(out)
        return
    if fmt == "csv":
        doc = {k: v for k, v in out.items() if not k.startswith("top_")}
        rows = pd.concat(
            [
                hawk[["sentence", "score"]].assign(side="hawkish"),
                dove[["sentence", "score"]].assign(side="dovish"),
            ],
            ignore_index=True,
        ).rename(columns={"score": "sentence_score"})
        rows = rows.assign(**doc)[[*doc, "side", "sentence", "sentence_score"]]
        print_frame(rows, "csv")
        return
    head = f"{kind} {out['meeting_date'] or file}" if file is None or meeting_date else str(file)
    console.print(f"[bold]{head}[/] — model {m.name}")
    console.print(
        f"tone {tone.score:+.3f} = ({tone.n_hawkish} hawkish − {tone.n_dovish} dovish) / "
        f"{tone.n_sentences} policy sentences"
    )
    if pct is not None:
        console.print(f"percentile {pct:.1f} among {n_hist} {kind} held since {first_year}")
    if prev_change is not None:
        console.print(f"change vs previous meeting {prev_change:+.3f}")
    print_frame(hawk[["sentence", "score"]], "table", title=f"Top {top} hawkish", floatfmt="+.3f")
    print_frame(dove[["sentence", "score"]], "table", title=f"Top {top} dovish", floatfmt="+.3f")


@app.command("classify")
@handle_errors
def classify(
    file: Annotated[
        str, typer.Argument(help="Text file with one sentence per line, or - for standard input.")
    ],
    model: ModelOpt = "lexicon",
    fmt: FormatOpt = "table",
) -> None:
    """Label each input line hawkish, dovish or neutral, with its score and the rule that fired.

    Blank lines are skipped; ``line`` is the 1-based line number in the input.
    """
    import sys

    fmt = output_format(fmt)
    # a missing learned model is reported before anything heavy is imported
    if model == "learned" and not (model_dir() / MODEL_FILE).is_file():
        msg = (
            f"no trained tone model in {model_dir()}; train one with "
            "`flowscope tone train --data <folder with the Trillion Dollar Words splits>`"
        )
        raise InsufficientDataError(msg)
    if file == "-":
        raw = sys.stdin.read()
    else:
        path = Path(file)
        if not path.is_file():
            msg = f"FILE {file}: no such file"
            raise ValidationError(msg, param_name="file", received=file)
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raw = path.read_text(encoding="cp1252", errors="replace")
    lines = pd.Series(raw.splitlines(), dtype=object).str.strip()
    keep = lines[lines != ""]
    if keep.empty:
        msg = f"{file}: no sentence to classify (one sentence per line)"
        raise InsufficientDataError(msg)
    m = _model(model, _cache() if model == "learned" else None)
    scored = m.sentence_scores(keep.tolist())
    if "rule" not in scored.columns:
        scored["rule"] = ""
    out = pd.DataFrame(
        {
            "line": keep.index.to_numpy() + 1,
            "label": scored["label_name"].to_numpy(),
            "score": scored["score"].to_numpy(dtype=float),
            "rule": scored["rule"].to_numpy(),
            "sentence": scored["sentence"].to_numpy(),
        }
    )
    if fmt == "json":
        print_json({"model": m.name, "sentences": out.to_dict("records")})
        return
    print_frame(out, fmt, title=f"Sentence tone, model {m.name}", floatfmt="+.3f")


@app.command("history")
@handle_errors
def history(
    kind: Annotated[
        str | None, typer.Option("--kind", help="minutes or statement (default all).")
    ] = None,
    model: ModelOpt = "lexicon",
    start: Annotated[str | None, typer.Option("--start", help="First meeting date.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Tone of every held document, with the change since the previous meeting.

    With ``--model learned`` each document's counts are cached in the store under its text
    hash and the model version, so a rerun scores only new or edited documents.
    """
    from flowscope.queries.docs import held_docs

    fmt = output_format(fmt)
    first_day = _date(start, "start") if start is not None else None
    cache = _cache() if model == "learned" else None
    m = _model(model, cache)
    with open_cli_store(read_only=True) as store:
        docs = held_docs(store, kind=kind)
    if docs.empty:
        msg = "no FOMC texts held; run flowscope init or flowscope tone import"
        raise InsufficientDataError(msg)
    hist = _history(docs, m, model)
    if cache is not None:
        cache.save()
    if first_day is not None:
        hist = hist[hist["meeting_date"] >= first_day]
    hist = hist.assign(release_date=hist["release_ts"].dt.strftime("%Y-%m-%d"))
    cols = [
        "meeting_date",
        "kind",
        "release_date",
        "source",
        "score",
        "change",
        "n_sentences",
        "n_hawkish",
        "n_dovish",
    ]
    print_frame(
        hist[cols].reset_index(drop=True), fmt, title=f"FOMC tone ({m.name})", floatfmt="+.3f"
    )


ApproachHelp = (
    "minilm, e5, mpnet, frozen-all (frozen encoders + TF-IDF + dictionary → logistic "
    "regression), finetune-minilm, setfit-minilm (MiniLM tuned end to end), ensemble "
    "(finetune-minilm + minilm), ensemble-large (finetune-minilm + frozen-all)"
)
BudgetOpt = Annotated[
    float,
    typer.Option("--time-budget", help="Wall-clock budget of each fine-tuning run, seconds."),
]
EpochsOpt = Annotated[int, typer.Option("--epochs", help="Fine-tuning epochs (finetune-minilm).")]


def _check_budget(time_budget: float, epochs: int) -> None:
    if time_budget <= 0:
        msg = f"--time-budget must be positive seconds, got {time_budget}"
        raise ValidationError(msg, param_name="time_budget", received=time_budget)
    if epochs < 1:
        msg = f"--epochs must be at least 1, got {epochs}"
        raise ValidationError(msg, param_name="epochs", received=epochs)


@app.command("train")
@handle_errors
def train(
    data: Annotated[
        Path, typer.Option("--data", help="Folder (or CSV) of the TDW train/test splits.")
    ],
    dataset: Annotated[str, typer.Option("--dataset", help="TDW dataset to train on.")] = "combine",
    seed: Annotated[
        int, typer.Option("--seed", help="TDW split seed (5768, 78516, 944601).")
    ] = 5768,
    approach: Annotated[
        str, typer.Option("--approach", "-a", help="One of " + ApproachHelp + ".")
    ] = "minilm",
    time_budget: BudgetOpt = 600.0,
    epochs: EpochsOpt = 4,
) -> None:
    """Train the learned model on a TDW training split and save it in the user data dir.

    The labels are CC BY-NC 4.0: the saved model records that licence and is never part of
    the flowscope package.
    """
    import time

    from flowscope.analytics.text.approaches import make_model
    from flowscope.sources.formats.fomc_text import read_tdw_splits

    names = _approaches(approach, ("minilm",))
    if len(names) != 1:
        msg = f"--approach: train takes one approach, got {approach!r}"
        raise ValidationError(msg, param_name="approach", received=approach)
    name = names[0]
    _check_budget(time_budget, epochs)
    splits = read_tdw_splits(data)
    sub = splits[(splits["dataset"] == dataset) & (splits["seed"] == seed)]
    train_part, test_part = sub[sub["partition"] == "train"], sub[sub["partition"] == "test"]
    if train_part.empty:
        msg = f"no training split for dataset {dataset!r} and seed {seed} in {data}"
        raise InsufficientDataError(msg)
    from flowscope.analytics.text.learned import load_encoder

    load_encoder()  # the install hint comes before any work
    cache = _cache()
    clf = make_model(name, seed, _settings(cache, time_budget_s=time_budget, epochs=epochs))
    t0 = time.monotonic()
    with console.status(f"training {name} on {len(train_part)} sentences"):
        clf.fit(
            train_part["sentence"].tolist(),
            train_part["label"].to_numpy(),
            data_licence=TDW_LICENCE,
            training_data=f"TDW lab-manual-{dataset}-train-{seed} ({len(train_part)} sentences)",
        )
    took = time.monotonic() - t0
    path = save_learned_model(clf, model_dir(), name)
    cache.save()
    console.print(
        f"saved {path} (approach {name}, trained on {len(train_part)} sentences in {took:.0f} s; "
        f"data licence {TDW_LICENCE})"
    )
    if not test_part.empty:
        from flowscope.analytics.text import weighted_f1

        f1 = weighted_f1(test_part["label"].to_numpy(), clf.predict(test_part["sentence"].tolist()))
        console.print(f"weighted F1 on lab-manual-{dataset}-test-{seed}: {f1:.4f}")


@app.command("eval")
@handle_errors
def evaluate(
    data: Annotated[
        Path, typer.Option("--data", help="Folder (or CSV) of the TDW train/test splits.")
    ],
    model: ModelOpt = "learned",
    approach: Annotated[
        str | None,
        typer.Option(
            "--approach",
            "-a",
            help="Comma list of learned approaches (default minilm). " + ApproachHelp,
        ),
    ] = None,
    datasets: Annotated[
        str | None,
        typer.Option(
            "--datasets",
            help="Comma-separated TDW datasets (default all 8), plus combine-by-source "
            "(Combined test F1 per source) and lookahead (1996-2019 train, 2020-2022 test).",
        ),
    ] = None,
    time_budget: BudgetOpt = 600.0,
    epochs: EpochsOpt = 4,
    fmt: FormatOpt = "table",
) -> None:
    """Weighted F1 per approach and TDW dataset (mean ± sd over the 3 seeds, training time)
    beside the paper's RoBERTa-large. Frozen-encoder sentence vectors are cached per encoder
    in the user data dir, so repeated runs only fit the heads."""
    from flowscope.analytics.text import LexiconModel, evaluate_tdw, summarize_tdw
    from flowscope.analytics.text.approaches import CHEAP_APPROACHES, make_model
    from flowscope.sources.formats.fomc_text import read_tdw_lookahead, read_tdw_splits

    fmt = output_format(fmt)
    _check_budget(time_budget, epochs)
    splits = read_tdw_splits(data)
    wanted = [d.strip() for d in datasets.split(",")] if datasets else None
    if wanted is not None and "lookahead" in wanted:
        splits = pd.concat([splits, read_tdw_lookahead(data)], ignore_index=True)
    if model == "lexicon":
        names = ["lexicon"]
    elif model == "learned":
        names = _approaches(approach, CHEAP_APPROACHES)
        from flowscope.analytics.text.learned import load_encoder

        load_encoder()
    else:
        msg = f"--model must be 'lexicon' or 'learned', not {model!r}"
        raise ValidationError(msg, param_name="model", received=model)
    cache = _cache()
    st = _settings(cache, time_budget_s=time_budget, epochs=epochs)
    parts = []
    for name in names:
        if name == "lexicon":
            res = evaluate_tdw(splits, lambda seed: LexiconModel(), datasets=wanted)
        else:
            with console.status(f"evaluating {name}"):
                res = evaluate_tdw(splits, partial(make_model, name, settings=st), datasets=wanted)
            cache.save()
        parts.append(summarize_tdw(res).assign(approach=name))
    summary = pd.concat(parts, ignore_index=True)
    cols = ["approach", "dataset", "n_seeds", "seeds", "f1_mean", "f1_sd", "paper_f1", "gap"]
    summary = summary[[*cols, "train_s"]]
    if fmt != "table":
        print_frame(summary, fmt, floatfmt=".4f")
        return
    for name, g in summary.groupby("approach", sort=False):
        show = g.assign(
            ours=[f"{m:.4f} ± {s:.4f}" for m, s in zip(g["f1_mean"], g["f1_sd"], strict=True)],
            train_s=g["train_s"].round(1),
        )[["dataset", "n_seeds", "ours", "paper_f1", "gap", "train_s"]]
        print_frame(
            show.reset_index(drop=True),
            "table",
            title=f"TDW test weighted F1, {name} vs RoBERTa-large (train_s: mean per seed)",
            floatfmt=".4f",
        )
        comb = show[show["dataset"] == "combine"]
        if not comb.empty:
            console.print(f"combined: {name} {comb['ours'].iloc[0]} vs paper 0.7171 (target 0.72)")


@app.command("calibrate")
@handle_errors
def calibrate(
    model: ModelOpt = "lexicon",
    start: Annotated[
        str | None, typer.Option("--start", help="First release day calibrated.")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last release day calibrated.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
    boot: Annotated[int, typer.Option("--boot", help="Bootstrap resamples.")] = 2000,
    fmt: FormatOpt = "table",
) -> None:
    """Tone change of each statement and minutes vs the move in next-meeting cut odds that day.

    Cut odds are FedWatch odds from the ZQ settlements held: the trade date before the
    release vs the release day (2 p.m. ET releases come before the settlement). Reports the
    share of releases where a hawkish change met falling cut odds (Wilson interval) and the
    Spearman rank correlation (seeded bootstrap interval), per kind and pooled; "no
    evidence" when the interval spans the no-effect value.
    """
    from flowscope.analytics import fedwatch as fw
    from flowscope.analytics.text.calibrate import (
        calibrate_tone,
        release_pairs,
        release_watch_dates,
    )
    from flowscope.cli.rates import _notes
    from flowscope.queries.tone_calibration import load_calibration_inputs
    from flowscope.report.sections import rates as rs

    fmt = output_format(fmt)
    first_day = parse_day(start, "--start")
    last_day = parse_day(end, "--end")
    if boot < 100:
        msg = f"--boot must be at least 100, got {boot}"
        raise ValidationError(msg, param_name="boot", received=boot)
    cache = _cache() if model == "learned" else None
    m = _model(model, cache)
    with open_cli_store(read_only=True) as store, _notes():
        inputs = load_calibration_inputs(store)
    fut = inputs.fedwatch.futures
    if fut.empty:
        msg = f"no fed funds futures held; {rs.IMPORT_HINT}"
        raise InsufficientDataError(msg)
    if inputs.docs.empty:
        msg = "no FOMC statements or minutes held; run flowscope init or flowscope tone import"
        raise InsufficientDataError(msg)
    rel = inputs.releases
    if first_day is not None:
        rel = rel[rel["date"] >= first_day]
    if last_day is not None:
        rel = rel[rel["date"] <= last_day]
    held = inputs.docs[["kind", "meeting_date"]].rename(columns={"meeting_date": "meeting"})
    rel = rel.merge(held, on=["kind", "meeting"], how="inner")
    fut_first, fut_last = fut["date"].min(), fut["date"].max()
    after_futures = int((rel["date"] > fut_last).sum())
    dates, frame = release_watch_dates(rel["date"], fut["date"])
    if frame.empty:
        msg = (
            f"no statement or minutes release held falls inside the ZQ settlements held "
            f"({fut_first:%Y-%m-%d}..{fut_last:%Y-%m-%d}); {rs.IMPORT_HINT}"
        )
        raise InsufficientDataError(msg)
    with _notes():
        panel = fw.fedwatch_panel(
            fut,
            inputs.fedwatch.meetings,
            target_range=rs.target_ranges(inputs.fedwatch, pd.Series(dates)),
            watch_dates=dates,
            max_meetings=2,
            unscheduled=inputs.fedwatch.unscheduled,
        )
    moves = fw.event_moves(panel, rel, after_days=0)
    if not moves.empty:  # keep moves read on adjacent trade dates only
        moves = moves.merge(frame[["before_date", "on_date"]].drop_duplicates())
    hist = _history(inputs.docs, m, model)
    if cache is not None:
        cache.save()
    pairs = release_pairs(hist, moves)
    if pairs.empty:
        msg = "no release held has both a tone change and priced cut odds; import more ZQ files"
        raise InsufficientDataError(msg)
    summary = calibrate_tone(pairs, n_boot=boot, seed=seed)
    meta = {
        "model": m.name,
        "futures_sources": list(inputs.fedwatch.sources),
        "futures_first_date": fut_first,
        "futures_last_date": fut_last,
        "releases_after_futures": after_futures,
        "boot": boot,
        "seed": seed,
    }
    if fmt == "json":
        print_json(
            {**meta, "summary": frame_to_records(summary), "releases": frame_to_records(pairs)}
        )
        return
    if fmt == "csv":
        print_frame(summary, "csv")
        return
    show = summary.assign(
        agree=[
            f"{k}/{n} {s:.0%} [{lo:.0%}, {hi:.0%}]" if n else "-"
            for k, n, s, lo, hi in zip(
                summary["n_agree"],
                summary["n_signed"],
                summary["agree_share"],
                summary["agree_low"],
                summary["agree_high"],
                strict=True,
            )
        ],
        rho=[
            f"{r:+.2f} [{lo:+.2f}, {hi:+.2f}]" if np.isfinite(r) else "-"
            for r, lo, hi in zip(
                summary["spearman"], summary["spearman_low"], summary["spearman_high"], strict=True
            )
        ],
        span=[
            f"{a:%Y-%m-%d}..{b:%Y-%m-%d}"
            for a, b in zip(summary["first_release"], summary["last_release"], strict=True)
        ],
    )[["kind", "n_releases", "span", "agree", "agree_verdict", "rho", "spearman_verdict"]]
    print_frame(
        show.rename(columns={"agree": "hawkish ↔ cut odds down", "rho": "Spearman"}),
        "table",
        title=f"FOMC tone ({m.name}) vs next-meeting cut odds on release day",
    )
    console.print(
        f"ZQ settlements {fut_first:%Y-%m-%d}..{fut_last:%Y-%m-%d} "
        f"({', '.join(inputs.fedwatch.sources)}); 95 % intervals, {boot} resamples, seed {seed}"
    )
    if after_futures:
        err_console.print(
            f"[yellow]note:[/] {after_futures} release(s) after {fut_last:%Y-%m-%d} are not "
            "calibrated: the ZQ settlements held end there",
            highlight=False,
        )
