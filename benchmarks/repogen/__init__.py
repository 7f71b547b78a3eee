"""Synthetic Python monorepos for benchmarking migrator (see ``benchmarks/README.md``).

    from repogen import generate
    manifest = generate(10_000, Path("corpus"), seed=1, profile="realistic")

``generate`` writes the files, a ``migrator.toml``, ``corpus_manifest.json`` (what was planted where)
and a one-commit git repository; ``ensure_corpus`` reuses a directory generated with the same inputs.
Modules: ``vocab`` and ``prose`` (word tables), ``profiles``, ``layout`` (paths and sizes),
``assign`` (what each file holds), ``forms``/``fixed``/``shapes`` (the planted code), ``bodies`` and
``writer`` (ordinary code), ``render`` (text) and ``build`` (disk, manifest, git).
"""

from __future__ import annotations

from .assign import MIN_FILES, plan_corpus
from .build import (
    DEFAULT_SEED,
    MANIFEST,
    ensure_corpus,
    generate,
    generator_hash,
    load_manifest,
    summary_line,
)
from .forms import FORMS, REALISTIC_FORMS
from .profiles import (
    CLASSIC,
    DEFAULT_PROFILE,
    PROFILES,
    REALISTIC,
    CorpusError,
    Profile,
    get_profile,
)

__all__ = [
    "CLASSIC",
    "DEFAULT_PROFILE",
    "DEFAULT_SEED",
    "FORMS",
    "MANIFEST",
    "MIN_FILES",
    "PROFILES",
    "REALISTIC",
    "REALISTIC_FORMS",
    "CorpusError",
    "Profile",
    "ensure_corpus",
    "generate",
    "generator_hash",
    "get_profile",
    "load_manifest",
    "plan_corpus",
    "summary_line",
]
