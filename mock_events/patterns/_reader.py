"""A streaming JSON reader that fails, and reports locations, the way Jackson does for event-ruler."""

from __future__ import annotations

import re
from typing import Any

_EXPECTED_VALUE = ("(JSON String, Number, Array, Object or token 'null', 'true' or 'false')")


class Refusal(Exception):
    """AWS's reason for refusing a pattern, with or without the parser location; patterns.compile
    turns it into PatternError."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason



_OBJ, _END_OBJ, _ARR, _END_ARR = "{", "}", "[", "]"
_FIELD, _STR, _INT, _FLOAT, _TRUE, _FALSE, _NULL = "FIELD", "STR", "INT", "FLOAT", "TRUE", "FALSE", "NULL"
_NUMERIC_TOKENS = (_INT, _FLOAT)
_WS = " \t\r\n"
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


class _Reader:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.ptr = 0  # what Jackson's getCurrentLocation() would point at
        self.ctx: list[tuple[str, int]] = []  # (kind, offset of the opening bracket)
        self.expect_first = False
        self.pending: tuple[str, Any, str] | None = None
        self.kind: str | None = None
        self.value: Any = None
        self.raw = ""
        self.name: str | None = None
        self.lazy_string: int | None = None  # offset after an opening quote not yet read
        self.closed = False

    # -- locations and errors
    def location(self, ptr: int) -> str:
        s = self.s
        line = 1
        row_start = 0
        j = 0
        while True:
            k = s.find("\n", j, ptr)
            if k < 0:
                break
            line += 1
            row_start = k + 1
            j = k + 1
        return f'[Source: (String)"{s}"; line: {line}, column: {ptr - row_start + 1}]'

    def error(self, reason: str, ptr: int | None = None) -> Refusal:
        at = self.ptr if ptr is None else ptr
        return Refusal(f"{reason}\n at {self.location(at)}")

    def unexpected(self, at: int, tail: str) -> Refusal:
        ch = self.s[at]
        return self.error(f"Unexpected character ({_char_desc(ch)}): {tail}", at)

    def eof(self, tail: str) -> Refusal:
        return self.error(f"Unexpected end-of-input{tail}", len(self.s))

    # -- scanning helpers
    def _skip_ws(self) -> int:
        s, i, n = self.s, self.i, len(self.s)
        while i < n and s[i] in _WS:
            i += 1
        self.i = i
        return i

    def _read_string(self, start: int, is_name: bool) -> str:
        s, n = self.s, len(self.s)
        i = start
        end = s.find('"', i)
        chunk_end = end if end >= 0 else n
        bs = s.find("\\", i, chunk_end)
        if bs < 0 and end >= 0 and not _has_ctrl(s, i, end):
            self.i = end + 1
            return s[i:end]
        out: list[str] = []
        while True:
            if i >= n:
                self.i = n
                if is_name:
                    raise self.eof(": was expecting closing '\"' for name")
                raise self.eof(": was expecting closing quote for a string value")
            c = s[i]
            if c == '"':
                self.i = i + 1
                return _join_surrogates("".join(out))
            if c == "\\":
                if i + 1 >= n:
                    self.i = n
                    raise self.eof(" in character escape sequence")
                e = s[i + 1]
                if e in _ESCAPES:
                    out.append(_ESCAPES[e])
                    i += 2
                    continue
                if e == "u":
                    code = 0
                    for k in range(i + 2, i + 6):
                        if k >= n:
                            self.i = n
                            raise self.eof(" in character escape sequence")
                        h = s[k]
                        if h not in "0123456789abcdefABCDEF":
                            raise self.unexpected(k, "expected a hex-digit for character escape sequence")
                        code = code * 16 + int(h, 16)
                    out.append(chr(code))
                    i += 6
                    continue
                raise self.error(f"Unrecognized character escape {_char_desc(e)}", i + 2)
            if ord(c) < 32:
                what = "name" if is_name else "string value"
                raise self.error(
                    f"Illegal unquoted character ((CTRL-CHAR, code {ord(c)})): "
                    f"has to be escaped using backslash to be included in {what}", i + 1)
            out.append(c)
            i += 1

    def _token_end(self, start: int) -> int:
        s, n = self.s, len(self.s)
        j = start
        while j < n and (s[j].isalnum() or s[j] in "_$"):
            j += 1
        return max(j, start + 1)

    def _invalid_token(self, start: int) -> Refusal:
        end = self._token_end(start)
        self.i = end
        return self.error(f"Unrecognized token '{self.s[start:end]}': was expecting {_EXPECTED_VALUE}", end)

    def _scan_value(self, at: int) -> tuple[str, Any, str]:
        """Scan the start of a value at offset `at` (non-space). Strings stay lazy."""
        s, n = self.s, len(self.s)
        c = s[at]
        if c == '"':
            self.i = at + 1
            self.lazy_string = at + 1
            return (_STR, None, "")
        if c == "{" or c == "[":
            self.i = at + 1
            return (c, None, c)
        if c == "-" or "0" <= c <= "9":
            return self._scan_number(at)
        for word, kind, val in (("true", _TRUE, True), ("false", _FALSE, False), ("null", _NULL, None)):
            if s.startswith(word, at):
                end = at + len(word)
                if end < n and (s[end].isalnum() or s[end] in "_$"):
                    raise self._invalid_token(at)
                self.i = end
                return (kind, val, word)
        if s.startswith("NaN", at) or s.startswith("Infinity", at):
            word = "NaN" if c == "N" else "Infinity"
            self.i = at + len(word)
            raise self.error(
                f"Non-standard token '{word}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow",
                self.i)
        if c.isalpha() or c in "_$":
            raise self._invalid_token(at)
        if c in "]}" or c == ",":
            raise self.unexpected(at, f"expected a valid value {_EXPECTED_VALUE}")
        raise self.unexpected(at, f"expected a valid value {_EXPECTED_VALUE}")

    def _scan_number(self, at: int) -> tuple[str, Any, str]:
        s, n = self.s, len(self.s)
        if s.startswith("-Infinity", at):
            self.i = at + 9
            raise self.error("Non-standard token '-Infinity': enable "
                             "`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", self.i)
        m = _NUMBER_RE.match(s, at)
        j = m.end() if m else at
        if not m or j == at or (j == at + 1 and s[at] == "-"):
            k = at + 1
            if k >= n:
                self.i = n
                raise self.eof(" in a Number value")
            raise self.unexpected(k, "expected digit (0-9) to follow minus sign, for valid numeric value")
        if j < n:
            c = s[j]
            if c == "." or c in "eE":
                bad = j + 1
                if bad >= n:
                    self.i = n
                    raise self.eof(" in a Number value")
                what = "Decimal point not followed by a digit" if c == "." else \
                    "Exponent indicator not followed by a digit"
                raise self.unexpected(bad, f"{what}")
            if "0" <= c <= "9":
                self.i = j
                raise self.error("Invalid numeric value: Leading zeroes not allowed", j + 1)
            if c.isalpha() or c in "_$":
                raise self._invalid_token(at)
        raw = s[at:j]
        if j - at > 1000:
            raise self.error(f"Number value length ({j - at}) exceeds the maximum allowed (1000)", j)
        self.i = j
        if m.group(1) or m.group(2):
            return (_FLOAT, raw, raw)
        return (_INT, raw, raw)

    def text(self) -> str:
        """getText(): finishes a lazily read string."""
        if self.kind == _STR and self.lazy_string is not None:
            self.value = self._read_string(self.lazy_string, False)
            self.lazy_string = None
            self.ptr = self.i
        if self.kind == _FIELD:
            return self.name or ""
        if self.kind == _STR:
            return self.value
        return self.raw

    def _set(self, tok: tuple[str, Any, str]) -> str:
        self.kind, self.value, self.raw = tok
        if tok[0] in (_OBJ, _ARR):
            if len(self.ctx) >= 1000:
                raise self.error("Document nesting depth (1001) exceeds the maximum allowed "
                                 "(1000, from `StreamReadConstraints.getMaxNestingDepth()`)")
            self.ctx.append((tok[0], self.i - 1))
            self.expect_first = True
        return tok[0]

    def next(self) -> str | None:
        """nextToken()."""
        if self.pending is not None:
            tok, self.pending = self.pending, None
            return self._set(tok)
        if self.kind == _STR and self.lazy_string is not None:
            self._read_string(self.lazy_string, False)
            self.lazy_string = None
        if self.closed:
            return None
        i = self._skip_ws()
        s, n = self.s, len(self.s)
        if not self.ctx:
            if self.kind is not None:
                self.closed = True
                return None
            if i >= n:
                self.closed = True
                self.ptr = n
                return None
            tok = self._scan_value(i)
            self.ptr = self.i
            return self._set(tok)
        kind, opened = self.ctx[-1]
        if i >= n:
            what = "Object" if kind == _OBJ else "Array"
            raise self.eof(f": expected close marker for {what} (start marker at "
                           f"{self.location(opened)})")
        c = s[i]
        close = "}" if kind == _OBJ else "]"
        if c in "]}":
            if c != close:
                what = "Object" if kind == _OBJ else "Array"
                raise self.error(f"Unexpected close marker '{c}': expected '{close}' (for {what} "
                                 f"starting at {self.location(opened)})", i + 1)
            self.i = i + 1
            self.ptr = self.i
            self.ctx.pop()
            self.expect_first = False
            self.kind = close
            return close
        if not self.expect_first:
            if c != ",":
                what = "Object entries" if kind == _OBJ else "Array entries"
                raise self.unexpected(i, f"was expecting comma to separate {what}")
            self.i = i + 1
            i = self._skip_ws()
            if i >= n:
                what = "Object" if kind == _OBJ else "Array"
                raise self.eof(f": expected close marker for {what} (start marker at "
                               f"{self.location(opened)})")
            c = s[i]
        self.expect_first = False
        if kind == _ARR:
            tok = self._scan_value(i)
            self.ptr = self.i
            return self._set(tok)
        if c != '"':
            raise self.unexpected(i, "was expecting double-quote to start field name")
        name = self._read_string(i + 1, True)
        i = self._skip_ws()
        if i >= n:
            raise self.eof(": was expecting a colon to separate field name and value")
        if s[i] != ":":
            raise self.unexpected(i, "was expecting a colon to separate field name and value")
        self.i = i + 1
        i = self._skip_ws()
        if i >= n:
            raise self.eof(" within/between Object entries")
        self.pending = self._scan_value(i)
        self.ptr = self.i
        self.kind, self.name, self.value = _FIELD, name, name
        return _FIELD


def _join_surrogates(text: str) -> str:
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return text


def _has_ctrl(s: str, i: int, j: int) -> bool:
    for k in range(i, j):
        if ord(s[k]) < 32:
            return True
    return False


def _char_desc(ch: str) -> str:
    code = ord(ch)
    if code < 32:
        return f"(CTRL-CHAR, code {code})"
    return f"'{ch}' (code {code})" if code < 128 else f"'{ch}' (code {code} / 0x{code:x})"
