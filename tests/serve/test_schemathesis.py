"""API fuzzing: schemathesis draws requests from the OpenAPI schema and calls the ASGI app.

No 5xx, and every answer conforms to the schema (status code, content type, body).
``FLOWSCOPE_FUZZ_EXAMPLES`` sets the examples per operation (default 3).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FLOWSCOPE_FUZZ_EXAMPLES", "3"))


@schemathesis.serializer("application/toml")
def _toml_body(ctx: object, value: object) -> bytes:  # POST /api/check takes TOML text
    return str(value).encode("utf-8")


CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_api_conforms_to_its_schema(init_db: Path) -> None:
    from flowscope.serve.app import create_app

    api = schemathesis.openapi.from_asgi("/openapi.json", create_app(init_db))
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) == 12

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS, timeout=300)

        run()
