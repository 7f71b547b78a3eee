"""A file size limit (EFBIG, through RLIMIT_FSIZE) and a full disk (ENOSPC, on a real tiny tmpfs in a
user and mount namespace): one line, exit 2, nothing written, nothing recorded, never a traceback."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.reliability.conftest import make_repo, migrator, temp_files, tree_state

SMALL: dict[str, bytes] = {
    "migrator.toml": b'[[symbols]]\ncanonical = "core.engine:UserEngine"\n',
    "core/__init__.py": b"",
    "core/engine.py": b"class UserEngine:\n    pass\n",
    "legacy/__init__.py": b"",
    "legacy/shim.py": b"from core.engine import UserEngine as Engine\n",
    # 400 uses: the rewrite makes this file 1,600 bytes longer.
    "app/many.py": b"from legacy.shim import Engine\n"
    + b"x = [Engine, Engine, Engine, Engine]\n" * 100,
}


def limit_file_size(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def runs_recorded(repo: Path) -> list[str]:
    runs = repo / ".migrator" / "runs"
    return sorted(p.name for p in runs.iterdir()) if runs.is_dir() else []


def check_refused(
    repo: Path, before: dict[str, tuple[str, int]], done: object, reason: str
) -> None:
    code, stderr = done.code, done.stderr  # type: ignore[attr-defined]
    assert code == 2, done
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("migrator: error: "), stderr
    assert reason in lines[0] and "nothing was written" in lines[0], stderr
    assert tree_state(repo) == before
    assert runs_recorded(repo) == []
    assert temp_files(repo) == []


def test_file_size_limit_while_saving_the_journal(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", SMALL)
    before = tree_state(repo)
    # The original of app/many.py (3.8 KB) does not fit under 2 KB: the journal cannot be saved.
    done = migrator(repo, "apply", ".", preexec_fn=lambda: limit_file_size(2048))
    check_refused(repo, before, done, "File too large")
    assert migrator(repo, "apply", ".").code == 0  # without the limit it applies


def test_file_size_limit_while_staging_the_new_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", SMALL)
    before = tree_state(repo)
    # The journal fits (originals 3.8 KB, run.json smaller); the rewritten file (5.4 KB) does not.
    done = migrator(repo, "apply", ".", preexec_fn=lambda: limit_file_size(4500))
    check_refused(repo, before, done, "File too large")


ENOSPC_SCRIPT = textwrap.dedent(
    """
    import json, os, shutil, subprocess, sys
    source, mount, free_pages = sys.argv[1], sys.argv[2], int(sys.argv[3])
    repo = os.path.join(mount, "repo")
    shutil.copytree(source, repo, symlinks=True)
    filler = os.path.join(mount, "filler")
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)  # fill the file system, then give some back
    try:
        while True:
            os.write(fd, b"\\0" * 65536)
    except OSError:
        pass
    os.close(fd)
    size = os.path.getsize(filler)
    os.truncate(filler, max(0, size - free_pages * 4096))
    sys.path.insert(0, sys.argv[4])
    from tests.reliability.conftest import tree_state
    before = tree_state(repo)
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.run(
        [sys.executable, "-m", "migrator", "--jobs", "1", "--no-cache", "apply", "."],
        cwd=repo, env=env, capture_output=True, text=True,
    )
    runs = os.path.join(repo, ".migrator", "runs")
    print(json.dumps({
        "code": proc.returncode,
        "stderr": proc.stderr,
        "same": tree_state(repo) == before,
        "runs": sorted(os.listdir(runs)) if os.path.isdir(runs) else [],
        "temps": [n for d, _, fs in os.walk(repo) for n in fs if n.endswith(".migrator-tmp")],
    }))
    """
)


def userns_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    proc = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    return proc.returncode == 0


@pytest.mark.skipif(not userns_available(), reason="needs unshare -rm (user and mount namespaces)")
@pytest.mark.parametrize("free_pages", [2, 40], ids=["journal", "staging"])
def test_full_disk(template_repo: Path, tmp_path: Path, free_pages: int) -> None:
    mount = tmp_path / "tiny"
    mount.mkdir()
    script = tmp_path / "enospc.py"
    script.write_text(ENOSPC_SCRIPT)
    project = Path(__file__).resolve().parents[2]
    shell = (
        f"mount -t tmpfs -o size=8m tmpfs {mount} && exec {sys.executable} {script} "
        f"{template_repo} {mount} {free_pages} {project}"
    )
    proc = subprocess.run(
        ["unshare", "-rm", "sh", "-c", shell],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 2, result
    assert "Traceback" not in result["stderr"]
    assert len(result["stderr"].strip().splitlines()) == 1, result
    assert "No space left on device" in result["stderr"], result
    assert "nothing was written" in result["stderr"], result
    assert result["same"] and result["runs"] == [] and result["temps"] == [], result
