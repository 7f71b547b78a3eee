"""Corpus profiles: how large the files are and which shapes of real code the corpus holds.

``realistic`` (the default) is shaped like the real 11,085-file monorepo described in issue 13: 195 MB,
4.2 M lines, a median file of about 17 KB, the migrated names mentioned outside code (comments,
docstrings, log messages, test names, Markdown-like blocks) in thousands of files that never import
them, two backup copies of a package tree, a few test files of 5,000+ lines, and the messy shapes
detectors must get right. ``classic`` is the earlier synthetic corpus (smaller files, 5% affected,
nothing mentioned outside code); for a seed it generates the same bytes as before the profiles existed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class CorpusError(ValueError):
    """The corpus cannot be generated as asked (bad size or profile, an output directory in use)."""


@dataclass(frozen=True)
class Profile:
    name: str
    affected_fraction: float  # files that import or call the migrated symbols
    median_lines: float  # log-normal line count of an ordinary module: median ...
    sigma: float  # ... spread ...
    max_lines: int  # ... and cap
    verbose: bool  # comments, Google-style docstrings, longer log lines (about 46 bytes a line)
    mention_fraction: float  # files naming the symbols only outside code (never importing them)
    detector_fraction: float  # files holding a planted detector case (constants, singletons, ...)
    backup_copies: int  # copies of one service's package tree (``svc_search``)
    backup_share: float  # share of all files in the backed-up package (each copy as large)
    large_tests_per_10k: float  # test files of 5,000+ lines per 10,000 files (at least one)
    broken_per_mille: float  # files that do not parse
    commented_out_per_mille: float  # modules whose code is entirely commented out
    max_names: tuple[int, int] = (12, 30)  # classes and functions of one ordinary module, at most

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


CLASSIC = Profile(
    name="classic",
    affected_fraction=0.05,
    median_lines=102.0,
    sigma=0.85,
    max_lines=1700,
    verbose=False,
    mention_fraction=0.0,
    detector_fraction=0.0,
    backup_copies=0,
    backup_share=0.0,
    large_tests_per_10k=0.0,
    broken_per_mille=1.0,
    commented_out_per_mille=0.0,
)

# Calibrated so that a 10,000-file corpus comes out near the real repository's figures per file
# (17.6 KB mean, ~17 KB median, 379 lines) and about 29% of the files pass a word prefilter on the
# configured names; `benchmarks/README.md` lists the achieved figures.
REALISTIC = Profile(
    name="realistic",
    affected_fraction=0.012,
    median_lines=272.0,
    sigma=0.35,
    max_lines=3200,
    verbose=True,
    mention_fraction=0.22,
    detector_fraction=0.06,
    backup_copies=2,
    backup_share=0.03,
    large_tests_per_10k=3.0,
    broken_per_mille=2.0,
    commented_out_per_mille=1.5,
    max_names=(30, 80),
)

PROFILES = {p.name: p for p in (REALISTIC, CLASSIC)}
DEFAULT_PROFILE = REALISTIC.name


def get_profile(name: str | Profile) -> Profile:
    if isinstance(name, Profile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        raise CorpusError(f"unknown profile {name!r} (choose from {', '.join(PROFILES)})") from None
