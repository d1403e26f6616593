"""Compile event-pattern text into branches of per-path field tests, as event-ruler's JsonRuleCompiler does."""

from __future__ import annotations

import ipaddress
import math
import re
import weakref
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from ._reader import _ARR, _END_ARR, _END_OBJ, _FALSE, _FIELD, _FLOAT, _INT, _NULL, _NUMERIC_TOKENS, \
    _OBJ, _STR, _TRUE, Refusal, _Reader
from ._wildcard import Wildcard

MAX_COMBINATIONS = 1000
WILDCARD_COMPLEXITY_LIMIT = 10

_FIVE_BILLION = 5e9
_RESERVED_IN_OR = frozenset({
    "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists",
    "wildcard", "numeric", "cidr", "html", "=", "<", "<=", ">", ">=", "regex",
    "not-wildcard", "not-equals-ignore-case", "date-after", "date-on-or-after",
    "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range",
    "ip-address-not-in-range",
})


# --------------------------------------------------------------------------------------------
# Leaf matchers. Each takes one event leaf value (str, int, float, bool or None).

_Leaf = Callable[[Any], bool]


def _is_num(v: Any) -> bool:
    t = v.__class__
    return t is int or t is float


def is_comparable(v: Any) -> bool:
    return _is_num(v) and -_FIVE_BILLION <= v <= _FIVE_BILLION


_IPV4_RE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV6_CHARS = frozenset("0123456789abcdefABCDEF:")
# The longest text ipaddress accepts in the forms above: eight hextets of four digits.
_LONGEST_IP = 39


def _looks_like_ip(text: str) -> bool:
    """IPv4 dotted digits, or hex digits and colons with at least one colon (linear, no backtracking)."""
    if ":" in text:
        return _IPV6_CHARS.issuperset(text)
    return _IPV4_RE.fullmatch(text) is not None


def ip_of(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if len(text) > _LONGEST_IP or not _looks_like_ip(text):
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


_last_lowered: tuple[str, str] = ("", "")


def lowered(value: str) -> str:
    """``value.lower()``, computed once for a long value however many rules ask about it in a row
    (the one-entry cache holds the value itself, so an identity check is safe across threads)."""
    global _last_lowered
    if len(value) < 64:
        return value.lower()
    last = _last_lowered
    if last[0] is value:
        return last[1]
    low = value.lower()
    _last_lowered = (value, low)
    return low


def _number_value(raw: str) -> int | float:
    if "." in raw or "e" in raw or "E" in raw:
        return float(raw)
    return int(raw)


def _check_wildcard(r: _Reader, text: str) -> None:
    raw = ('"' + text + '"').encode("utf-8", "replace")  # as Java encodes a lone surrogate: "?"
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


class NumericRange:
    __slots__ = ("lo", "lo_open", "hi", "hi_open")

    def __init__(self, lo: float, lo_open: bool, hi: float, hi_open: bool) -> None:
        self.lo, self.lo_open, self.hi, self.hi_open = lo, lo_open, hi, hi_open

    def __call__(self, v: Any) -> bool:
        if not is_comparable(v):
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
        raise Refusal("Malformed CIDR, one '/' required")
    if not re.fullmatch(r"[+-]?[0-9]+", parts[1]) or not -2**31 <= int(parts[1]) < 2**31:
        raise Refusal("Malformed CIDR, mask bits must be an integer")
    bits = int(parts[1])
    if bits < 0:
        raise Refusal("Malformed CIDR, mask bits must not be negative")
    addr = None
    if _looks_like_ip(parts[0]):
        try:
            addr = ipaddress.ip_address(parts[0])
        except ValueError:
            raise Refusal(f"Invalid IP address: {parts[0]}") from None
    if addr is None:
        raise Refusal(f"Nonstandard IP address: {parts[0]}")
    if addr.version == 4 and bits > 31:
        raise Refusal("IPv4 mask bits must be < 32")
    if addr.version == 6 and bits > 127:
        raise Refusal("IPv6 mask bits must be < 128")
    return ipaddress.ip_network(f"{addr}/{bits}", strict=False)


# --------------------------------------------------------------------------------------------
# The compiled form: a list of branches ($or expanded); a branch maps a dotted path to a field
# test. A field test is a list of alternatives; an alternative is one of:
#   ("exact", value)  ("exists", bool)  ("leaf", callable, wildcard-texts)


class Field:
    """The ORed alternatives of one path in one branch."""

    __slots__ = ("strs", "nums", "lits", "leaf", "exists_true", "exists_false", "wildcards",
                 "ip_strs", "count", "spec", "operators")

    def __init__(self) -> None:
        self.strs: set[str] = set()
        self.nums: set[int | float] = set()
        self.lits: list[Any] = []  # True / False / None
        self.leaf: list[_Leaf] = []
        # What each leaf test needs of a value, for the rule index: ("prefix", text),
        # ("suffix", text), ("prefix", text, "lower"), ("suffix", text, "lower"), ("lower", text),
        # ("wildcard", Wildcard), ("numeric", NumericRange), ("cidr", network), ("anything-but", kind, values).
        self.operators: list[tuple[Any, ...]] = []
        self.exists_true = False
        self.exists_false = False
        self.wildcards: list[str] = []
        self.ip_strs: list[Any] = []
        self.count = 0
        self.spec: list[Any] = []

    def tried_wildcards(self) -> list[str]:
        """The texts of the wildcards this field's tests try: its ``wildcard``s and those of its
        ``anything-but`` ``wildcard``s."""
        texts = list(self.wildcards)
        for op in self.operators:
            if op[0] == "anything-but" and op[1] == "wildcard":
                texts.extend(op[2])
        return texts

    def finish(self) -> Callable[[list[Any] | None], bool]:
        strs = frozenset(self.strs)
        nums = frozenset(self.nums)
        has_true = True in [v is True for v in self.lits]
        has_false = True in [v is False for v in self.lits]
        has_null = True in [v is None for v in self.lits]
        leaf = tuple(self.leaf)
        ips = tuple(self.ip_strs)
        exists_true, exists_false = self.exists_true, self.exists_false
        if strs and not (nums or self.lits or leaf or ips or exists_true or exists_false):
            return _strings_test(strs)

        def test(values: list[Any] | None) -> bool:
            if not values:
                return exists_false
            if exists_true:
                return True
            for v in values:
                t = v.__class__
                if t is str:
                    if strs and v in strs:  # a long string is hashed only to be looked up
                        return True
                    if ips:
                        a = ip_of(v)
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


# One test for each set of strings, shared by every field of only those strings (the commonest field:
# a source, a detail-type), so that checking many rules' branches reads one test, not one per rule.
_STRINGS_TESTS: weakref.WeakValueDictionary[frozenset[str], Callable[[list[Any] | None], bool]] = (
    weakref.WeakValueDictionary())


def _strings_test(strs: frozenset[str]) -> Callable[[list[Any] | None], bool]:
    test = _STRINGS_TESTS.get(strs)
    if test is None:
        def test(values: list[Any] | None) -> bool:
            if not values:
                return False
            try:
                if strs.isdisjoint(values):  # a leaf that is no string equals none of them
                    return False
            except TypeError:  # an unhashable leaf of a hand-built event (a set, a bytearray): no string
                pass
            # One that equals a string may still be no str (a str subclass, such as an enum's member
            # in a hand-built event), which no other test, nor the rule index, takes for a string.
            for v in values:
                if v.__class__ is str and v in strs:
                    return True
            return False

        test = _STRINGS_TESTS.setdefault(strs, test)
    return test


def number_key(n: int | float) -> Hashable:
    return ("\x00n", n)


def literal_key(v: Any) -> Hashable:
    return ("\x00l", repr(v))


def leaf_key(v: Any) -> Hashable | None:
    t = v.__class__
    if t is str:
        return v
    if t is bool or v is None:
        return ("\x00l", repr(v))
    if t is int or t is float:
        return ("\x00n", v)
    return None


class Compiler:
    def __init__(self, text: str) -> None:
        self.r = _Reader(text)
        self.branches: list[dict[str, Field]] = []

    def run(self) -> list[dict[str, Field]]:
        r = self.r
        if r.next() != _OBJ:
            raise r.error("Filter is not an object")
        self.parse_object(self.branches, [], False)
        return self.branches

    def parse_object(self, rules: list[dict[str, Field]], path: list[str], in_or: bool) -> None:
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

    def parse_or(self, rules: list[dict[str, Field]], path: list[str]) -> None:
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
                raise Refusal(TOO_MANY_COMBINATIONS)
        if count < 2:
            raise r.error("There must have at least 2 Objects in $or relationship.")

    def write_rules(self, rules: list[dict[str, Field]], name: str) -> None:
        r = self.r
        field = Field()
        while True:
            tok = r.next()
            if tok == _END_ARR:
                break
            field.count += 1
            if tok == _OBJ:
                self.match_expression(field)
            elif tok == _STR:
                text = r.text()
                addr = ip_of(text)
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
    def match_expression(self, field: Field) -> None:
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
            field.operators.append((op, text))
            field.spec.append({op: text})
        elif op == "equals-ignore-case":
            if r.next() != _STR:
                raise r.error("equals-ignore-case match pattern must be a string")
            low = r.text().lower()
            self.end_object()
            field.leaf.append(lambda v, p=low: v.__class__ is str and lowered(v) == p)
            field.operators.append(("lower", low))
            field.spec.append({op: low})
        elif op == "wildcard":
            if r.next() != _STR:
                raise r.error("wildcard match pattern must be a string")
            text = r.text()
            _check_wildcard(r, text)
            self.end_object()
            wildcard = Wildcard(text)
            field.leaf.append(wildcard)
            field.operators.append(("wildcard", wildcard))
            field.wildcards.append(text)
            field.spec.append({op: text})
        elif op == "numeric":
            if r.next() != _ARR:
                raise r.error("Value of numeric must be an array.")
            rng = self.numeric()
            if r.next() != _END_OBJ:
                raise r.error("Too many elements in numeric expression")
            field.leaf.append(rng)
            field.operators.append(("numeric", rng))
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
                a = ip_of(v)
                return a is not None and a.version == net.version and a in net

            field.leaf.append(in_net)
            field.operators.append(("cidr", net))
            field.spec.append({op: str(net)})
        else:
            raise r.error(f"Unrecognized match type {op}")

    def end_object(self) -> None:
        if self.r.next() != _END_OBJ:
            raise self.r.error("Only one key allowed in match expression")

    def affix_ignore_case(self, field: Field, op: str) -> None:
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
            field.leaf.append(lambda v, p=low: v.__class__ is str and lowered(v).startswith(p))
        else:
            field.leaf.append(lambda v, p=low: v.__class__ is str and lowered(v).endswith(p))
        field.operators.append((op, low, "lower"))
        field.spec.append({op: {"equals-ignore-case": low}})

    def numeric(self) -> NumericRange:
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
                return NumericRange(val, False, val, False)
            if op in ("<", "<="):
                if r.next() != _END_ARR:
                    raise r.error("Too many elements in numeric expression")
                return NumericRange(-math.inf, False, val, op == "<")
            tok = r.next()
            if tok == _END_ARR:
                return NumericRange(val, op == ">", math.inf, False)
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
            return NumericRange(val, op == ">", top, top_op == "<")
        except _NumberRange as e:
            raise r.error(str(e)) from None

    @staticmethod
    def comparable(raw: str) -> float:
        v = float(raw)
        if not -_FIVE_BILLION <= v <= _FIVE_BILLION:
            raise _NumberRange("Value must be between -5.0E9 and 5.0E9, inclusive")
        return v

    def anything_but(self, field: Field) -> None:
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
        field.operators.append(("anything-but", kind, tuple(values)))
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
        except Refusal as e:
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


TOO_MANY_COMBINATIONS = (f"The event pattern has more than {MAX_COMBINATIONS} combinations of $or "
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
        return lambda v: not (is_comparable(v) and v in excluded_n)
    if kind == "equals-ignore-case":
        lows = frozenset(s.lower() for s in values)
        return lambda v: not (v.__class__ is str and lowered(v) in lows)
    if kind == "prefix":
        pre = tuple(values)
        return lambda v: not (v.__class__ is str and v.startswith(pre))
    if kind == "suffix":
        suf = tuple(values)
        return lambda v: not (v.__class__ is str and v.endswith(suf))
    matchers = tuple(Wildcard(t) for t in values)
    if len(matchers) == 1:
        (matcher,) = matchers
        return lambda v: not matcher(v)
    return lambda v: not any(m(v) for m in matchers)


# --------------------------------------------------------------------------------------------
# Wildcard complexity: the most NFA states (over all wildcard texts of one field) that a single
# input string can keep alive at once, the criterion event-ruler's complexity evaluator uses.

def wildcard_complexity(texts: Iterable[str], limit: int) -> int:
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
        # A character that no thread of ``cur`` expects leads where any other such one does: to the
        # threads waiting at a star. So only the characters expected here, and one other, are tried.
        stay: list[tuple[int, int]] = []
        advance: dict[str, list[tuple[int, int]]] = {}
        for p, j in cur:
            prog = progs[p]
            if j >= len(prog):
                continue
            t = prog[j]
            if t is None:
                stay.append((p, j))
            else:
                advance.setdefault(t, []).append((p, j + 1))
        for nxt in [stay + moved for moved in advance.values()] + [stay]:
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


def check_limits(branches: list[dict[str, Field]]) -> None:
    """Refuse a compiled pattern over AWS's limits: too many $or combinations, or wildcards too
    complex on one path."""
    combos = 0
    for b in branches:
        n = 1
        for f in b.values():
            n *= max(f.count, 1)
        combos += n
    if combos > MAX_COMBINATIONS and len(branches) > 1:
        raise Refusal(TOO_MANY_COMBINATIONS)
    per_path: dict[str, set[str]] = {}
    for b in branches:
        for path, f in b.items():
            if f.wildcards:
                per_path.setdefault(path, set()).update(f.wildcards)
    for texts in per_path.values():
        if wildcard_complexity(texts, WILDCARD_COMPLEXITY_LIMIT) > WILDCARD_COMPLEXITY_LIMIT:
            raise Refusal("Rule is too complex - try using fewer wildcard characters or fewer "
                          "repeating character sequences after a wildcard character")
