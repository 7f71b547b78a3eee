"""A planned copy of the sample monorepo, shared by the format tests (planning it once per worker)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from migrator.findings import Plan
from migrator.patches import FilePatch
from migrator.pipeline import compute_patches
from migrator.planner import PlanOptions, make_plan

SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "monorepo"


@dataclass(frozen=True)
class Planned:
    root: Path
    plan: Plan
    patches: tuple[FilePatch, ...]


@pytest.fixture(scope="session")
def planned_sample(tmp_path_factory: pytest.TempPathFactory) -> Planned:
    root = tmp_path_factory.mktemp("sample") / "monorepo"
    shutil.copytree(SAMPLE, root)
    plan = make_plan(root, options=PlanOptions(jobs=1, use_cache=False))
    patches = compute_patches(root, plan, jobs=1).patches
    return Planned(root, plan, patches)
