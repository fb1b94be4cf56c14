"""Claims-file errors name the file, the claim and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowscope.errors import ValidationError
from flowscope.schemas.claims import parse_claims

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "claims" / "seed-article.toml"


def test_the_seed_article_example_parses() -> None:
    doc = parse_claims(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE.name)
    assert len(doc.claims) >= 14
    assert {c.metric for c in doc.claims} >= {"fund_flow", "aum", "probability", "doc_release"}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[[claim]]\nid = "a"\nmetric = "aum"\nfund = "IBIT"\n', "claim 'a' (#1): key 'end'"),
        (
            '[[claim]]\nid = "b"\nmetric = "price_high"\nstart = "2025-11-20"\n'
            'end = "2025-11-20"\nvalue_usd = -1\n',
            "claim 'b' (#1): key 'value_usd'",
        ),
        ('[[claim]]\nid = "c"\nmetric = "aum_total"\n', "key 'metric': unknown metric 'aum_total'"),
        (
            '[[claim]]\nid = "d"\nmetric = "none"\nreason = "x"\ncolour = 1\n',
            "claim 'd' (#1): key 'colour'",
        ),
        (
            '[[claim]]\nid = "e"\nmetric = "fund_flow"\nfund = "IBIT"\ndates = ["2025-11-13"]\n'
            "values_usd = [1, 2]\n",
            "values_usd has 2 values for 1 dates",
        ),
        ('[[claim]]\nid = "f"\nmetric = "none"\nreason = "x"\n' * 2, "duplicate id 'f'"),
        ("[[claim]\n", "not valid TOML"),
        ('[document]\ntitle = "t"\n', "no [[claim]] tables"),
    ],
)
def test_errors_name_claim_and_key(text: str, needle: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_claims(text, "note.toml")
    assert str(exc.value).startswith("note.toml: ")
    assert needle in str(exc.value)
