"""Helpers shared by the sample's tests (stdlib only)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def raises(exc_type: type[BaseException], match: str = "") -> Iterator[None]:
    """Like ``pytest.raises``: the block must raise ``exc_type`` whose message contains ``match``."""
    try:
        yield
    except exc_type as exc:
        if match and match not in str(exc):
            raise AssertionError(f"{exc_type.__name__} raised, but {match!r} not in {str(exc)!r}") from exc
    else:
        raise AssertionError(f"{exc_type.__name__} was not raised")
