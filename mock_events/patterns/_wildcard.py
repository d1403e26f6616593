"""Wildcard patterns (``*`` for any run of characters, ``\\*`` and ``\\\\`` escaped), matched in time linear
in the value's length: EventBridge's matcher never backtracks, so neither may ours.

One wildcard alone scans a value with ``str.find``. The literals between the stars of the wildcards
of one path of a bus are also compiled together into one machine (an RE2 set searching for all of them,
an Aho-Corasick automaton in effect), which says in one pass over a long value which of them occur in
it: the rule index runs it once per long value of an event (over the first ``CHUNK_BYTES`` bytes of its
UTF-8 first: when every literal is there, that answers for the whole value; else over the rest), and
each wildcard then reads its answer, worked out once per value.
A wildcard one of whose literals does not occur cannot match; ``*literal*`` matches when its literal
occurs. Any other wildcard whose literals all occur needs to know where: each literal is looked for
with ``str.find`` from where the previous one ended, within ``CHUNK`` characters; further on, only in
the stretches of ``CHUNK`` characters it occurs in, which the machine, run once more over each
stretch, tells (once per value, when a wildcard first needs it).

The machine looks for literals, not for whole wildcards: a machine for whole wildcards keeps in each of
its states how far every wildcard has come, so a value that moves many of them along (any varied text)
makes it build a new state at almost every character (seconds for a 250 KB value and 300 rules, against
milliseconds for scanning). A literal search's states are the literals' prefixes, however many rules.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

try:
    import re2
except ImportError:  # pragma: no cover - a dependency; without it each wildcard scans on its own
    re2 = None

# Values shorter than this are scanned by each wildcard on its own, which costs less than a pass of
# the machine; at this length and above, one pass of the machine costs less than a few scans.
LONG_VALUE = 1024


class Wildcard:
    """One compiled wildcard text: the literal segments between its unescaped stars.

    ``"ab*c*d"`` has segments ``("ab", "c", "d")``; a text without a star has one segment and matches
    only itself. ``prefix`` and ``suffix`` are the literals a matching value must start and end with
    (both ``""`` when the text starts and ends with a star), which the rule index files it under.
    """

    __slots__ = ("text", "segments", "prefix", "suffix", "_middle", "_fixed", "_alone", "_hash")

    def __init__(self, text: str) -> None:
        self.text = text
        segments: list[str] = []
        current: list[str] = []
        i = 0
        while i < len(text):
            c = text[i]
            if c == "*":
                segments.append("".join(current))
                current = []
            elif c == "\\" and i + 1 < len(text):
                i += 1
                current.append(text[i])
            else:
                current.append(c)
            i += 1
        segments.append("".join(current))
        self.segments = tuple(segments)
        self.prefix = segments[0]
        self.suffix = segments[-1] if len(segments) > 1 else segments[0]
        self._middle = tuple(s for s in segments[1:-1] if s)
        self._fixed = len(self.prefix) + len(self.suffix) if len(segments) > 1 else -1
        # "*literal*": matches exactly the values the literal occurs in.
        self._alone = not self.prefix and not self.suffix and len(self._middle) == 1
        self._hash = hash(text)

    @property
    def literals(self) -> tuple[str, ...]:
        """The literals between stars that a matching value holds in this order (no empty one)."""
        return self._middle

    @property
    def alone_literal(self) -> str | None:
        """The literal of a ``*literal*`` wildcard, which matches exactly the values holding it; else None."""
        return self._middle[0] if self._alone else None

    @property
    def scans(self) -> bool:
        """Whether matching looks inside a value (a literal between two stars), not only at its ends."""
        return bool(self._middle)

    def __eq__(self, other: object) -> bool:
        return other.__class__ is Wildcard and other.text == self.text  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return self._hash

    def __call__(self, value: Any) -> bool:
        """Whether ``value`` (any event leaf) is a string this wildcard matches: what a machine run
        over ``value`` answered, when one did (see ``WildcardSet.remember``), else a scan."""
        if value.__class__ is not str:
            return False
        if self._middle and len(value) >= LONG_VALUE:
            known = _known.get(id(value))
            if known is not None and known.value is value:
                text = self.text
                if text in known.answered:  # "*literal*": whether the machine found its literal
                    return known.plans[text][0] in known.found
                answer = known.answers.get(text)
                if answer is None:
                    known.answers[text] = answer = self._ends_fit(value) and self._read(value, known)
                return answer
        if self._fixed < 0:
            return value == self.prefix
        return self._ends_fit(value) and (not self._middle or self._scan(value))

    def _ends_fit(self, value: str) -> bool:
        """Whether ``value`` starts with the prefix and ends with the suffix, apart."""
        return len(value) >= self._fixed and value.startswith(self.prefix) and value.endswith(self.suffix)

    def _read(self, value: str, known: _Answer) -> bool:
        """Whether ``value`` matches, from what the machine found in it."""
        # The machine's id of each literal; None for one it does not look for (see _machine_literals).
        numbers = known.plans.get(self.text)
        if numbers is None:  # a wildcard of another path asking of the same string
            numbers = tuple(known.ids.get(literal) for literal in self._middle)
        found = known.found
        for i in numbers:
            if i is not None and i not in found:
                return False
        if self._alone and numbers[0] is not None:
            return True
        return self._scan_known(value, numbers, known)

    def _scan(self, value: str) -> bool:
        """Whether the middle segments are in order between ``value``'s prefix and suffix.

        Each middle segment is taken at its leftmost place after the previous one: a leftmost
        place leaves the most room for what follows, so no other choice needs to be tried, and
        the scan is one left-to-right pass of ``str.find``.
        """
        pos = len(self.prefix)
        end = len(value) - len(self.suffix)
        for segment in self._middle:
            found = value.find(segment, pos, end)
            if found < 0:
                return False
            pos = found + len(segment)
        return True

    def _scan_known(self, value: str, numbers: Sequence[int | None], known: _Answer) -> bool:
        """``_scan``, where a literal not found within ``CHUNK`` characters is looked for further on
        only in the stretches the machine says it starts in (for a literal the machine knows: its
        id in ``numbers``; one it does not know is looked for further on by ``str.find``)."""
        pos = len(self.prefix)
        end = len(value) - len(self.suffix)
        for literal, i in zip(self._middle, numbers):
            size = len(literal)
            # occurrences starting before ``pos + CHUNK`` are looked for first
            stop = pos + CHUNK + size - 1
            found = value.find(literal, pos, stop if stop < end else end)
            if found < 0:
                near = pos + CHUNK
                if near > end - size:
                    return False
                where = known.chunks() if i is not None else None
                if where is None:
                    found = value.find(literal, near, end)
                else:
                    chunks = where.get(i, ())
                    k = bisect_left(chunks, near // CHUNK)
                    while found < 0 and k < len(chunks):
                        start = chunks[k] * CHUNK
                        # the occurrences that start in this stretch, at ``near`` or after
                        found = value.find(literal, max(near, start), min(end, start + CHUNK + size - 1))
                        k += 1
                if found < 0:
                    return False
            pos = found + size
        return True

    def __repr__(self) -> str:
        return f"Wildcard({self.text!r})"


# The stretches of a value in which the machine says where literals start.
CHUNK = 4096
# The first stretch of a value's UTF-8 the machine reads alone (see WildcardSet.remember).
CHUNK_BYTES = 4096


class _Answer:
    """What a machine found in one value: ``found``, the ids (in ``ids``, literal -> id; ``literal_of``,
    id -> literal) of the literals that occur in it, which answer for the ``*literal*`` wildcards
    (``answered``); once a wildcard asks, in which stretches of ``CHUNK`` characters each literal
    starts; and each other wildcard's answer, once given (a rule's wildcard may be asked when the rule
    index looks for candidates and again when it checks them)."""

    __slots__ = ("value", "machine", "ids", "plans", "found", "literal_of", "answered", "answers", "_chunks",
                 "_stretches_read", "_literals", "_longest")

    def __init__(self, value: str, compiled: _Compiled, found: frozenset[int]) -> None:
        self.value, self.found = value, found
        self.machine, self.ids, self.plans = compiled.machine, compiled.ids, compiled.plans
        self.literal_of, self.answered, self._longest = compiled.literal_of, compiled.alone_texts, compiled.longest
        self._literals: frozenset[str | None] | None = None
        self.answers: dict[str, bool] = {}  # wildcard text -> whether the value matches it
        self._chunks: dict[int, list[int]] | None = None
        self._stretches_read = False  # whether the stretches were read (then _chunks is None if that failed)

    def literals_found(self) -> frozenset[str | None]:
        """The literals found (and None, for the machine's id 0, which every value matches)."""
        literals = self._literals
        if literals is None:
            self._literals = literals = frozenset(map(self.literal_of.__getitem__, self.found))
        return literals

    def chunks(self) -> dict[int, list[int]] | None:
        """Literal id -> the numbers of the stretches (in order) each of its occurrences starts in,
        and perhaps some more; None if the machine gave up on a stretch."""
        if not self._stretches_read:
            self._stretches_read = True
            value = self.value
            # Each stretch is read on to the end of the longest literal that starts in it.
            reach = CHUNK + self._longest - 1
            chunks: dict[int, list[int]] = {}
            for n, start in enumerate(range(0, len(value), CHUNK)):
                try:
                    matched = self.machine.Match(value[start:start + reach])
                except UnicodeEncodeError:  # a lone surrogate past the first stretch (see remember)
                    return None
                if not matched or 0 not in matched:
                    return None
                for i in matched:
                    if i in chunks:
                        chunks[i].append(n)
                    else:
                        chunks[i] = [n]
            self._chunks = chunks
        return self._chunks


# Answers of machines run on values still being matched, by id(value). Each answer holds its value,
# so an id is never read for another value; what one thread reads another wrote for the same value,
# which is the same answer.
_known: dict[int, _Answer] = {}

# The most literals of one machine that may end at one character of a value. The machine names every
# literal ending at each character it reads, so literals that end one another ("b", "ab", "aab", ...)
# would cost that many names per character of a value like "aaaa...ab"; a literal that would make the
# chain longer is left out of the machine, and its wildcards scan.
SUFFIX_CHAIN = 8

# The most memory (bytes) a machine's states may take. Its states are its literals' prefixes (one per
# byte of UTF-8 at most), each a pointer for each class of byte RE2 tells apart plus some: so this
# bounds the literals a machine holds to what RE2's budget keeps (beyond it, RE2 drops its states and
# builds them again as it goes: 130 rules *<1,900 characters>* cost 300 ms per event, against 4 ms
# for scanning). Literals beyond it scan; the shortest go in first, as a long literal is the one
# str.find skips along fastest.
MACHINE_MEMORY = 8 << 20


def state_memory(literal_bytes: int, distinct_bytes: int) -> int:
    """At most the memory of the states of a machine of literals of ``literal_bytes`` bytes in all,
    made of ``distinct_bytes`` different bytes (which make at most twice as many classes, and one)."""
    return (literal_bytes + 1) * ((2 * distinct_bytes + 3) * 8 + 96)


def _pattern(literal: str) -> str:
    """The RE2 syntax of ``literal``: every character itself (ASCII punctuation and controls
    hex-escaped, so none reads as syntax)."""
    return "".join(c if c.isalnum() or ord(c) > 127 else f"\\x{{{ord(c):x}}}" for c in literal)


def _machine_literals(wildcards: list[Wildcard]) -> list[str]:
    """The distinct literals of ``wildcards`` that go into one machine: shortest first, each
    unless ``SUFFIX_CHAIN`` literals of the machine would then end at one character, until their
    states may take ``MACHINE_MEMORY``. A literal of one character is left out: ``str.find`` finds it at memory
    speed, while the machine, should it be frequent, would name it at every character of the value.
    So is a literal the machine cannot read (a lone surrogate is no UTF-8)."""
    encoded: dict[str, bytes] = {}
    for wildcard in wildcards:
        for literal in wildcard.literals:
            if len(literal) > 1 and literal not in encoded:
                try:
                    encoded[literal] = literal.encode("utf-8")
                except UnicodeEncodeError:
                    pass
    chain: dict[str, int] = {}  # literal -> the longest chain of machine literals ending it, itself included
    lengths: list[int] = []
    total, distinct = 0, set()
    for literal in sorted(encoded, key=lambda literal: len(encoded[literal])):
        raw = encoded[literal]
        if state_memory(total + len(raw), len(distinct.union(raw))) > MACHINE_MEMORY:
            break
        n = len(literal)
        longest = max((chain.get(literal[n - k:], 0) for k in lengths if k < n), default=0) + 1
        if longest <= SUFFIX_CHAIN:
            chain[literal] = longest
            total += len(raw)
            distinct.update(raw)
            if n not in lengths:
                lengths.append(n)
    return list(chain)


class _Compiled:
    """A machine and what reading its answers needs: ``ids``, literal -> the machine's id of it, and
    ``literal_of``, id -> literal (None for id 0); ``plans``, wildcard text -> the id of each of its
    literals (None for one the machine does not look for); ``alone_texts``, the texts of the
    ``*literal*`` wildcards whose answers are the machine's (their literal is one it looks for)."""

    __slots__ = ("machine", "ids", "literal_of", "plans", "alone_texts", "overlap", "longest")

    def __init__(self, machine: Any, ids: dict[str, int], wildcards: list[Wildcard]) -> None:
        self.machine, self.ids = machine, ids
        self.literal_of: list[str | None] = [None] * (max(ids.values(), default=0) + 1)
        for literal, i in ids.items():
            self.literal_of[i] = literal
        # Bytes of UTF-8 a literal may reach back over, when it ends past where a stretch starts.
        self.overlap = max((len(literal.encode("utf-8")) for literal in ids), default=1) - 1
        self.longest = max(map(len, ids), default=1)  # in characters
        self.plans: dict[str, tuple[int | None, ...]] = {}
        alone: list[str] = []
        for wildcard in wildcards:
            numbers = tuple(ids.get(literal) for literal in wildcard.literals)
            self.plans[wildcard.text] = numbers
            if wildcard.alone_literal is not None and numbers[0] is not None:
                alone.append(wildcard.text)
        self.alone_texts = frozenset(alone)


class WildcardSet:
    """The wildcard texts of one path of a bus (counted, as several rules may share one), and the
    machine that finds their literals in a value in one pass, made when first needed after a change."""

    __slots__ = ("_counts", "_compiled", "_built")

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        # The machine and its ids of the literals, as one value: a thread reading it while another
        # builds sees one build or the other, never a machine with another build's ids.
        self._compiled: _Compiled | None = None
        self._built = True  # nothing to build yet

    def __len__(self) -> int:
        return len(self._counts)

    def add(self, text: str) -> None:
        count = self._counts.get(text, 0)
        self._counts[text] = count + 1
        if not count:
            self._built = False

    def discard(self, text: str) -> None:
        count = self._counts.get(text)
        if count is None:
            return
        if count > 1:
            self._counts[text] = count - 1
        else:
            del self._counts[text]
            self._built = False

    def _build(self) -> None:
        self._built = True
        self._compiled = None
        if re2 is None:
            return
        options = re2.Options()
        options.dot_nl = True
        options.log_errors = False
        options.max_mem = 32 << 20
        machine = re2.Set.SearchSet(options)
        ids: dict[str, int] = {}
        wildcards = [Wildcard(text) for text in self._counts]
        try:
            # Index 0 matches every value (at its start), so an answer without it is a pass the
            # machine gave up on (RE2 stops when its memory budget runs out).
            machine.Add(r"\A")
            for literal in _machine_literals(wildcards):
                ids[literal] = machine.Add(_pattern(literal))
            machine.Compile()
        except re2.error:  # too large to compile within the budget: each wildcard scans alone
            return
        self._compiled = _Compiled(machine, ids, wildcards)

    def remember(self, value: str) -> bool:
        """Run the machine over ``value`` and keep which literals occur, for the wildcards to read until
        ``forget(value)``; ``False`` (nothing kept) when there is no machine or it gave up."""
        if not self._built:
            self._build()
        compiled = self._compiled
        if compiled is None:
            return False
        machine = compiled.machine
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: never in an event, but scanning still answers
            return False
        # The first stretch first: when every literal is in it (frequent literals, which the machine
        # would name at almost every character), it answers for the whole value. Else the rest, from
        # where a literal that ends past the first stretch may start (a memoryview: no copy).
        matched = machine.Match(data[:CHUNK_BYTES])
        if not matched or 0 not in matched:
            return False
        found = frozenset(matched)
        if len(found) <= len(compiled.ids) and len(data) > CHUNK_BYTES:
            rest = machine.Match(memoryview(data)[CHUNK_BYTES - compiled.overlap:])
            if not rest or 0 not in rest:
                return False
            found = found.union(rest)
        _known[id(value)] = _Answer(value, compiled, found)
        return True


def answer_of(value: str) -> _Answer | None:
    """What a machine found in ``value``, if one ran over it (see ``WildcardSet.remember``)."""
    known = _known.get(id(value))
    return known if known is not None and known.value is value else None


def forget(value: str) -> None:
    """Drop the answers kept for ``value``."""
    _known.pop(id(value), None)
