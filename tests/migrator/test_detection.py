"""What every detector promises: sorted, frozen, picklable values with a readable detail."""

from __future__ import annotations

import ast
import pickle

import pytest

from migrator.shared_state import find_shared_state
from migrator.singletons import find_singletons
from tests.migrator.detector_cases import SHARED_STATE_CASES, SINGLETON_CASES

SOURCES = [source for _, source, _ in SINGLETON_CASES + SHARED_STATE_CASES]


@pytest.mark.parametrize("detector", [find_singletons, find_shared_state])
def test_detections_are_sorted_frozen_and_picklable(detector: object) -> None:
    assert callable(detector)
    findings = detector(ast.parse("\n".join(SOURCES)))
    assert findings
    assert isinstance(findings, tuple)
    assert list(findings) == sorted(findings, key=lambda f: (f.line, f.kind, f.name))
    assert pickle.loads(pickle.dumps(findings)) == findings
    with pytest.raises(AttributeError):
        findings[0].line = 0
    assert all(f.detail.endswith(".") and f.name in f.detail for f in findings)
