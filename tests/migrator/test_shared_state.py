"""The shared mutable state detector: each rule as (source, expected findings) cases."""

from __future__ import annotations

import ast

import pytest

from migrator.shared_state import find_shared_state
from tests.migrator.detector_cases import SHARED_STATE_CASES, Expected, params, run


@pytest.mark.parametrize(("source", "expected"), params(SHARED_STATE_CASES))
def test_find_shared_state(source: str, expected: Expected) -> None:
    assert run(find_shared_state, source) == expected


def test_module_mutable_detail_mentions_mutating_function() -> None:
    source = "REG = {}\n\ndef add(k):\n    REG[k] = 1\n"
    (finding,) = find_shared_state(ast.parse(source))
    assert "line 4" in finding.detail and "`add`" in finding.detail
