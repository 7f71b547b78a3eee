"""``transform_source`` / ``transform_file``: bytes in and out, errors as values, notes, the pipeline
order with call rewrites, and the codemods as libcst ``CodemodCommand``s."""

from __future__ import annotations

import ast
import codecs
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext, CodemodTest, TransformSuccess, transform_module

from codemods import api
from codemods.api import transform_file, transform_source
from codemods.cleanup_imports import remove_newly_unused_imports
from codemods.rewrite_imports import RewriteImportsCommand, rewrite_imports
from codemods.rewrite_strings import RewriteStringsCommand
from codemods.spec import CallRewrite, FileSpec, Note
from tests.codemods.conftest import make_spec, run_text

CALL = CallRewrite(
    old="core.compat:create_engine", new="core.engine.factory:EngineFactory.create_for_user"
)


def _roundtrip(data: bytes, **kwargs: object) -> bytes:
    result = transform_source(data, make_spec(**kwargs))
    assert result.error is None, result.error
    assert result.new is not None
    again = transform_source(result.new, make_spec(**kwargs))
    assert again.new == result.new and not again.changed
    return result.new


# ------------------------------------------------------------------------------------ encodings


def test_crlf_file_stays_crlf_including_new_lines() -> None:
    data = b"from core.compat import Engine, create_engine\r\n\r\nx = Engine(create_engine())\r\n"
    out = _roundtrip(data)
    assert out == (
        b"from core.compat import create_engine\r\n"
        b"from core.engine.user_engine import UserEngine\r\n"
        b"\r\n"
        b"x = UserEngine(create_engine())\r\n"
    )
    assert b"\n" not in out.replace(b"\r\n", b"")


def test_crlf_file_with_inserted_import_in_function() -> None:
    data = (
        b"def f():\r\n    from core.compat import Engine, helper\r\n    return Engine(helper)\r\n"
    )
    out = _roundtrip(data)
    assert out == (
        b"def f():\r\n"
        b"    from core.compat import helper\r\n"
        b"    from core.engine.user_engine import UserEngine\r\n"
        b"    return UserEngine(helper)\r\n"
    )


def test_bom_is_kept() -> None:
    data = codecs.BOM_UTF8 + b"from core.compat import Engine\nx = Engine()\n"
    out = _roundtrip(data)
    assert (
        out
        == codecs.BOM_UTF8 + b"from core.engine.user_engine import UserEngine\nx = UserEngine()\n"
    )


def test_latin1_with_cookie_stays_latin1() -> None:
    data = (
        b"# -*- coding: latin-1 -*-\n"
        b"# caf\xe9 engines\n"
        b"from core.compat import Engine\n"
        b"x = Engine()  # na\xefve\n"
    )
    out = _roundtrip(data)
    assert out == (
        b"# -*- coding: latin-1 -*-\n"
        b"# caf\xe9 engines\n"
        b"from core.engine.user_engine import UserEngine\n"
        b"x = UserEngine()  # na\xefve\n"
    )


def test_missing_final_newline_stays_missing() -> None:
    assert _roundtrip(b"from core.compat import Engine\nx = Engine()") == (
        b"from core.engine.user_engine import UserEngine\nx = UserEngine()"
    )


def test_missing_final_newline_with_inserted_line() -> None:
    out = _roundtrip(b"x = 1\nfrom core.compat import Engine, create_engine")
    assert out == (
        b"x = 1\nfrom core.compat import create_engine\nfrom core.engine.user_engine import UserEngine"
    )


def test_unchanged_file_returns_the_same_bytes() -> None:
    data = b"import os\r\n\r\nprint(os.sep)\r\n"
    result = transform_source(data, make_spec())
    assert result.new == data
    assert not result.changed
    assert result.error is None


# --------------------------------------------------------------------------------------- errors


def test_syntax_error_is_a_result_with_line() -> None:
    result = transform_source(b"import os\n\ndef broken(:\n    pass\n", make_spec())
    assert result.new is None
    assert not result.changed
    assert result.error is not None and "syntax" in result.error
    assert result.error_line == 3


def test_undecodable_bytes_are_a_result_with_line() -> None:
    result = transform_source(b"# coding: utf-8\nx = '\xff'\n", make_spec())
    assert result.new is None
    assert result.error is not None
    assert result.error_line == 2


def test_unknown_encoding_cookie_is_a_result() -> None:
    result = transform_source(b"# -*- coding: klingon -*-\nx = 1\n", make_spec())
    assert result.new is None
    assert result.error is not None
    assert result.error_line == 1


def test_codemod_bug_is_a_result(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(module: cst.Module, spec: FileSpec, **kwargs: object) -> object:
        raise RuntimeError("bug")

    monkeypatch.setattr(api, "rewrite_imports", boom)
    result = run_text("from core.compat import Engine\n")
    assert result.new is None
    assert result.error == "codemod failed: RuntimeError: bug"


def test_transform_file(tmp_path: Path) -> None:
    path = tmp_path / "service.py"
    path.write_bytes(b"from core.compat import Engine\n")
    result = transform_file(path, make_spec())
    assert result.new == b"from core.engine.user_engine import UserEngine\n"
    assert result.changed
    assert path.read_bytes() == b"from core.compat import Engine\n"  # never written
    missing = transform_file(tmp_path / "missing.py", make_spec())
    assert missing.new is None and missing.error is not None


# ------------------------------------------------------------------------------- opting out, notes


def test_skip_file_returns_input_unchanged() -> None:
    data = b'"""Legacy path tests."""\n# migrator: skip-file\nfrom core.compat import Engine\n'
    result = transform_source(data, make_spec())
    assert result.new == data
    assert not result.changed
    assert [n.code for n in result.notes] == ["kept"]


def test_skip_file_marker_after_line_ten_is_ignored() -> None:
    text = "\n" * 10 + "# migrator: skip-file\nfrom core.compat import Engine\n"
    result = run_text(text)
    assert result.changed


def test_alias_kept_note_has_line_and_reason() -> None:
    text = "import os\nfrom core.compat import Engine\n\nUserEngine = None\nx = Engine()\n"
    result = run_text(text)
    assert [(n.line, n.code) for n in result.notes] == [(2, "alias-kept")]
    assert "UserEngine" in result.notes[0].message


def test_keep_comment_note() -> None:
    result = run_text("x = 1\nfrom core.compat import Engine  # migrator: keep\n")
    assert not result.changed
    assert result.notes == (
        Note(line=2, code="kept", message="import left as written (# migrator: keep)"),
    )


def test_counts() -> None:
    text = textwrap.dedent(
        """\
        from core.compat import Engine

        TARGET = "core.compat.Engine"
        engine = Engine(Engine.default())
        """
    )
    result = run_text(text)
    assert dict(result.counts) == {"imports": 1, "renames": 2, "strings": 1}


def test_result_is_picklable() -> None:
    import pickle

    result = run_text("from core.compat import Engine\nx = Engine()\n")
    assert pickle.loads(pickle.dumps(result)) == result


# ---------------------------------------------------------------------------- pipeline with calls


def _fake_rewrite_calls(seen: list[str]) -> types.ModuleType:
    """A stand-in for ``codemods.rewrite_calls``: ``create_engine(...)`` becomes
    ``EngineFactory.create_for_user(...)`` and the factory import is added at the top."""

    class _Calls(cst.CSTTransformer):
        def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
            if (
                isinstance(updated_node.func, cst.Name)
                and updated_node.func.value == "create_engine"
            ):
                func = cst.parse_expression("EngineFactory.create_for_user")
                return updated_node.with_changes(func=func)
            return updated_node

    def rewrite_calls(module: cst.Module, spec: FileSpec) -> tuple[cst.Module, tuple[Note, ...]]:
        seen.append(module.code)
        new = module.visit(_Calls())
        line = cst.parse_statement("from core.engine.factory import EngineFactory\n")
        new = new.with_changes(body=[line, *new.body])
        return new, (Note(line=1, code="call-note", message="from the fake"),)

    fake = types.ModuleType("codemods.rewrite_calls")
    fake.rewrite_calls = rewrite_calls  # type: ignore[attr-defined]
    return fake


def test_calls_run_first_then_newly_unused_imports_go(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    monkeypatch.setitem(sys.modules, "codemods.rewrite_calls", _fake_rewrite_calls(seen))
    before = textwrap.dedent(
        """\
        import os
        from core.compat import Engine, create_engine, get_config

        engine = create_engine(Engine, get_config())
        """
    )
    result = run_text(before, calls=(CALL,))
    assert seen == [before]  # calls saw the untouched file
    assert result.new is not None
    assert result.new.decode() == textwrap.dedent(
        """\
        from core.engine.factory import EngineFactory
        import os
        from core.compat import get_config
        from core.engine.user_engine import UserEngine

        engine = EngineFactory.create_for_user(UserEngine, get_config())
        """
    )
    assert ("unused_imports", 1) in result.counts
    assert Note(line=1, code="call-note", message="from the fake") in result.notes


def test_already_unused_imports_are_not_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "codemods.rewrite_calls", _fake_rewrite_calls([]))
    before = textwrap.dedent(
        """\
        import json
        from core.compat import create_engine, get_config  # get_config is unused


        def build():
            try:
                import ujson  # probe
            except ImportError:
                ujson = None
            return create_engine()
        """
    )
    result = run_text(before, calls=(CALL,))
    assert result.new is not None
    assert result.new.decode() == textwrap.dedent(
        """\
        from core.engine.factory import EngineFactory
        import json
        from core.compat import get_config  # get_config is unused


        def build():
            try:
                import ujson  # probe
            except ImportError:
                ujson = None
            return EngineFactory.create_for_user()
        """
    )


def test_rewrite_calls_is_imported_only_when_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "codemods.rewrite_calls", raising=False)
    result = run_text("from core.compat import Engine\n")
    assert result.changed
    assert "codemods.rewrite_calls" not in sys.modules


def test_real_rewrite_calls_runs_in_the_pipeline() -> None:
    before = "from core.compat import Engine, create_engine\n\nengine = create_engine(Engine)\n"
    spec = make_spec(calls=(CALL,))
    first = transform_source(before.encode(), spec)
    assert first.error is None, first.error
    assert first.new is not None
    ast.parse(first.new)
    assert b"core.compat import Engine" not in first.new
    second = transform_source(first.new, spec)
    assert second.new == first.new


def test_rewrite_imports_function_keeps_module_when_nothing_to_do() -> None:
    module = cst.parse_module("import os\n")
    new, notes, imports, renames = rewrite_imports(module, make_spec())
    assert new is module and notes == () and imports == renames == 0


# ------------------------------------------------------------------------- newly unused imports


def _cleanup(before: str, after: str, **kwargs: object) -> str:
    old = cst.parse_module(textwrap.dedent(before))
    new = cst.parse_module(textwrap.dedent(after))
    result, _ = remove_newly_unused_imports(old, new, make_spec(**kwargs))
    return result.code


def test_cleanup_removes_only_names_that_lost_their_usages() -> None:
    # get_config and os were unused before: they stay.
    before = """\
        import os
        import core.compat
        from core.compat import create_engine, get_config


        def build():
            from core.legacy import helpers

            return create_engine(helpers.config(), core.compat.flag)
        """
    after = """\
        import os
        import core.compat
        from core.compat import create_engine, get_config


        def build():
            from core.legacy import helpers

            return EngineFactory.create_for_user()
        """
    assert _cleanup(before, after) == textwrap.dedent(
        """\
        import os
        from core.compat import get_config


        def build():
            return EngineFactory.create_for_user()
        """
    )


def test_cleanup_keeps_exported_and_kept_names() -> None:
    before = """\
        from core.compat import create_engine
        from core.compat import get_config  # migrator: keep
        from core.compat import make_engine

        __all__ = ["make_engine"]
        x = create_engine(get_config(), make_engine())
        """
    after = """\
        from core.compat import create_engine
        from core.compat import get_config  # migrator: keep
        from core.compat import make_engine

        __all__ = ["make_engine"]
        x = EngineFactory.create_for_user()
        """
    out = _cleanup(before, after, keep_local_names=frozenset({"create_engine"}))
    assert out == textwrap.dedent(after)


def test_cleanup_empties_a_block_safely() -> None:
    before = "try:\n    from core.compat import create_engine\nexcept ImportError:\n    pass\nx = create_engine()\n"
    after = "try:\n    from core.compat import create_engine\nexcept ImportError:\n    pass\nx = make()\n"
    out = _cleanup(before, after)
    assert out == "try:\n    pass\nexcept ImportError:\n    pass\nx = make()\n"
    ast.parse(out)


# ---------------------------------------------------------------------------- codemod commands


def test_rewrite_imports_command_via_transform_module() -> None:
    command = RewriteImportsCommand(
        CodemodContext(full_module_name="core.services.billing"),
        canonical="core.engine.user_engine:UserEngine",
        aliases=["core.compat:Engine"],
    )
    result = transform_module(command, "from ..compat import Engine\n\nx = Engine()\n")
    assert isinstance(result, TransformSuccess)
    assert result.code == "from core.engine.user_engine import UserEngine\n\nx = UserEngine()\n"


def test_rewrite_imports_command_rejects_bad_symbol() -> None:
    with pytest.raises(ValueError, match=r"package\.module:Name"):
        RewriteImportsCommand(CodemodContext(), canonical="core.engine.UserEngine")


class TestRewriteImportsCommand(CodemodTest):
    TRANSFORM = RewriteImportsCommand

    def test_keep_local_name_warns(self) -> None:
        self.assertCodemod(
            "from core.compat import Engine\n",
            "from core.engine.user_engine import UserEngine as Engine\n",
            canonical="core.engine.user_engine:UserEngine",
            aliases=["core.compat:Engine"],
            keep_local_names=["Engine"],
            expected_warnings=[
                "line 1: alias-kept: kept 'as Engine' for core.engine.user_engine:UserEngine: "
                "'Engine' is imported from this module elsewhere"
            ],
        )

    def test_no_rename_aliases(self) -> None:
        self.assertCodemod(
            "from core.compat import Engine\nx = Engine()\n",
            "from core.engine.user_engine import UserEngine as Engine\nx = Engine()\n",
            canonical="core.engine.user_engine:UserEngine",
            aliases=["core.compat:Engine"],
            rename_aliases=False,
        )


class TestRewriteStringsCommand(CodemodTest):
    TRANSFORM = RewriteStringsCommand

    def test_patch_target(self) -> None:
        self.assertCodemod(
            '"""core.compat.Engine"""\npatch("core.compat.Engine.start")\n',
            '"""core.compat.Engine"""\npatch("core.engine.user_engine.UserEngine.start")\n',
            pairs=["core.compat.Engine=core.engine.user_engine.UserEngine"],
        )

    def test_all_mode(self) -> None:
        self.assertCodemod(
            '"""core.compat.Engine"""\n',
            '"""core.engine.user_engine.UserEngine"""\n',
            pairs=["core.compat.Engine=core.engine.user_engine.UserEngine"],
            strings="all",
        )


def test_libcst_cli_runs_the_command(tmp_path: Path) -> None:
    (tmp_path / ".libcst.codemod.yaml").write_text(
        "generated_code_marker: '@generated'\nformatter: []\nblacklist_patterns: []\n"
        "modules:\n- 'codemods'\nrepo_root: '.'\n"
    )
    target = tmp_path / "service.py"
    target.write_text("from core.legacy.engine_shim import UserEngine as UE\n\nx = UE()\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "libcst.tool",
            "codemod",
            "--no-format",
            "rewrite_imports.RewriteImportsCommand",
            "--canonical",
            "core.engine.user_engine:UserEngine",
            "--alias",
            "core.legacy.engine_shim:UserEngine",
            "service.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        target.read_text() == "from core.engine.user_engine import UserEngine\n\nx = UserEngine()\n"
    )
