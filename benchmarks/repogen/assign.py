"""Deciding, before any text exists, what each file holds: forms of the migrated symbols, mentions
outside code, detector cases, breakage, name-alikes, CRLF and BOM.

One ``random.Random(seed)`` drives every decision in a fixed order. The classic profile's steps and
their order are those of the original generator, so its corpora are byte-identical for a seed; the
realistic profile's extra steps come after them and draw nothing when the profile turns them off.
"""

from __future__ import annotations

import random

from .forms import FORMS, REALISTIC_FORMS
from .layout import BACKUP_SOURCE, Layout, Module
from .profiles import CorpusError, Profile
from .prose import MENTION_KINDS, MENTION_WEIGHTS
from .shapes import BROKEN_KINDS, DETECTOR_CASES, NEAR_MISS_KINDS, REALISTIC_BROKEN_KINDS
from .vocab import SHARED

MIN_FILES = 40


def form_table(profile: Profile) -> dict[str, tuple[int, tuple[str, ...]]]:
    return {**FORMS, **REALISTIC_FORMS} if profile.verbose else FORMS


def allowed_forms(module: Module, profile: Profile) -> list[str]:
    return [
        f
        for f in form_table(profile)
        if (f != "relative" or module.top == SHARED)
        and (f not in ("mock_patch", "legacy_vs_canonical") or module.kind == "test")
        and (f != "billing_factory" or module.top == "svc_billing")
    ]


def _choose_forms(
    module: Module, rng: random.Random, first: str | None, profile: Profile
) -> list[str]:
    table = form_table(profile)
    allowed = allowed_forms(module, profile)
    weights = [table[f][0] * (3 if f == "mock_patch" else 1) for f in allowed]
    chosen: list[str] = []
    bound: set[str] = set()
    candidates = [first] if first in allowed else []
    if module.kind == "test" and rng.random() < 0.7:
        candidates.append("mock_patch")
    candidates += rng.choices(allowed, weights=weights, k=rng.choice([1, 1, 1, 2, 2, 3]))
    for form in candidates:
        names = set(table[form][1])
        if form in chosen or names & bound:
            continue
        chosen.append(form)
        bound |= names
    return chosen


def _pick_affected(
    rng: random.Random, healthy: list[Module], k: int, profile: Profile
) -> list[Module]:
    """The affected files: ``k`` of them, counting the backup copies of those in the backed-up
    package (each appears ``1 + backup_copies`` times)."""
    if not profile.verbose:
        return rng.sample(healthy, min(k, len(healthy)))
    # The big test files only talk about the migration (test names, docstrings): one of them
    # through LibCST would dominate the diff's time and memory, which the real repository's did not.
    copies = profile.backup_copies
    src = [m for m in healthy if m.top == BACKUP_SOURCE and not m.large] if copies else []
    j = max(0, min(len(src), round(k * profile.backup_share), k // (1 + copies)))
    others = [m for m in healthy if m.top != BACKUP_SOURCE and not m.large]
    n_others = max(0, min(len(others), k - (1 + copies) * j))
    return rng.sample(src, j) + rng.sample(others, n_others)


def plan_corpus(
    n: int,
    seed: int,
    profile: Profile,
    affected_fraction: float | None = None,
    affected_count: int | None = None,
) -> list[Module]:
    """Lay out the corpus and decide what every file holds."""
    if n < MIN_FILES:
        raise CorpusError(f"need at least {MIN_FILES} files, got {n}")
    fraction = profile.affected_fraction if affected_fraction is None else affected_fraction
    rng = random.Random(seed)
    modules = Layout(n, rng, profile).modules
    candidates = [m for m in modules if m.kind in ("module", "test") and not m.large]
    kinds = REALISTIC_BROKEN_KINDS if profile.verbose else BROKEN_KINDS
    n_broken = max(1, round(n * profile.broken_per_mille / 1000))
    broken = rng.sample(candidates, min(n_broken, len(candidates)))
    for i, m in enumerate(broken):
        m.broken = kinds[i % len(kinds)]
    healthy = [m for m in modules if m.kind in ("module", "test") and not m.broken]
    k = affected_count if affected_count is not None else max(1, round(n * fraction))
    affected = _pick_affected(rng, healthy, k, profile)
    # Every form appears at least once when there are enough affected files (and eligible ones).
    forced: dict[int, str] = {}
    for form in form_table(profile):
        if len(forced) >= len(affected):
            break
        eligible = [
            i
            for i, m in enumerate(affected)
            if i not in forced and form in allowed_forms(m, profile)
        ]
        if eligible:
            forced[rng.choice(eligible)] = form
    for i, m in enumerate(affected):
        m.forms = _choose_forms(m, rng, forced.get(i), profile)
    rest = [m for m in healthy if not m.forms]
    for i, m in enumerate(rng.sample(rest, min(len(rest), max(1, round(n * 0.01))))):
        m.near_miss = NEAR_MISS_KINDS[i % len(NEAR_MISS_KINDS)]
    if profile.verbose:
        _realistic_shapes(rng, n, profile, healthy, [m for m in rest if not m.near_miss])
    for m in modules:
        if m.kind in ("module", "test", "init"):
            m.crlf = rng.random() < 0.005
    ordinary = [m for m in modules if m.kind in ("module", "test") and not m.crlf]
    for m in rng.sample(ordinary, min(len(ordinary), round(n * 0.0005))):
        m.bom = True
    _mirror_backups(modules)
    return modules


_MIRRORED = ("target_lines", "forms", "broken", "near_miss", "crlf", "bom", "mentions", "cases")


def _mirror_backups(modules: list[Module]) -> None:
    """A backup copy holds whatever its source holds (it is rendered as the same bytes)."""
    by_path = {m.path: m for m in modules}
    for m in modules:
        if m.source:
            source = by_path[m.source]
            for attr in _MIRRORED:
                value = getattr(source, attr)
                setattr(m, attr, list(value) if isinstance(value, list) else value)
            m.commented_out = source.commented_out


def _realistic_shapes(
    rng: random.Random, n: int, profile: Profile, healthy: list[Module], quiet: list[Module]
) -> None:
    """Commented-out modules, names mentioned outside code, and detector cases.

    ``quiet`` are the healthy files that neither use the symbols nor hold a name-alike. Backup
    copies repeat whatever their source holds, so mentions and cases in ``svc_search`` count thrice.
    """
    small = [m for m in quiet if not m.large]
    n_commented = min(len(small), max(1, round(n * profile.commented_out_per_mille / 1000)))
    commented = rng.sample(small, n_commented)
    for m in commented:
        m.commented_out = True
        m.mentions = ["commented_code"]
    speakers = [m for m in quiet if not m.commented_out]
    share = 1 + profile.backup_copies * sum(m.top == BACKUP_SOURCE for m in speakers) / max(
        1, len(speakers)
    )
    target = round(n * profile.mention_fraction / share) - n_commented
    chosen_speakers = rng.sample(speakers, max(0, min(len(speakers), target)))
    for m in chosen_speakers:
        kinds = [
            kind for kind in MENTION_KINDS if kind != "test_name" or m.kind == "test" or m.large
        ]
        weights = [MENTION_WEIGHTS[MENTION_KINDS.index(kind)] for kind in kinds]
        chosen = rng.choices(kinds, weights=weights, k=rng.choice([1, 1, 1, 2, 2, 3]))
        m.mentions = list(dict.fromkeys(chosen))  # one of each kind (one module docstring)
    for kind in MENTION_KINDS:  # every kind at least once, even in a small corpus
        if not any(kind in m.mentions for m in chosen_speakers):
            able = [m for m in chosen_speakers if kind != "test_name" or m.kind == "test"]
            if able:
                m = able[MENTION_KINDS.index(kind) % len(able)]
                m.mentions = list(dict.fromkeys([kind, *m.mentions]))
    for m in speakers:
        if m.large:  # big test files talk about the migration in test names and docstrings
            m.mentions = list(dict.fromkeys([*m.mentions, "test_name", "docstring"]))
    hosts = [m for m in healthy if not m.commented_out]
    n_cases = round(n * profile.detector_fraction / share)
    names = [kind for kind, _ in DETECTOR_CASES]
    weights = [w for _, w in DETECTOR_CASES]
    sampled = rng.sample(hosts, min(len(hosts), max(n_cases, len(names))))
    for i, m in enumerate(sampled):  # every kind at least once, then as weighted
        chosen = rng.choices(names, weights=weights, k=rng.choice([1, 1, 1, 2]))
        m.cases = [names[i]] if i < len(names) else list(dict.fromkeys(chosen))
