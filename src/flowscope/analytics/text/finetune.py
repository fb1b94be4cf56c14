"""Fine-tuned sentence encoders for hawkish/dovish/neutral labels (PyTorch, CPU).

Two ways to adapt all-MiniLM-L6-v2 end to end:

* ``classify``: mean-pooled encoder output → dropout → linear layer over the three labels,
  trained with cross-entropy (AdamW, linear warm-up then decay);
* ``setfit``: SetFit-style contrastive tuning (Tunstall et al., 2022): pairs of training
  sentences with the same label are pulled together and pairs with different labels pushed
  apart (cosine-similarity loss), then a logistic-regression head is fitted on the tuned
  embeddings, TF-IDF and the dictionary label (:class:`ToneClassifier`).

Training is deterministic for a fixed seed (``torch.manual_seed``, seeded batch order) and
runs on ``torch.set_num_threads(threads)`` CPU threads. ``time_budget_s`` stops training
after the step that crosses the budget (the number of steps done is kept in the model).

No file I/O: :meth:`FineTunedTone.get_state` / :meth:`FineTunedTone.from_state` give and
take arrays plus JSON-able metadata.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from flowscope.analytics.text.encoders import INSTALL_NLP, import_torch, length_batches, minilm_path
from flowscope.analytics.text.learned import ProbaModel, ToneClassifier, check_labels
from flowscope.errors import MissingDependencyError, ValidationError

__all__ = ["FineTunedTone"]

BASES = {"minilm": "sentence-transformers/all-MiniLM-L6-v2"}


def _torch() -> Any:
    try:
        torch = import_torch()
        import transformers
    except ImportError as exc:
        msg = f"fine-tuning needs the nlp extra: {INSTALL_NLP} ({exc})"
        raise MissingDependencyError(msg) from exc
    return torch, transformers


def _base_path(base: str) -> str:
    if base != "minilm":
        msg = f"only the minilm encoder can be fine-tuned here, not {base!r}"
        raise ValidationError(msg, param_name="base", received=base)
    return str(minilm_path())


class FineTunedTone(ProbaModel):
    """All-MiniLM-L6-v2 fine-tuned on labelled sentences (``classify`` or ``setfit`` mode).

    Parameters
    ----------
    mode
        ``"classify"`` (classification head, cross-entropy) or ``"setfit"`` (contrastive
        tuning, then a logistic-regression head).
    seed
        Seed of weights init, dropout, batch order and pair sampling.
    epochs
        Passes over the training sentences (``classify``) or over the pairs (``setfit``).
    lr
        Peak AdamW learning rate.
    batch_size
        Sentences (``classify``) or pairs (``setfit``) per step.
    pairs_per_sentence
        ``setfit``: positive and as many negative pairs drawn per training sentence.
    time_budget_s
        Wall-clock budget of the training loop in seconds (``None``: no limit).
    threads
        CPU threads for torch.
    max_length
        Token limit per sentence.
    """

    name = "learned"

    def __init__(
        self,
        *,
        mode: str = "classify",
        base: str = "minilm",
        seed: int = 0,
        epochs: int = 4,
        lr: float = 8e-5,
        batch_size: int = 16,
        pairs_per_sentence: int = 4,
        time_budget_s: float | None = None,
        threads: int = 2,
        max_length: int = 128,
    ) -> None:
        if mode not in ("classify", "setfit"):
            msg = f"mode must be 'classify' or 'setfit', not {mode!r}"
            raise ValidationError(msg, param_name="mode", received=mode)
        self.mode = mode
        self.base = base
        self.seed = seed
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.pairs_per_sentence = pairs_per_sentence
        self.time_budget_s = time_budget_s
        self.threads = threads
        self.max_length = max_length
        self.steps_done = 0
        self.train_seconds = 0.0
        self.data_licence: str | None = None
        self.training_data: str | None = None
        self.n_train_ = 0
        self._tok: Any = None
        self._body: Any = None
        self._head: Any = None
        self.head_: ToneClassifier | None = None
        self._version: str | None = None

    def __repr__(self) -> str:
        return f"FineTunedTone(mode={self.mode!r}, base={self.base!r}, version={self.version})"

    # -- torch pieces ------------------------------------------------------------------------
    def _build(self) -> None:
        torch, transformers = _torch()
        torch.set_num_threads(self.threads)
        torch.manual_seed(self.seed)
        path = _base_path(self.base)
        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        self._tok = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
        self._body = transformers.AutoModel.from_pretrained(path, local_files_only=True)
        dim = int(self._body.config.hidden_size)
        self._head = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(dim, 3))

    def _pool(self, sentences: Sequence[str]) -> Any:
        batch = self._tok(
            list(sentences),
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        out = self._body(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(out.dtype)
        return (out * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    def _batches(self, sents: list[str]) -> list[np.ndarray]:
        """Inference batches by token count (see :func:`length_batches`): less padding."""
        n_tok = self._tok(sents, truncation=True, max_length=self.max_length, return_length=True)[
            "length"
        ]
        return length_batches(n_tok)

    def _embed(self, sentences: Sequence[str]) -> np.ndarray:
        """L2-normalised mean-pooled vectors of the (tuned) body, shape ``(n, dim)``."""
        torch, _ = _torch()
        torch.set_num_threads(self.threads)
        self._body.eval()
        sents = [str(s) for s in sentences]
        out = np.zeros((len(sents), int(self._body.config.hidden_size)))
        if not sents:
            return out
        with torch.inference_mode():
            for idx in self._batches(sents):
                v = self._pool([sents[j] for j in idx])
                out[idx] = torch.nn.functional.normalize(v, dim=1).numpy()
        return out

    def _optimiser(self, params: list[Any], n_steps: int) -> tuple[Any, Any]:
        torch, transformers = _torch()
        opt = torch.optim.AdamW(params, lr=self.lr, weight_decay=0.01)
        sched = transformers.get_linear_schedule_with_warmup(
            opt, max(1, n_steps // 10), max(1, n_steps)
        )
        return opt, sched

    def _over_budget(self, start: float) -> bool:
        return self.time_budget_s is not None and time.monotonic() - start > self.time_budget_s

    def _step(self, loss: Any, params: list[Any], opt: Any, sched: Any, start: float) -> bool:
        """One optimiser step on ``loss`` (gradients clipped at norm 1); True when over budget."""
        torch, _ = _torch()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        self.steps_done += 1
        return self._over_budget(start)

    def _fit_classify(self, sents: list[str], y: np.ndarray, start: float) -> None:
        torch, _ = _torch()
        rng = np.random.default_rng(self.seed)
        n_batches = -(-len(sents) // self.batch_size)
        params = list(self._body.parameters()) + list(self._head.parameters())
        opt, sched = self._optimiser(params, n_batches * self.epochs)
        counts = np.bincount(y, minlength=3).astype(float)
        weight = torch.tensor(len(y) / (3 * counts), dtype=torch.float32)
        loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
        yt = torch.tensor(y, dtype=torch.long)
        self._body.train()
        self._head.train()
        for _ in range(self.epochs):
            order = rng.permutation(len(sents))
            for b in range(n_batches):
                idx = order[b * self.batch_size : (b + 1) * self.batch_size]
                logits = self._head(self._pool([sents[i] for i in idx]))
                loss = loss_fn(logits, yt[idx])
                if self._step(loss, params, opt, sched, start):
                    return

    def _pairs(self, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        """Positive and negative pairs: ``pairs_per_sentence`` of each per sentence."""
        n = len(y)
        k = self.pairs_per_sentence
        anchors = np.repeat(np.arange(n), k)
        by_label = {c: np.flatnonzero(y == c) for c in range(3)}
        same = np.empty(n * k, dtype=int)
        other = np.empty(n * k, dtype=int)
        for c, members in by_label.items():
            rows = np.flatnonzero(y[anchors] == c)
            same[rows] = rng.choice(members, size=len(rows))
            others = np.flatnonzero(y != c)
            other[rows] = rng.choice(others, size=len(rows))
        left = np.concatenate([anchors, anchors])
        right = np.concatenate([same, other])
        target = np.concatenate([np.ones(n * k), np.zeros(n * k)])
        order = rng.permutation(len(left))
        return left[order], right[order], target[order]

    def _fit_setfit(self, sents: list[str], y: np.ndarray, start: float) -> None:
        torch, _ = _torch()
        rng = np.random.default_rng(self.seed)
        left, right, target = self._pairs(y, rng)
        n_batches = -(-len(left) // self.batch_size)
        params = list(self._body.parameters())
        opt, sched = self._optimiser(params, n_batches * self.epochs)
        tt = torch.tensor(target, dtype=torch.float32)
        self._body.train()
        for _ in range(self.epochs):
            for b in range(n_batches):
                sl = slice(b * self.batch_size, (b + 1) * self.batch_size)
                u = self._pool([sents[i] for i in left[sl]])
                v = self._pool([sents[i] for i in right[sl]])
                cos = torch.nn.functional.cosine_similarity(u, v)
                loss = torch.nn.functional.mse_loss(cos, tt[sl])
                if self._step(loss, params, opt, sched, start):
                    return

    # -- estimator API -------------------------------------------------------------------------
    def fit(
        self,
        sentences: Sequence[str] | pd.Series,
        labels: Sequence[int] | np.ndarray | pd.Series,
        *,
        data_licence: str,
        training_data: str,
    ) -> FineTunedTone:
        """Fine-tune on labelled sentences (codes 0 dovish, 1 hawkish, 2 neutral)."""
        sents = [str(s) for s in sentences]
        y = check_labels(sents, labels)
        self._build()
        start = time.monotonic()
        self.steps_done = 0
        if self.mode == "classify":
            self._fit_classify(sents, y, start)
        else:
            self._fit_setfit(sents, y, start)
            head = ToneClassifier(seed=self.seed, embedder=self._embed)
            self.head_ = head.fit(sents, y, data_licence=data_licence, training_data=training_data)
        self.train_seconds = time.monotonic() - start
        self.data_licence = data_licence
        self.training_data = training_data
        self.n_train_ = len(y)
        self._version = None
        return self

    def _check(self) -> None:
        if self._body is None:
            msg = "this FineTunedTone is not fitted: call fit() or load a trained model"
            raise ValidationError(msg)

    def predict_proba(self, sentences: Sequence[str] | pd.Series) -> np.ndarray:
        """Class probabilities, shape ``(n, 3)``, columns dovish, hawkish, neutral."""
        self._check()
        sents = [str(s) for s in sentences]
        if not sents:
            return np.zeros((0, 3))
        if self.mode == "setfit":
            assert self.head_ is not None
            return self.head_.predict_proba(sents)
        torch, _ = _torch()
        torch.set_num_threads(self.threads)
        self._body.eval()
        self._head.eval()
        out = np.zeros((len(sents), 3))
        with torch.inference_mode():
            for idx in self._batches(sents):
                logits = self._head(self._pool([sents[j] for j in idx]))
                out[idx] = torch.softmax(logits, dim=1).numpy()
        return out

    # -- persistence ---------------------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        """Arrays (``body.*``, ``head.*`` and, for setfit, the linear head's) and ``meta``."""
        self._check()
        arrays: dict[str, np.ndarray] = {
            f"body.{k}": v.detach().numpy() for k, v in self._body.state_dict().items()
        }
        meta: dict[str, Any] = {
            "format": 2,
            "kind": "finetuned",
            "mode": self.mode,
            "base": self.base,
            "encoder": BASES[self.base],
            "seed": self.seed,
            "epochs": self.epochs,
            "lr": self.lr,
            "batch_size": self.batch_size,
            "pairs_per_sentence": self.pairs_per_sentence,
            "time_budget_s": self.time_budget_s,
            "max_length": self.max_length,
            "steps_done": self.steps_done,
            "train_seconds": round(self.train_seconds, 1),
            "data_licence": self.data_licence,
            "training_data": self.training_data,
            "n_train": self.n_train_,
        }
        if self.mode == "classify":
            arrays.update(
                {f"head.{k}": v.detach().numpy() for k, v in self._head.state_dict().items()}
            )
        else:
            assert self.head_ is not None
            hs = self.head_.get_state()
            arrays.update({f"lr.{k}": hs[k] for k in ("coef", "intercept", "idf")})
            meta["lr_head"] = hs["meta"]
        return {"arrays": arrays, "meta": meta}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> FineTunedTone:
        """Rebuild a model saved with :meth:`get_state`."""
        torch, _ = _torch()
        meta, arrays = state["meta"], state["arrays"]
        m = cls(
            mode=meta["mode"],
            base=meta["base"],
            seed=int(meta["seed"]),
            epochs=int(meta["epochs"]),
            lr=float(meta["lr"]),
            batch_size=int(meta["batch_size"]),
            pairs_per_sentence=int(meta["pairs_per_sentence"]),
            time_budget_s=meta.get("time_budget_s"),
            max_length=int(meta["max_length"]),
        )
        m._build()
        body = {k[5:]: torch.from_numpy(np.array(v)) for k, v in arrays.items() if k[:5] == "body."}
        m._body.load_state_dict(body)
        if m.mode == "classify":
            head = {
                k[5:]: torch.from_numpy(np.array(v)) for k, v in arrays.items() if k[:5] == "head."
            }
            m._head.load_state_dict(head)
        else:
            lr = {k[3:]: arrays[k] for k in arrays if k[:3] == "lr."}
            m.head_ = ToneClassifier.from_state({**lr, "meta": meta["lr_head"]}, embedder=m._embed)
        m.steps_done = int(meta.get("steps_done", 0))
        m.train_seconds = float(meta.get("train_seconds", 0.0))
        m.data_licence = meta.get("data_licence")
        m.training_data = meta.get("training_data")
        m.n_train_ = int(meta.get("n_train", 0))
        return m

    @property
    def version(self) -> str:
        """Short hash of the fitted weights (changes whenever the model is retrained)."""
        if self._version is None:
            if self._body is None:
                return "unfitted"
            h = hashlib.sha256()
            for v in self._body.state_dict().values():
                h.update(v.detach().numpy().tobytes())
            h.update(repr(self.training_data).encode())
            h.update(str(self.steps_done).encode())
            self._version = h.hexdigest()[:16]
        return self._version
