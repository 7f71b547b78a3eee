"""How migrator's detectors do on the cases the realistic corpus planted (see benchmarks/README.md).

    python benchmarks/detector_cases.py CORPUS [--plan PLAN.json] [--show N]

Each planted case in ``CORPUS/corpus_manifest.json`` says where it is (path and line), which detector
it concerns, and whether a careful reviewer calls it a finding. This runs ``migrator plan`` on the
corpus (or reads ``--plan``), matches the report's findings to the cases by path and line, and prints
per case kind how many were reported, with the mistakes first. A case "reported" means a finding of
that detector at that line (for shims: any shim entry for that path).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SECTIONS = {"shared_state": "shared_state", "singletons": "singletons", "shims": "shims"}


def reported(plan: dict[str, Any]) -> dict[str, set[tuple[str, int]]]:
    """(path, line) of every finding per detector; shims by path only (line 0)."""
    found: dict[str, set[tuple[str, int]]] = {name: set() for name in SECTIONS}
    for detector in ("shared_state", "singletons"):
        for f in plan.get(detector, []):
            found[detector].add((f["path"], int(f["line"])))
    for shim in plan.get("shims", []):
        found["shims"].add((shim["path"], 0))
    return found


def score(cases: list[dict[str, Any]], plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every case with ``reported`` and ``correct`` added."""
    found = reported(plan)
    out = []
    for case in cases:
        line = 0 if case["detector"] == "shims" else int(case["line"])
        hit = (case["path"], line) in found[case["detector"]]
        out.append({**case, "reported": hit, "correct": hit == (case["expect"] == "finding")})
    return out


def summary(scored: list[dict[str, Any]]) -> list[tuple[str, str, int, int, int]]:
    """(case kind, expectation, cases, reported, correct) per kind and expectation."""
    total: Counter[tuple[str, str]] = Counter()
    hits: Counter[tuple[str, str]] = Counter()
    right: Counter[tuple[str, str]] = Counter()
    for c in scored:
        key = (c["case"], c["expect"])
        total[key] += 1
        hits[key] += c["reported"]
        right[key] += c["correct"]
    return [(k[0], k[1], total[k], hits[k], right[k]) for k in sorted(total)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("corpus", type=Path, help="a corpus made by make_corpus.py (realistic)")
    parser.add_argument("--plan", type=Path, help="a `migrator plan --format json` of the corpus")
    parser.add_argument("--show", type=int, default=10, help="mistakes to list (default 10)")
    args = parser.parse_args(argv)
    manifest = json.loads((args.corpus / "corpus_manifest.json").read_text(encoding="utf-8"))
    cases = manifest.get("detector_cases", [])
    if not cases:
        parser.error(f"{args.corpus} has no planted detector cases (use the realistic profile)")
    if args.plan:
        plan = json.loads(args.plan.read_text(encoding="utf-8"))
    else:
        proc = subprocess.run(
            [sys.executable, "-m", "migrator", "plan", "--format", "json", "--no-cache"],
            cwd=args.corpus,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode not in (0, 1):
            parser.error(f"migrator plan exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
        plan = json.loads(proc.stdout)
    scored = score(cases, plan)
    print(f"{'case':<22} {'expect':<8} {'cases':>6} {'reported':>9} {'correct':>8}")
    for kind, expect, n, hit, ok in summary(scored):
        print(f"{kind:<22} {expect:<8} {n:>6} {hit:>9} {ok:>8}")
    for detector in SECTIONS:
        mine = [c for c in scored if c["detector"] == detector and c["reported"]]
        if mine:
            true = sum(c["expect"] == "finding" for c in mine)
            print(f"{detector}: {true} of {len(mine)} reported planted cases are true findings")
    wrong = [c for c in scored if not c["correct"]]
    for c in wrong[: args.show]:
        verb = "reported" if c["reported"] else "missed"
        print(f"  {verb}: {c['path']}:{c['line']} {c['name']} ({c['case']}, expect {c['expect']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
