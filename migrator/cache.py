"""A content-addressed cache of per-file analyses under ``.migrator/cache/``.

Entries are keyed by the file's content hash, its module name and the analysis version, so an unchanged
file is never parsed twice. A corrupt or foreign entry is ignored (and overwritten), never trusted.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Hashable
from pathlib import Path

from migrator import __version__
from migrator.errors import MigratorError
from migrator.fsutil import atomic_write
from migrator.moduleinfo import ANALYSIS_VERSION, ModuleInfo
from migrator.state import check_state_dir, ensure_state_dir, state_dir

CACHE_DIR = Path(".migrator") / "cache"
_MAGIC = b"MIGRATOR-CACHE-1\n"


def content_key(data: bytes, module: str, is_package: bool) -> str:
    h = hashlib.blake2b(data, digest_size=20)
    h.update(f"\0{module}\0{int(is_package)}\0{ANALYSIS_VERSION}\0{__version__}".encode())
    return h.hexdigest()


class Cache:
    """Read and write analyses; every failure degrades to a cache miss."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.root = root
        self.dir = root / CACHE_DIR / f"v{ANALYSIS_VERSION}-{__version__}"
        self.enabled = enabled
        if enabled:
            check_state_dir(root)  # a symlinked .migrator would send the cache outside the repo

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / key

    def get(self, key: str, path: str) -> ModuleInfo | None:
        if not self.enabled:
            return None
        try:
            blob = self._path(key).read_bytes()
        except OSError:
            return None
        if not blob.startswith(_MAGIC):
            return None
        try:
            stored_key, info = pickle.loads(blob[len(_MAGIC) :])
        except Exception:
            return None
        if stored_key != key or not isinstance(info, ModuleInfo):
            return None
        if info.path != path:  # same content elsewhere: same analysis, other path
            import dataclasses

            info = dataclasses.replace(info, path=path)
        return info

    def prefilter_index(self, round_key: str) -> dict[str, tuple[Hashable, bool, str | None]]:
        """What an identical earlier scanning round decided per file: path -> (stamp,
        wanted, content key). Anything unreadable or malformed gives an empty index."""
        try:
            blob = (self.dir / f"prefilter-{round_key}").read_bytes()
            if not blob.startswith(_MAGIC):
                return {}
            data = pickle.loads(blob[len(_MAGIC) :])
        except Exception:
            return {}
        return data if isinstance(data, dict) else {}

    def save_prefilter_index(
        self, round_key: str, index: dict[str, tuple[Hashable, bool, str | None]]
    ) -> None:
        self._write(
            self.dir / f"prefilter-{round_key}",
            pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL),
        )

    def get_plan(self, key: str) -> object | None:
        """The plan stored for a repository snapshot ``key`` (only the latest one is kept)."""
        if not self.enabled:
            return None
        try:
            blob = (self.dir / "plan").read_bytes()
            if not blob.startswith(_MAGIC):
                return None
            stored_key, plan = pickle.loads(blob[len(_MAGIC) :])
        except Exception:
            return None
        return plan if stored_key == key else None

    def put_plan(self, key: str, plan: object) -> None:
        self._write(self.dir / "plan", pickle.dumps((key, plan), protocol=pickle.HIGHEST_PROTOCOL))

    def _write(self, target: Path, payload: bytes) -> None:
        if not self.enabled:
            return
        try:
            if not target.parent.is_dir():  # created level by level, refusing symlinks
                ensure_state_dir(self.root, *target.parent.relative_to(state_dir(self.root)).parts)
            atomic_write(target, _MAGIC + payload, durable=False)
        except (OSError, MigratorError):
            return

    def put(self, key: str, info: ModuleInfo) -> None:
        if self.enabled:
            self._write(
                self._path(key), pickle.dumps((key, info), protocol=pickle.HIGHEST_PROTOCOL)
            )
