"""EventBridge event patterns: compile them as AWS does, match events, index many rules."""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Callable, Hashable, Iterable
from typing import Any

__all__ = [
    "MAX_PATTERN_LENGTH",
    "MAX_COMBINATIONS",
    "Pattern",
    "PatternError",
    "RuleIndex",
    "compile",
    "validate_test_event",
]

MAX_PATTERN_LENGTH = 2048
MAX_COMBINATIONS = 1000
WILDCARD_COMPLEXITY_LIMIT = 10

_PREFIX = "Event pattern is not valid. Reason: "
_FIVE_BILLION = 5e9
_RESERVED_IN_OR = frozenset({
    "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists",
    "wildcard", "numeric", "cidr", "html", "=", "<", "<=", ">", ">=", "regex",
    "not-wildcard", "not-equals-ignore-case", "date-after", "date-on-or-after",
    "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range",
    "ip-address-not-in-range",
})
_EXPECTED_VALUE = ("(JSON String, Number, Array, Object or token 'null', 'true' or 'false')")


class PatternError(Exception):
    """A pattern AWS refuses. .message is the full AWS message ('Event pattern is not valid. Reason: ...'
    plus the location suffix where AWS gives one)."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Barf(Exception):
    """A reason with or without the parser location; turned into PatternError at the top."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------------------------
# A streaming JSON reader that reports errors and locations the way Jackson does.

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

    def error(self, reason: str, ptr: int | None = None) -> _Barf:
        at = self.ptr if ptr is None else ptr
        return _Barf(f"{reason}\n at {self.location(at)}")

    def unexpected(self, at: int, tail: str) -> _Barf:
        ch = self.s[at]
        return self.error(f"Unexpected character ({_char_desc(ch)}): {tail}", at)

    def eof(self, tail: str) -> _Barf:
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

    def _invalid_token(self, start: int) -> _Barf:
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


# --------------------------------------------------------------------------------------------
# Leaf matchers. Each takes one event leaf value (str, int, float, bool or None).

_Leaf = Callable[[Any], bool]


def _is_num(v: Any) -> bool:
    t = v.__class__
    return t is int or t is float


def _comparable(v: Any) -> bool:
    return _is_num(v) and -_FIVE_BILLION <= v <= _FIVE_BILLION


_IPV4_RE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV6_RE = re.compile(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*")


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not (_IPV4_RE.fullmatch(text) or _IPV6_RE.fullmatch(text)):
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _number_value(raw: str) -> int | float:
    if "." in raw or "e" in raw or "E" in raw:
        return float(raw)
    return int(raw)


def _wildcard_regex(text: str, ignore_case: bool = False) -> re.Pattern[str]:
    parts: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "*":
            parts.append(".*")
        elif c == "\\":
            parts.append(re.escape(text[i + 1]))
            i += 1
        else:
            parts.append(re.escape(c))
        i += 1
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _check_wildcard(r: _Reader, text: str) -> None:
    raw = ('"' + text + '"').encode("utf-8")
    i = 0
    while i < len(raw):
        b = raw[i]
        if b == 0x2A:
            if i + 1 < len(raw) and raw[i + 1] == 0x2A:
                raise r.error(f"Consecutive wildcard characters at pos {i}")
        elif b == 0x5C:
            if i + 1 < len(raw) and raw[i + 1] in (0x2A, 0x5C):
                i += 2
                continue
            raise r.error(f"Invalid escape character at pos {i}")
        i += 1


class _Numeric:
    __slots__ = ("lo", "lo_open", "hi", "hi_open")

    def __init__(self, lo: float, lo_open: bool, hi: float, hi_open: bool) -> None:
        self.lo, self.lo_open, self.hi, self.hi_open = lo, lo_open, hi, hi_open

    def __call__(self, v: Any) -> bool:
        if not _comparable(v):
            return False
        if v < self.lo or (self.lo_open and v == self.lo):
            return False
        if v > self.hi or (self.hi_open and v == self.hi):
            return False
        return True


def _cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    parts = text.split("/")
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if len(parts) != 2:
        raise _Barf("Malformed CIDR, one '/' required")
    if not re.fullmatch(r"[+-]?[0-9]+", parts[1]) or not -2**31 <= int(parts[1]) < 2**31:
        raise _Barf("Malformed CIDR, mask bits must be an integer")
    bits = int(parts[1])
    if bits < 0:
        raise _Barf("Malformed CIDR, mask bits must not be negative")
    addr = None
    if _IPV4_RE.fullmatch(parts[0]) or _IPV6_RE.fullmatch(parts[0]):
        try:
            addr = ipaddress.ip_address(parts[0])
        except ValueError:
            raise _Barf(f"Invalid IP address: {parts[0]}") from None
    if addr is None:
        raise _Barf(f"Nonstandard IP address: {parts[0]}")
    if addr.version == 4 and bits > 31:
        raise _Barf("IPv4 mask bits must be < 32")
    if addr.version == 6 and bits > 127:
        raise _Barf("IPv6 mask bits must be < 128")
    return ipaddress.ip_network(f"{addr}/{bits}", strict=False)


# --------------------------------------------------------------------------------------------
# The compiled form: a list of branches ($or expanded); a branch maps a dotted path to a field
# test. A field test is a list of alternatives; an alternative is one of:
#   ("exact", value)  ("exists", bool)  ("leaf", callable, wildcard-texts)


class _Field:
    """The ORed alternatives of one path in one branch."""

    __slots__ = ("strs", "nums", "lits", "leaf", "exists_true", "exists_false", "wildcards",
                 "ip_strs", "count", "spec")

    def __init__(self) -> None:
        self.strs: set[str] = set()
        self.nums: set[int | float] = set()
        self.lits: list[Any] = []  # True / False / None
        self.leaf: list[_Leaf] = []
        self.exists_true = False
        self.exists_false = False
        self.wildcards: list[str] = []
        self.ip_strs: list[Any] = []
        self.count = 0
        self.spec: list[Any] = []

    def exact_keys(self) -> list[Hashable] | None:
        """Index keys when this field is a pure exact-value match, else None."""
        if self.leaf or self.exists_true or self.exists_false or self.ip_strs:
            return None
        keys: list[Hashable] = list(self.strs)
        keys.extend(_num_key(n) for n in self.nums)
        keys.extend(_lit_key(v) for v in self.lits)
        return keys

    def finish(self) -> Callable[[list[Any] | None], bool]:
        strs = frozenset(self.strs)
        nums = frozenset(self.nums)
        has_true = True in [v is True for v in self.lits]
        has_false = True in [v is False for v in self.lits]
        has_null = True in [v is None for v in self.lits]
        leaf = tuple(self.leaf)
        ips = tuple(self.ip_strs)
        exists_true, exists_false = self.exists_true, self.exists_false

        def test(values: list[Any] | None) -> bool:
            if not values:
                return exists_false
            if exists_true:
                return True
            for v in values:
                t = v.__class__
                if t is str:
                    if v in strs:
                        return True
                    if ips:
                        a = _ip(v)
                        if a is not None and a in ips:
                            return True
                elif t is bool:
                    if (has_true if v else has_false):
                        return True
                elif v is None:
                    if has_null:
                        return True
                elif (t is int or t is float) and v in nums:
                    return True
                for f in leaf:
                    if f(v):
                        return True
            return False

        return test


def _num_key(n: int | float) -> Hashable:
    return ("\x00n", n)


def _lit_key(v: Any) -> Hashable:
    return ("\x00l", repr(v))


def _leaf_key(v: Any) -> Hashable | None:
    t = v.__class__
    if t is str:
        return v
    if t is bool or v is None:
        return ("\x00l", repr(v))
    if t is int or t is float:
        return ("\x00n", v)
    return None


class _Compiler:
    def __init__(self, text: str) -> None:
        self.r = _Reader(text)
        self.branches: list[dict[str, _Field]] = []

    def run(self) -> list[dict[str, _Field]]:
        r = self.r
        if r.next() != _OBJ:
            raise r.error("Filter is not an object")
        self.parse_object(self.branches, [], False)
        return self.branches

    def parse_object(self, rules: list[dict[str, _Field]], path: list[str], in_or: bool) -> None:
        r = self.r
        present = False
        while r.next() != _END_OBJ:
            present = True
            name = r.name or ""
            if name == "$or":
                self.parse_or(rules, path)
                continue
            if in_or and name in _RESERVED_IN_OR:
                raise r.error(f"{name} is Ruler reserved fieldName which cannot be used inside $or.")
            tok = r.next()
            if tok == _OBJ:
                path.append(name)
                self.parse_object(rules, path, in_or)
                path.pop()
            elif tok == _ARR:
                self.write_rules(rules, ".".join(path + [name]))
            else:
                raise r.error(f'"{name}" must be an object or an array')
        if not present:
            raise r.error("Empty objects are not allowed")

    def parse_or(self, rules: list[dict[str, _Field]], path: list[str]) -> None:
        r = self.r
        current = [dict(rule) for rule in rules]
        rules.clear()
        if r.next() != _ARR:
            raise r.error("It must be an Array followed with $or.")
        count = 0
        while True:
            tok = r.next()
            if tok == _END_ARR:
                break
            count += 1
            if tok != _OBJ:
                raise r.error("Only JSON object is allowed in array of $or relationship.")
            new_rules = [dict(rule) for rule in current] or [{}]
            self.parse_object(new_rules, path, True)
            rules.extend(new_rules)
            if len(rules) > MAX_COMBINATIONS:
                raise _Barf(_TOO_MANY_COMBINATIONS)
        if count < 2:
            raise r.error("There must have at least 2 Objects in $or relationship.")

    def write_rules(self, rules: list[dict[str, _Field]], name: str) -> None:
        r = self.r
        field = _Field()
        while True:
            tok = r.next()
            if tok == _END_ARR:
                break
            field.count += 1
            if tok == _OBJ:
                self.match_expression(field)
            elif tok == _STR:
                text = r.text()
                addr = _ip(text)
                if addr is not None:
                    field.ip_strs.append(addr)
                field.strs.add(text)
                field.spec.append(text)
            elif tok in _NUMERIC_TOKENS:
                n = _number_value(r.raw)
                if isinstance(n, float) and math.isinf(n):
                    field.spec.append(r.raw)
                else:
                    field.nums.add(n)
                    field.spec.append(n)
            elif tok in (_TRUE, _FALSE, _NULL):
                field.lits.append(r.value)
                field.spec.append(r.value)
            else:
                raise r.error("Match value must be String, number, true, false, or null")
        if field.count == 0:
            raise r.error("Empty arrays are not allowed")
        if not rules:
            rules.append({})
        for rule in rules:
            rule[name] = field

    # -- {"operator": ...} inside a value list
    def match_expression(self, field: _Field) -> None:
        r = self.r
        if r.next() != _FIELD:
            raise r.error("Match expression name not found")
        op = r.name
        if op == "prefix" or op == "suffix":
            tok = r.next()
            if tok == _OBJ:
                self.affix_ignore_case(field, op)
                return
            if tok != _STR:
                raise r.error(f"{op} match pattern must be a string")
            text = r.text()
            self.end_object()
            if op == "prefix":
                field.leaf.append(lambda v, p=text: v.__class__ is str and v.startswith(p))
            else:
                field.leaf.append(lambda v, p=text: v.__class__ is str and v.endswith(p))
            field.spec.append({op: text})
        elif op == "equals-ignore-case":
            if r.next() != _STR:
                raise r.error("equals-ignore-case match pattern must be a string")
            low = r.text().lower()
            self.end_object()
            field.leaf.append(lambda v, p=low: v.__class__ is str and v.lower() == p)
            field.spec.append({op: low})
        elif op == "wildcard":
            if r.next() != _STR:
                raise r.error("wildcard match pattern must be a string")
            text = r.text()
            _check_wildcard(r, text)
            self.end_object()
            rx = _wildcard_regex(text).fullmatch
            field.leaf.append(lambda v, m=rx: v.__class__ is str and m(v) is not None)
            field.wildcards.append(text)
            field.spec.append({op: text})
        elif op == "numeric":
            if r.next() != _ARR:
                raise r.error("Value of numeric must be an array.")
            rng = self.numeric()
            if r.next() != _END_OBJ:
                raise r.error("Too many elements in numeric expression")
            field.leaf.append(rng)
            field.spec.append({op: (rng.lo, rng.lo_open, rng.hi, rng.hi_open)})
        elif op == "anything-but":
            self.anything_but(field)
        elif op == "exists":
            tok = r.next()
            if tok not in (_TRUE, _FALSE):
                raise r.error("exists match pattern must be either true or false.")
            self.end_object()
            if tok == _TRUE:
                field.exists_true = True
            else:
                field.exists_false = True
            field.spec.append({op: tok == _TRUE})
        elif op == "cidr":
            if r.next() != _STR:
                raise r.error("prefix match pattern must be a string")
            net = _cidr(r.text())
            self.end_object()

            def in_net(v: Any, net: Any = net) -> bool:
                if v.__class__ is not str:
                    return False
                a = _ip(v)
                return a is not None and a.version == net.version and a in net

            field.leaf.append(in_net)
            field.spec.append({op: str(net)})
        else:
            raise r.error(f"Unrecognized match type {op}")

    def end_object(self) -> None:
        if self.r.next() != _END_OBJ:
            raise self.r.error("Only one key allowed in match expression")

    def affix_ignore_case(self, field: _Field, op: str) -> None:
        r = self.r
        title = op.capitalize()
        if r.next() != _FIELD:
            raise r.error(f"{title} expression name not found")
        if r.name != "equals-ignore-case":
            raise r.error(f"Unsupported {op} pattern: {r.name}")
        if r.next() != _STR:
            raise r.error("equals-ignore-case match pattern must be a string")
        low = r.text().lower()
        self.end_object()
        self.end_object()
        if op == "prefix":
            field.leaf.append(lambda v, p=low: v.__class__ is str and v.lower().startswith(p))
        else:
            field.leaf.append(lambda v, p=low: v.__class__ is str and v.lower().endswith(p))
        field.spec.append({op: {"equals-ignore-case": low}})

    def numeric(self) -> _Numeric:
        r = self.r
        tok = r.next()
        if tok != _STR:
            raise r.error(f"Invalid member in numeric match: {r.text()}")
        op = r.text()
        tok = r.next()
        try:
            if op not in ("=", ">=", ">", "<=", "<"):
                raise r.error(f"Unrecognized numeric range operator: {op}")
            if tok not in _NUMERIC_TOKENS:
                label = "equals" if op == "=" else op
                raise r.error(f"Value of {label} must be numeric")
            val = self.comparable(r.raw)
            if op == "=":
                if r.next() != _END_ARR:
                    raise r.error("Too many elements in numeric expression")
                return _Numeric(val, False, val, False)
            if op in ("<", "<="):
                if r.next() != _END_ARR:
                    raise r.error("Too many elements in numeric expression")
                return _Numeric(-math.inf, False, val, op == "<")
            tok = r.next()
            if tok == _END_ARR:
                return _Numeric(val, op == ">", math.inf, False)
            if tok != _STR:
                raise r.error(f"Bad value in numeric range: {r.text()}")
            top_op = r.text()
            if top_op not in ("<", "<="):
                raise r.error(f"Bad numeric range operator: {top_op}")
            if r.next() not in _NUMERIC_TOKENS:
                raise r.error(f"Value of {top_op} must be numeric")
            top = self.comparable(r.raw)
            if r.next() != _END_ARR:
                raise r.error("Too many terms in numeric range expression")
            if val >= top:
                raise r.error("Bottom must be less than top")
            return _Numeric(val, op == ">", top, top_op == "<")
        except _NumberRange as e:
            raise r.error(str(e)) from None

    @staticmethod
    def comparable(raw: str) -> float:
        v = float(raw)
        if not -_FIVE_BILLION <= v <= _FIVE_BILLION:
            raise _NumberRange("Value must be between -5.0E9 and 5.0E9, inclusive")
        return v

    def anything_but(self, field: _Field) -> None:
        r = self.r
        kind = ""
        tok = r.next()
        if tok == _OBJ:
            if r.next() != _FIELD:
                raise r.error("Anything-But expression name not found")
            kind = r.name or ""
            if kind not in ("equals-ignore-case", "prefix", "suffix", "wildcard"):
                raise r.error(f"Unsupported anything-but pattern: {kind}")
            tok = r.next()
        if tok not in (_ARR, _STR, _INT, _FLOAT):
            raise r.error("Value of anything-but must be an array or single string/number value.")
        if tok == _ARR:
            values = self.anything_but_list(kind)
        else:
            values = self.anything_but_single(kind, tok)
        if r.next() != _END_OBJ:
            raise r.error("Too many elements in numeric expression")
        if kind and r.next() != _END_OBJ:
            raise r.error("Too many elements in numeric expression")
        field.leaf.append(_anything_but(kind, values))
        field.spec.append({"anything-but": {kind or "values": sorted(map(repr, values))}})

    def anything_but_single(self, kind: str, tok: str) -> list[Any]:
        r = self.r
        if not kind:
            if tok == _STR:
                return [r.text()]
            return [float(r.raw)]
        if tok != _STR:
            raise r.error(_ANYTHING_BUT_TYPE[kind])
        text = r.text()
        if kind in ("prefix", "suffix") and not text:
            raise r.error("Null prefix/suffix not allowed")
        if kind == "wildcard":
            _check_wildcard(r, text)
        return [text]

    def anything_but_list(self, kind: str) -> list[Any]:
        r = self.r
        values: list[Any] = []
        has_num = has_str = False
        try:
            while True:
                tok = r.next()
                if tok == _END_ARR:
                    break
                if tok == _STR:
                    text = r.text()
                    if kind in ("prefix", "suffix") and not text:
                        raise r.error("Null prefix/suffix not allowed")
                    values.append(text)
                    has_str = True
                elif tok in _NUMERIC_TOKENS and not kind:
                    values.append(float(r.raw))
                    has_num = True
                elif not kind:
                    raise r.error("Inside anything but list, start|null|boolean is not supported.")
                else:
                    raise r.error(_ANYTHING_BUT_TYPE[kind])
        except _Barf as e:
            # event-ruler re-wraps errors from inside the list, so AWS repeats the location
            raise r.error(e.reason) from None
        if not kind and has_num == has_str:
            raise r.error("Inside anything but list, either all values are number or string, "
                          "mixed type is not supported")
        if kind == "wildcard":
            for text in values:
                _check_wildcard(r, text)
        return values


class _NumberRange(Exception):
    pass


_TOO_MANY_COMBINATIONS = (f"The event pattern has more than {MAX_COMBINATIONS} combinations of $or "
                          "branches and values")
_ANYTHING_BUT_TYPE = {
    "equals-ignore-case": "Inside anything-but/equals-ignore-case list, "
                          "number|start|null|boolean is not supported.",
    "prefix": "prefix/suffix match pattern must be a string",
    "suffix": "prefix/suffix match pattern must be a string",
    "wildcard": "wildcard match pattern must be a string",
}


def _anything_but(kind: str, values: list[Any]) -> _Leaf:
    if not kind:
        if values and isinstance(values[0], str):
            excluded_s = frozenset(values)
            return lambda v: not (v.__class__ is str and v in excluded_s)
        excluded_n = frozenset(values)
        return lambda v: not (_comparable(v) and v in excluded_n)
    if kind == "equals-ignore-case":
        lows = frozenset(s.lower() for s in values)
        return lambda v: not (v.__class__ is str and v.lower() in lows)
    if kind == "prefix":
        pre = tuple(values)
        return lambda v: not (v.__class__ is str and v.startswith(pre))
    if kind == "suffix":
        suf = tuple(values)
        return lambda v: not (v.__class__ is str and v.endswith(suf))
    matchers = tuple(_wildcard_regex(t).fullmatch for t in values)
    return lambda v: not (v.__class__ is str and any(m(v) is not None for m in matchers))


# --------------------------------------------------------------------------------------------
# Wildcard complexity: the most NFA states (over all wildcard texts of one field) that a single
# input string can keep alive at once, the criterion event-ruler's complexity evaluator uses.

def _wildcard_complexity(texts: Iterable[str], limit: int) -> int:
    progs: list[list[str | None]] = []
    for text in set(texts):
        toks: list[str | None] = ['"']
        i = 0
        while i < len(text):
            c = text[i]
            if c == "*":
                toks.append(None)
            elif c == "\\":
                i += 1
                toks.append(text[i])
            else:
                toks.append(c)
            i += 1
        toks.append('"')
        progs.append(toks)
    if not progs:
        return 0
    alphabet = {t for p in progs for t in p if t is not None} | {"\x00other"}

    def closure(states: Iterable[tuple[int, int]]) -> frozenset[tuple[int, int]]:
        out: set[tuple[int, int]] = set()
        stack = list(states)
        while stack:
            st = stack.pop()
            if st in out:
                continue
            out.add(st)
            p, j = st
            if j < len(progs[p]) and progs[p][j] is None:
                stack.append((p, j + 1))
        return frozenset(out)

    def weight(states: frozenset[tuple[int, int]]) -> int:
        return sum(1 for p, j in states if j < len(progs[p]))

    start = closure((p, 0) for p in range(len(progs)))
    seen = {start}
    todo = [start]
    best = weight(start)
    explored = 0
    while todo and explored < 5000:
        cur = todo.pop()
        explored += 1
        for ch in alphabet:
            nxt: list[tuple[int, int]] = []
            for p, j in cur:
                prog = progs[p]
                if j >= len(prog):
                    continue
                t = prog[j]
                if t is None:
                    nxt.append((p, j))
                elif t == ch:
                    nxt.append((p, j + 1))
            if not nxt:
                continue
            state = closure(nxt)
            w = weight(state)
            if w > best:
                best = w
                if best > limit:
                    return best
            if state not in seen:
                seen.add(state)
                todo.append(state)
    return best


# --------------------------------------------------------------------------------------------
# Events are flattened once: dotted path (arrays transparent) -> list of leaf values.

def _flatten(event: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    if not isinstance(event, dict):
        return out
    stack: list[tuple[str, Any]] = [("", event)]
    while stack:
        prefix, node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                path = f"{prefix}.{k}" if prefix else k
                if isinstance(v, (dict, list)):
                    stack.append((path, v))
                else:
                    bucket = out.get(path)
                    if bucket is None:
                        out[path] = [v]
                    else:
                        bucket.append(v)
        else:
            for v in node:
                if isinstance(v, (dict, list)):
                    stack.append((prefix, v))
                else:
                    bucket = out.get(prefix)
                    if bucket is None:
                        out[prefix] = [v]
                    else:
                        bucket.append(v)
    return out


class Pattern:
    """A compiled event pattern."""

    __slots__ = ("source", "_branches", "_fields")

    def __init__(self, source: str, branches: list[dict[str, _Field]]) -> None:
        self.source = source
        self._fields = branches
        self._branches: tuple[tuple[tuple[str, Callable[[list[Any] | None], bool]], ...], ...] = tuple(
            tuple((path, f.finish()) for path, f in sorted(b.items(), key=_field_order))
            for b in branches
        )

    def matches(self, event: dict) -> bool:
        return self._matches_flat(_flatten(event))

    def _matches_flat(self, flat: dict[str, list[Any]]) -> bool:
        get = flat.get
        for branch in self._branches:
            for path, test in branch:
                if not test(get(path)):
                    break
            else:
                return True
        return False

    def __repr__(self) -> str:
        return f"Pattern({self.source!r})"


def _field_order(item: tuple[str, _Field]) -> tuple[int, int]:
    f = item[1]
    return (1 if (f.leaf or f.exists_false or f.exists_true) else 0, len(f.leaf))


def compile(pattern: str | dict) -> Pattern:  # noqa: A001 - the public name others code against
    """Compile an event pattern, raising PatternError with AWS's message when AWS would refuse it."""
    try:
        if isinstance(pattern, str):
            text = pattern
        else:
            text = json.dumps(pattern, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as e:
        raise PatternError(f"{_PREFIX}{e}") from None
    if len(text) > MAX_PATTERN_LENGTH:
        raise PatternError(f"{_PREFIX}Event pattern length {len(text)} exceeds the maximum of "
                           f"{MAX_PATTERN_LENGTH} characters")
    try:
        branches = _Compiler(text).run()
        _check_limits(branches)
    except _Barf as e:
        raise PatternError(_PREFIX + e.reason) from None
    except RecursionError:
        raise PatternError(_PREFIX + "Document nesting depth exceeds the maximum allowed") from None
    return Pattern(text, branches)


def _check_limits(branches: list[dict[str, _Field]]) -> None:
    combos = 0
    for b in branches:
        n = 1
        for f in b.values():
            n *= max(f.count, 1)
        combos += n
    if combos > MAX_COMBINATIONS and len(branches) > 1:
        raise _Barf(_TOO_MANY_COMBINATIONS)
    per_path: dict[str, set[str]] = {}
    for b in branches:
        for path, f in b.items():
            if f.wildcards:
                per_path.setdefault(path, set()).update(f.wildcards)
    for texts in per_path.values():
        if _wildcard_complexity(texts, WILDCARD_COMPLEXITY_LIMIT) > WILDCARD_COMPLEXITY_LIMIT:
            raise _Barf("Rule is too complex - try using fewer wildcard characters or fewer "
                        "repeating character sequences after a wildcard character")


def validate_test_event(event_text: str) -> dict:
    """TestEventPattern's Event check; raises ValueError when AWS answers 'Parameter Event is not valid.'"""
    def no_constants(name: str) -> Any:
        raise ValueError(f"non-standard JSON token {name}")

    try:
        event = json.loads(event_text, parse_constant=no_constants)
    except (TypeError, ValueError, RecursionError) as e:
        raise ValueError(f"Event is not valid JSON: {e}") from None
    if not isinstance(event, dict):
        raise ValueError("Event is not a JSON object")
    missing = [k for k in ("id", "account", "source", "time", "region", "detail-type") if k not in event]
    if missing:
        raise ValueError(f"Event lacks {', '.join(missing)}")
    return event


# --------------------------------------------------------------------------------------------

class RuleIndex:
    """All patterns of one bus, compiled into an index so that matching one event costs far less than
    scanning every rule."""

    def __init__(self) -> None:
        self._patterns: dict[Hashable, Pattern] = {}
        # path -> index key of a leaf value -> keys of patterns with a branch requiring it
        self._index: dict[str, dict[Hashable, set[Hashable]]] = {}
        self._placed: dict[Hashable, list[tuple[str, Hashable]]] = {}
        self._always: set[Hashable] = set()

    def __len__(self) -> int:
        return len(self._patterns)

    def __contains__(self, key: object) -> bool:
        return key in self._patterns

    def add(self, key: Hashable, pattern: Pattern) -> None:
        if key in self._patterns:
            self.remove(key)
        self._patterns[key] = pattern
        placements: list[tuple[str, Hashable]] = []
        for branch in pattern._fields:
            choice = self._choose(branch)
            if choice is None:
                for path, value in placements:
                    self._unplace(key, path, value)
                self._always.add(key)
                return
            path, values = choice
            for value in values:
                self._index.setdefault(path, {}).setdefault(value, set()).add(key)
                placements.append((path, value))
        self._placed[key] = placements

    def _choose(self, branch: dict[str, _Field]) -> tuple[str, list[Hashable]] | None:
        best: tuple[int, str, list[Hashable]] | None = None
        for path, field in branch.items():
            keys = field.exact_keys()
            if not keys:
                continue
            table = self._index.get(path, {})
            cost = sum(len(table.get(k, ())) + 1 for k in keys)
            if best is None or cost < best[0]:
                best = (cost, path, keys)
        return None if best is None else (best[1], best[2])

    def _unplace(self, key: Hashable, path: str, value: Hashable) -> None:
        table = self._index.get(path)
        if table is None:
            return
        bucket = table.get(value)
        if bucket is None:
            return
        bucket.discard(key)
        if not bucket:
            del table[value]
            if not table:
                del self._index[path]

    def remove(self, key: Hashable) -> None:
        if self._patterns.pop(key, None) is None:
            return
        self._always.discard(key)
        for path, value in self._placed.pop(key, ()):
            self._unplace(key, path, value)

    def match(self, event: dict) -> set[Hashable]:
        flat = _flatten(event)
        candidates = set(self._always)
        for path, table in self._index.items():
            values = flat.get(path)
            if not values:
                continue
            for v in values:
                k = _leaf_key(v)
                hit = table.get(k) if k is not None else None
                if hit:
                    candidates |= hit
        patterns = self._patterns
        return {k for k in candidates if patterns[k]._matches_flat(flat)}
