"""The singleton detector: each rule as (source, expected findings) cases."""

from __future__ import annotations

import ast

import pytest

from migrator.singletons import find_singletons
from tests.migrator.detector_cases import SINGLETON_CASES, Expected, params, run


@pytest.mark.parametrize(("source", "expected"), params(SINGLETON_CASES))
def test_find_singletons(source: str, expected: Expected) -> None:
    assert run(find_singletons, source) == expected


def test_module_instance_detail_mentions_global() -> None:
    (finding,) = find_singletons(ast.parse(SINGLETON_CASES[0][1]))
    assert "`_engine`" in finding.detail
