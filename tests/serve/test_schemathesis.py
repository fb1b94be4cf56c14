"""API fuzzing: schemathesis draws requests from the OpenAPI schema and calls the ASGI app.

No 5xx, and every answer conforms to the schema (status code, content type, body).
``FLOWSCOPE_FUZZ_EXAMPLES`` sets the examples per operation (default 3).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FLOWSCOPE_FUZZ_EXAMPLES", "3"))


@pytest.fixture(scope="module")
def api_schema(init_db: Path) -> object:
    from flowscope.serve.app import create_app

    return schemathesis.openapi.from_asgi("/openapi.json", create_app(init_db))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(
        checks=[
            schemathesis.checks.not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
