"""Patches must be accepted by `git apply` and GNU `patch -p1` and reproduce the new bytes exactly."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator.patches import (
    FilePatch,
    diffstat,
    make_patch,
    render_patches,
    sha256_hex,
    split_lines,
    unified_diff,
    write_patch_dir,
)

BOM = b"\xef\xbb\xbf"
LATIN1_OLD = "# -*- coding: latin-1 -*-\nname = 'café'\nother = 1\n".encode("latin-1")
LATIN1_NEW = "# -*- coding: latin-1 -*-\nname = 'crème'\nother = 1\n".encode("latin-1")


def _numbered(count: int, changed: dict[int, str] | None = None) -> bytes:
    lines = [f"line_{i} = {i}\n" for i in range(count)]
    for index, text in (changed or {}).items():
        lines[index] = text
    return "".join(lines).encode()


# (path, old, new) per file; a case is one patch of one or more files.
CASES: dict[str, list[tuple[str, bytes | None, bytes | None]]] = {
    "modification": [("pkg/mod.py", b"import a\nx = a.f()\n", b"import b\nx = b.f()\n")],
    "several-hunks": [
        ("big.py", _numbered(40), _numbered(40, {2: "first = 1\n", 20: "mid = 2\n", 38: "end\n"}))
    ],
    "crlf": [("win.py", b"import a\r\nx = 1\r\ny = 2\r\n", b"import b\r\nx = 1\r\ny = 2\r\n")],
    "bom": [("bom.py", BOM + b"import a\nx = 1\n", BOM + b"import b\nx = 1\n")],
    "latin-1": [("latin.py", LATIN1_OLD, LATIN1_NEW)],
    "no-final-newline-old": [("a.py", b"x = 1\ny = 2", b"x = 1\ny = 3\n")],
    "no-final-newline-new": [("a.py", b"x = 1\ny = 2\n", b"x = 1\ny = 3")],
    "no-final-newline-both": [("a.py", b"x = 1\ny = 2", b"x = 1\ny = 3")],
    "no-final-newline-unchanged-last": [("a.py", b"x = 1\ny = 2\nz", b"x = 0\ny = 2\nz")],
    "deletion": [("legacy/shim.py", b"from core import Engine\n__all__ = ['Engine']\n", None)],
    "creation": [("new/pkg/mod.py", None, b"VALUE = 1\n")],
    "combined": [
        ("b.py", b"import a\n", b"import core\n"),
        ("a/x.py", _numbered(12), _numbered(12, {5: "five = 5\n"})),
        ("win.py", b"a\r\nb\r\n", b"a\r\nc\r\n"),
        ("gone.py", b"old\n", None),
        ("dir with space/m.py", b"q = 1\n", b"q = 2\n"),
    ],
}


def _patches(case: list[tuple[str, bytes | None, bytes | None]]) -> list[FilePatch]:
    return [make_patch(path, old, new) for path, old, new in case]


def _write_tree(root: Path, patches: list[FilePatch]) -> None:
    for patch in patches:
        if patch.old is not None:
            target = root / patch.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(patch.old)


def _assert_tree(root: Path, patches: list[FilePatch]) -> None:
    for patch in patches:
        target = root / patch.path
        if patch.new is None:
            assert not target.exists(), patch.path
        else:
            assert target.read_bytes() == patch.new, patch.path


def _run(args: list[str], cwd: Path, diff: bytes) -> None:
    proc = subprocess.run(args, cwd=cwd, input=diff, capture_output=True, check=False)
    assert proc.returncode == 0, (args, proc.stdout.decode(), proc.stderr.decode(), diff.decode())


@pytest.mark.parametrize("name", list(CASES))
def test_git_apply_reproduces_new_bytes(tmp_path: Path, name: str) -> None:
    patches = _patches(CASES[name])
    diff = render_patches(patches)
    _write_tree(tmp_path, patches)
    _run(["git", "apply", "--check", "-"], tmp_path, diff)
    _run(["git", "apply", "-"], tmp_path, diff)
    _assert_tree(tmp_path, patches)


@pytest.mark.parametrize("name", list(CASES))
def test_gnu_patch_accepts_and_reproduces(tmp_path: Path, name: str) -> None:
    if shutil.which("patch") is None:
        pytest.skip("GNU patch is not installed (apt-get install patch)")
    patches = _patches(CASES[name])
    diff = render_patches(patches)
    _write_tree(tmp_path, patches)
    _run(["patch", "-p1", "--dry-run", "--batch"], tmp_path, diff)
    _run(["patch", "-p1", "--batch", "--no-backup-if-mismatch"], tmp_path, diff)
    _assert_tree(tmp_path, patches)


def test_header_and_hunk_format() -> None:
    diff = unified_diff(make_patch("pkg/m.py", b"a\nb\nc\n", b"a\nB\nc\n"))
    assert diff == (
        b"diff --git a/pkg/m.py b/pkg/m.py\n"
        b"--- a/pkg/m.py\n"
        b"+++ b/pkg/m.py\n"
        b"@@ -1,3 +1,3 @@\n"
        b" a\n"
        b"-b\n"
        b"+B\n"
        b" c\n"
    )


def test_deletion_header() -> None:
    diff = unified_diff(make_patch("shim.py", b"x = 1\n", None, mode=0o100755))
    assert diff.splitlines()[:4] == [
        b"diff --git a/shim.py b/shim.py",
        b"deleted file mode 100755",
        b"--- a/shim.py",
        b"+++ /dev/null",
    ]
    assert diff.endswith(b"@@ -1 +0,0 @@\n-x = 1\n")


def test_creation_header() -> None:
    diff = unified_diff(make_patch("n.py", None, b"x\ny\n"))
    assert diff == (
        b"diff --git a/n.py b/n.py\nnew file mode 100644\n--- /dev/null\n+++ b/n.py\n"
        b"@@ -0,0 +1,2 @@\n+x\n+y\n"
    )


def test_no_newline_marker() -> None:
    diff = unified_diff(make_patch("a.py", b"x\ny", b"x\nz"))
    assert diff.endswith(b"-y\n\\ No newline at end of file\n+z\n\\ No newline at end of file\n")


def test_crlf_lines_keep_their_cr() -> None:
    diff = unified_diff(make_patch("w.py", b"a\r\nb\r\n", b"a\r\nc\r\n"))
    assert b"-b\r\n+c\r\n" in diff


def test_bom_stays_on_first_line_and_latin1_stays_latin1() -> None:
    assert split_lines(BOM + b"x\ny\n") == [BOM + b"x\n", b"y\n"]
    diff = unified_diff(make_patch("latin.py", LATIN1_OLD, LATIN1_NEW))
    assert "-name = 'café'\n".encode("latin-1") in diff
    assert "+name = 'crème'\n".encode("latin-1") in diff


def test_split_lines_splits_on_lf_only() -> None:
    assert split_lines(b"a\rb\x0cc\r\nd") == [b"a\rb\x0cc\r\n", b"d"]
    assert split_lines(b"\xff\xfe not utf-8\n") == [b"\xff\xfe not utf-8\n"]
    assert split_lines(b"") == []


def test_unchanged_patch_has_no_diff() -> None:
    patch = make_patch("same.py", b"x\n", b"x\n")
    assert unified_diff(patch) == b""
    assert render_patches([patch]) == b""
    assert diffstat([patch]) == []


def test_patch_properties() -> None:
    modify = make_patch("./pkg//m.py", b"a\n", b"b\n")
    assert modify.path == "pkg/m.py"
    assert modify.kind == "modify"
    assert modify.old_hash == sha256_hex(b"a\n")
    assert modify.new_hash == sha256_hex(b"b\n")
    assert make_patch("n.py", None, b"x").kind == "create"
    assert make_patch("d.py", b"x", None).kind == "delete"
    assert make_patch("d.py", b"x", None).new_hash is None
    with pytest.raises(ValueError):
        make_patch("x.py", None, None)
    with pytest.raises(ValueError):
        make_patch("../x.py", b"", b"x")
    with pytest.raises(ValueError):
        make_patch("/abs.py", b"", b"x")
    with pytest.raises(ValueError):
        FilePatch("x.py", b"a", b"b", None)


def test_render_is_sorted_by_path() -> None:
    diff = render_patches([make_patch("z.py", b"1\n", b"2\n"), make_patch("a.py", b"1\n", b"2\n")])
    headers = [line for line in diff.splitlines() if line.startswith(b"diff --git")]
    assert headers == [b"diff --git a/a.py b/a.py", b"diff --git a/z.py b/z.py"]


def test_quoted_path_applies(tmp_path: Path) -> None:
    patch = make_patch('we"ird\\name.py', b"1\n", b"2\n")
    diff = unified_diff(patch)
    assert diff.startswith(b'diff --git "a/we\\"ird\\\\name.py" "b/we\\"ird\\\\name.py"\n')
    _write_tree(tmp_path, [patch])
    _run(["git", "apply", "-"], tmp_path, diff)
    _assert_tree(tmp_path, [patch])


def test_write_patch_dir_mirrors_paths(tmp_path: Path) -> None:
    patches = [*_patches(CASES["combined"]), make_patch("same.py", b"x\n", b"x\n")]
    out = tmp_path / "patches"
    written = write_patch_dir(patches, out)
    expected = sorted(out / (p.path + ".patch") for p in patches if p.path != "same.py")
    assert sorted(written) == expected
    for patch in patches:
        if patch.path != "same.py":
            assert (out / (patch.path + ".patch")).read_bytes() == unified_diff(patch)
    assert not (out / "same.py.patch").exists()


def test_diffstat_counts() -> None:
    stats = diffstat(_patches(CASES["combined"]))
    assert stats == [
        ("a/x.py", 1, 1),
        ("b.py", 1, 1),
        ("dir with space/m.py", 1, 1),
        ("gone.py", 0, 1),
        ("win.py", 1, 1),
    ]


_line = st.sampled_from(["a\n", "b\n", "c\r\n", "d", "\n", "x = 1\n", "é\n"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old=st.lists(_line, max_size=12), new=st.lists(_line, max_size=12))
def test_random_line_lists_round_trip_through_git_apply(old: list[str], new: list[str]) -> None:
    # A line without "\n" can only be the last one of a file.
    old_bytes = "".join(line if line.endswith("\n") else line + "\n" for line in old[:-1])
    old_bytes += old[-1] if old else ""
    new_bytes = "".join(line if line.endswith("\n") else line + "\n" for line in new[:-1])
    new_bytes += new[-1] if new else ""
    patch = make_patch("f.py", old_bytes.encode(), new_bytes.encode())
    diff = unified_diff(patch)
    if not patch.changed:
        assert diff == b""
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "f.py").write_bytes(old_bytes.encode())
        _run(["git", "apply", "-"], root, diff)
        assert (root / "f.py").read_bytes() == new_bytes.encode()


def test_empty_file_created_and_deleted_with_git_apply(tmp_path: Path) -> None:
    patches = [make_patch("empty_new.py", None, b""), make_patch("empty_old.py", b"", None)]
    diff = render_patches(patches)
    assert b"---" not in diff  # git writes no hunk for an empty file either
    _write_tree(tmp_path, patches)
    _run(["git", "apply", "-"], tmp_path, diff)
    _assert_tree(tmp_path, patches)
