"""Decoding and re-encoding Python source bytes without losing encoding, BOM or newline style."""

from __future__ import annotations

import codecs
import io
import tokenize
from dataclasses import dataclass

UTF8_BOM = codecs.BOM_UTF8


@dataclass(frozen=True, slots=True)
class SourceText:
    """A decoded source file and what is needed to write it back byte-for-byte the same way."""

    text: str
    encoding: str  # codec name as Python names it ("utf-8", "iso8859-1", ...), never "utf-8-sig"
    bom: bool
    newline: str  # dominant newline: "\n", "\r\n" or "\r"

    def encode(self, text: str | None = None) -> bytes:
        """Encode ``text`` (default: the original text) with this file's encoding and BOM."""
        data = (self.text if text is None else text).encode(self.encoding)
        return UTF8_BOM + data if self.bom else data


class DecodeError(ValueError):
    """Bytes that cannot be decoded as Python source; ``line`` is 1-based."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def detect_newline(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if crlf and crlf >= lf and crlf >= cr:
        return "\r\n"
    if cr > lf:
        return "\r"
    return "\n"


def decode_source(data: bytes) -> SourceText:
    """Decode source bytes honouring a BOM and a PEP 263 coding cookie (newlines kept as they are)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise DecodeError(f"cannot detect encoding: {exc.msg}", exc.lineno or 1) from None
    bom = data.startswith(UTF8_BOM)
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    body = data[len(UTF8_BOM) :] if bom else data
    try:
        text = body.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        line = 1
        if isinstance(exc, UnicodeDecodeError):
            line = body[: exc.start].count(b"\n") + 1
        raise DecodeError(f"cannot decode as {encoding}: {exc}", line) from None
    encoding = codecs.lookup(encoding).name
    return SourceText(text=text, encoding=encoding, bom=bom, newline=detect_newline(text))
