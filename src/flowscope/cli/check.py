"""``flowscope check CLAIMS.toml``: verdicts on a piece of research's quantitative claims."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flowscope.cli._common import (
    FormatOpt,
    console,
    frame_to_records,
    handle_errors,
    open_cli_store,
    output_format,
    print_frame,
    print_json,
)
from flowscope.errors import ValidationError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["check"]

_STYLE = {
    "confirmed": "green",
    "contradicted": "red",
    "misattributed": "magenta",
    "unverifiable": "yellow",
}


def _read(path: Path) -> str:
    if not path.exists():
        msg = f"{path}: no such claims file"
        raise FileNotFoundError(msg)
    if not path.is_file():
        msg = f"{path}: not a regular file"
        raise ValidationError(msg)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text (byte offset {exc.start})"
        raise ValidationError(msg) from None


def _table(res: pd.DataFrame, title: str) -> None:
    from rich.table import Table
    from rich.text import Text

    tab = Table(title=title, show_lines=True)
    for col in ("id", "verdict", "claimed", "measured", "detail", "source"):
        tab.add_column(col, overflow="fold")
    for r in res.itertuples():
        src = r.source or r.dataset
        if r.data_start:
            src = f"{r.dataset}: {r.source} {r.data_start}..{r.data_end}"
        tab.add_row(
            r.id,
            Text(r.verdict, style=f"bold {_STYLE[r.verdict]}"),
            r.claimed,
            r.measured,
            r.detail,
            src,
        )
    console.print(tab)
    counts = res["verdict"].value_counts()
    console.print(", ".join(f"{counts.get(v, 0)} {v}" for v in _STYLE), highlight=False)


@handle_errors
def check(
    claims_file: Annotated[
        Path, typer.Argument(help="Claims TOML ([[claim]] tables; see docs/claims.md).")
    ],
    fmt: FormatOpt = "table",
) -> None:
    """Check each claim against held data: measured value, verdict and source."""
    fmt = output_format(fmt)
    check_text(_read(claims_file), str(claims_file), claims_file.name, fmt)


def check_text(text: str, origin: str, name: str, fmt: str) -> None:
    """Check the claims TOML ``text`` (``origin`` names it in errors) and print the result."""
    from flowscope.analytics.claims import check_claims
    from flowscope.analytics.text import LexiconModel
    from flowscope.queries.claims import claim_data
    from flowscope.schemas.claims import parse_claims

    doc = parse_claims(text, origin)
    with open_cli_store(read_only=True) as store:
        data = claim_data(store, doc.claims, tone_model=LexiconModel())
    res = check_claims(doc.claims, data)
    title = f"Claims of {doc.title}" if doc.title else f"Claims in {name}"
    if fmt == "table":
        _table(res, title)
    elif fmt == "json":
        counts = res["verdict"].value_counts()
        print_json(
            {
                "document": {"title": doc.title, "source": doc.source},
                "counts": {v: int(counts.get(v, 0)) for v in _STYLE},
                "claims": frame_to_records(res),
            }
        )
    else:
        print_frame(res, fmt)
