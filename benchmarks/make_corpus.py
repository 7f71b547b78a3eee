"""Generate a synthetic Python monorepo for benchmarking migrator.

    python benchmarks/make_corpus.py N [--out DIR] [--seed S] [--profile realistic|classic]

The generator itself is the ``repogen`` package next to this file (importable as a library, e.g. to
build a fleet of repositories); this script is its command line. See ``benchmarks/README.md`` for
what the two profiles contain.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from repogen import (  # benchmarks/ is sys.path[0] when this file runs as a script
    DEFAULT_PROFILE,
    DEFAULT_SEED,
    PROFILES,
    CorpusError,
    generate,
    summary_line,
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "files", nargs="?", type=int, default=10_000, help="number of .py files (default 10000)"
    )
    parser.add_argument(
        "--out", type=Path, help="output directory (default benchmarks/corpus-N[-PROFILE])"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--profile", choices=sorted(PROFILES), default=DEFAULT_PROFILE)
    parser.add_argument(
        "--affected-fraction", type=float, help="share of affected files (default: the profile's)"
    )
    parser.add_argument(
        "--affected-count", type=int, help="exact number of affected files (overrides the fraction)"
    )
    parser.add_argument("--jobs", type=int, help="render processes (default: one per CPU)")
    parser.add_argument("--no-git", action="store_true", help="do not create a git repository")
    args = parser.parse_args(argv)
    suffix = "" if args.profile == DEFAULT_PROFILE else f"-{args.profile}"
    out: Path = args.out or Path(__file__).resolve().parent / f"corpus-{args.files}{suffix}"
    try:
        manifest = generate(
            args.files,
            out,
            args.seed,
            profile=args.profile,
            affected_fraction=args.affected_fraction,
            affected_count=args.affected_count,
            git=not args.no_git,
            jobs=args.jobs,
        )
    except CorpusError as exc:
        parser.error(str(exc))
    print(summary_line(manifest, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
