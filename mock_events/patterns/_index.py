"""The rules of one bus compiled into one matching structure, so that matching an event costs what the
event's fields cost, not what the number of rules costs (as aws/event-ruler's machine does).

Each branch of a pattern (one side of its ``$or``s) is filed under one of its fields, the one likely
to let through the fewest events, and under every alternative of that field: an event that matches
the branch matches that field, so it reaches the branch through one of the alternatives. Each
alternative goes into the structure of its operator on the field's path:

- exact strings, numbers, literals, ``equals-ignore-case``: hash tables;
- ``prefix``, ``suffix`` (and their ignore-case forms): hash tables per literal length, probed with
  the value's slices of those lengths; a wildcard: under whichever of its prefix, its suffix or a
  literal between its stars the fewest branches share, the literals in a radix trie walked
  from each character of a value (see ``_Contains``);
- ``numeric`` ranges: a centred interval tree over floats' order-preserving 64-bit keys; ``cidr``
  and exact IP addresses: networks by mask length;
- ``anything-but`` strings: every such branch of the path minus those excluding the value;
- ``exists`` true (and what only needs a value at the path): by path; ``exists`` false: by absent path.

What the structures return are candidates: each is then checked against its whole branch, so the
index returns exactly the rules whose patterns match, and a structure may return more than it must
(never less). Branches left with equal tests share one ``_Tests``, checked once per event however
many branches come up with it.

Every wildcard on a path that looks inside a value (of ``wildcard`` and of ``anything-but``
``wildcard``, filed there or only checked there) is also in the path's ``WildcardSet``: a long value
of that path is matched against all of them in one pass before any is tried, so trying them and
checking branches cost lookups, however many rules share a wildcard.
"""

from __future__ import annotations

import bisect
import ipaddress
import struct
import threading
import weakref
from collections.abc import Hashable, Iterable
from itertools import chain
from typing import TYPE_CHECKING, Any, Callable

from ._compiler import Field, NumericRange, ip_of, is_comparable, leaf_key, literal_key, lowered, number_key
from ._event import flatten
from ._wildcard import LONG_VALUE, Wildcard, WildcardSet, answer_of, forget

if TYPE_CHECKING:
    from . import Pattern
    from ._wildcard import _Answer

_Test = Callable[[list[Any] | None], bool]


class _Tests:
    """The field tests left to check of a branch, as (path, test) pairs: one object for equal pairs
    (see ``_tests_of``), so that matching an event works out each once, however many branches share it
    (rules of one ``source`` filed under their ``detail-type``s all check that ``source``)."""

    __slots__ = ("pairs", "__weakref__")

    def __init__(self, pairs: tuple[tuple[str, _Test], ...]) -> None:
        self.pairs = pairs


# Tests are shared by equal fields (see _compiler._strings_test), so equal pairs are common.
_TESTS: weakref.WeakValueDictionary[tuple[tuple[str, _Test], ...], _Tests] = weakref.WeakValueDictionary()


def _tests_of(pairs: tuple[tuple[str, _Test], ...]) -> _Tests:
    tests = _TESTS.get(pairs)
    if tests is None:
        tests = _Tests(pairs)
        _TESTS[pairs] = tests
    return tests


# Keys of rules with a branch that matches when its tests do (see _Contains).
_Group = tuple[_Tests, Iterable[Hashable]]


class _Branch:
    """One branch of one rule's pattern: the rule's key and the branch's field tests left to check."""

    __slots__ = ("key", "tests")

    def __init__(self, key: Hashable, tests: tuple[tuple[str, _Test], ...]) -> None:
        self.key = key
        self.tests = _tests_of(tests)


class _Affixes:
    """Literal prefixes (or suffixes) of one path: text -> branches, probed once per distinct length."""

    __slots__ = ("by_text", "lengths", "_per_length")

    def __init__(self) -> None:
        self.by_text: dict[str, set[_Branch]] = {}
        self.lengths: list[int] = []
        self._per_length: dict[int, int] = {}

    def __bool__(self) -> bool:
        return bool(self.by_text)

    def add(self, text: str, branch: _Branch) -> None:
        bucket = self.by_text.get(text)
        if bucket is None:
            self.by_text[text] = bucket = set()
            n = len(text)
            count = self._per_length.get(n, 0)
            if not count:
                bisect.insort(self.lengths, n)
            self._per_length[n] = count + 1
        bucket.add(branch)

    def discard(self, text: str, branch: _Branch) -> None:
        bucket = self.by_text.get(text)
        if bucket is None:
            return
        bucket.discard(branch)
        if not bucket:
            del self.by_text[text]
            n = len(text)
            count = self._per_length[n] - 1
            if count:
                self._per_length[n] = count
            else:
                del self._per_length[n]
                self.lengths.remove(n)

    def size(self, text: str) -> int:
        return len(self.by_text.get(text, ()))

    def prefixes_of(self, value: str, out: set[_Branch]) -> None:
        get, n = self.by_text.get, len(value)
        for length in self.lengths:
            if length > n:
                break
            hit = get(value[:length])
            if hit:
                out |= hit

    def suffixes_of(self, value: str, out: set[_Branch]) -> None:
        get, n = self.by_text.get, len(value)
        for length in self.lengths:
            if length > n:
                break
            hit = get(value[n - length:])
            if hit:
                out |= hit


class _Keys:
    """The literals the wildcards of a ``_Contains`` are keyed by, each with the texts keyed by it
    (``texts_of``), in a radix trie: each edge holds the characters its keys share down to where
    they part, so a key costs a node or two and its characters once, however long it is (a node per
    character took 350 KB for a literal of 1,900). ``within(value)`` walks it from each character of
    a value, an edge at a time, which costs what the value's stretches that begin keys cost, however
    many keys there are."""

    __slots__ = ("texts_of", "_root")

    # A node is a dict: under this name (no character has it), the key the node ends; under each
    # character, the edge that starts with it, as [its characters, the node it leads to]. Every node
    # but the root ends a key or parts two edges.
    _END = ""

    def __init__(self) -> None:
        self.texts_of: dict[str, set[str]] = {}
        self._root: dict[str, Any] = {}

    def add(self, key: str, text: str) -> None:
        texts = self.texts_of.get(key)
        if texts is not None:
            texts.add(text)
            return
        self.texts_of[key] = {text}
        node, i, n = self._root, 0, len(key)
        while i < n:
            edge = node.get(key[i])
            if edge is None:
                node[key[i]] = [key[i:], {self._END: key}]
                return
            label = edge[0]
            shared = 1
            while shared < len(label) and i + shared < n and label[shared] == key[i + shared]:
                shared += 1
            if shared < len(label):  # the key parts from the edge: a node where it does
                edge[0], edge[1] = label[:shared], {label[shared]: [label[shared:], edge[1]]}
            node = edge[1]
            i += shared
        node[self._END] = key

    def discard(self, key: str, text: str) -> None:
        texts = self.texts_of.get(key)
        if texts is None:
            return
        texts.discard(text)
        if texts:
            return
        del self.texts_of[key]
        trail: list[tuple[dict[str, Any], str]] = []  # (node, first character of the edge taken)
        node, i = self._root, 0
        while i < len(key):
            edge = node[key[i]]
            trail.append((node, key[i]))
            i += len(edge[0])
            node = edge[1]
        del node[self._END]
        for parent, c in reversed(trail):
            if node:
                if len(node) == 1 and self._END not in node:  # one edge on: joined to the one above
                    ((label, child),) = node.values()
                    edge = parent[c]
                    edge[0] += label
                    edge[1] = child
                break
            del parent[c]
            node = parent

    def within(self, value: str, budget: int) -> set[str] | None:
        """The keys that occur in ``value``; None when finding them takes more than ``budget`` steps
        (an edge compared is a step: keys that begin one another, ``ab``, ``abc``, ``abcd`` ...,
        along a value that repeats them take one step per key at each character)."""
        found: set[str] = set()
        root, end, n, startswith = self._root, self._END, len(value), value.startswith
        for i, c in enumerate(value):
            edge = root.get(c)
            j = i
            while edge is not None:
                budget -= 1
                if budget < 0:
                    return None
                label, node = edge
                size = len(label)
                if size > 1 and not startswith(label, j):  # (its first character is value[j])
                    break
                j += size
                key = node.get(end)
                if key is not None:
                    found.add(key)
                if j == n:
                    break
                edge = node.get(value[j])
        return found


class _Contains:
    """Wildcards of one path filed by a literal between their stars (``*a*b*``; ``x*a*y`` too, when
    its prefix and suffix are busier), by text, each with its branches. Each text is keyed by the
    literal of its own that the fewest branches were keyed by when it came (``key_of``): a wildcard
    matches only values holding its key, and ``*key*`` exactly those.

    A value finds the wildcards whose keys it holds, and tries only those: a short value walks the
    keys' trie (``_Keys``) from each of its characters (unless that costs more than trying every
    wildcard); a long one reads what the path's machine found in it (see ``WildcardSet``): the
    ``*literal*`` wildcards it answers for all at once (see ``_Reading``), the others by their keys
    (``_Tried``)."""

    __slots__ = ("by_text", "wildcards", "key_of", "by_key", "_load", "_reading", "_tried")

    def __init__(self) -> None:
        self.by_text: dict[str, set[_Branch]] = {}
        self.wildcards: dict[str, Wildcard] = {}
        self.key_of: dict[str, str] = {}  # wildcard text -> the literal it is keyed by
        self.by_key = _Keys()
        self._load: dict[str, int] = {}  # key -> how many branches its texts hold
        # Made at the first long value, then kept up to date as branches come and go.
        self._reading: _Reading | None = None
        self._tried: _Tried | None = None

    def __bool__(self) -> bool:
        return bool(self.by_text)

    def add(self, wildcard: Wildcard, branch: _Branch) -> None:
        text = wildcard.text
        if branch in self.by_text.get(text, ()):  # a field naming one wildcard twice
            return
        key = self.key_of.get(text)
        if key is None:
            self.key_of[text] = key = min(wildcard.literals, key=lambda literal: (self._load.get(literal, 0),
                                                                                  -len(literal)))
            self.by_key.add(key, text)
            self.wildcards[text] = wildcard
        _bucket_add(self.by_text, text, branch)
        self._load[key] = self._load.get(key, 0) + 1
        self._changed(wildcard, key, branch, True)

    def discard(self, wildcard: Wildcard, branch: _Branch) -> None:
        text = wildcard.text
        if branch not in self.by_text.get(text, ()):
            return
        _bucket_discard(self.by_text, text, branch)
        key = self.key_of[text]
        load = self._load[key] - 1
        if load:
            self._load[key] = load
        else:
            del self._load[key]
        if text not in self.by_text:
            del self.key_of[text], self.wildcards[text]
            self.by_key.discard(key, text)
        self._changed(wildcard, key, branch, False)

    def _changed(self, wildcard: Wildcard, key: str, branch: _Branch, added: bool) -> None:
        reading = self._reading
        if reading is not None and not reading.change(wildcard, branch, added):
            self._reading = None
        if self._tried is not None:
            self._tried.change(wildcard.text, key, added, wildcard.text in self.by_text)

    def size(self, wildcard: Wildcard) -> int:
        """How many branches a value meets through the key ``wildcard`` is filed by (or would be)."""
        key = self.key_of.get(wildcard.text)
        if key is not None:
            return self._load[key]
        return min(self._load.get(literal, 0) for literal in wildcard.literals)

    # A step of the walk along the keys' trie costs about this many times less than trying one
    # wildcard (0.15 us against 0.5 us, measured: an edge looked up and compared, a key found), and
    # a character of the value where no key starts, a quarter of a step: so a walk given up has cost
    # about what trying each wildcard does, not several times that.
    STEPS_PER_TRY = 3

    def matching(self, value: str, out: set[_Branch], groups: list[_Group]) -> None:
        known = answer_of(value) if len(value) >= LONG_VALUE else None
        if known is None:
            self._matching_by_keys(value, out)
            return
        reading = self._reading
        if reading is None:
            self._reading = reading = _Reading(self.by_text, self.wildcards)
        if reading.shared or reading.branches_of:
            found = known.literals_found()
            for tests, keys_of in reading.shared:
                literals = found.intersection(keys_of) if len(keys_of) < len(found) else found  # the fewer read
                groups.append((tests, chain.from_iterable(filter(None, map(keys_of.get, literals)))))
            if reading.branches_of:
                out.update(chain.from_iterable(filter(None, map(reading.branches_of.get, found))))
        tried = self._tried
        if tried is None or tried.ids is not known.ids:  # another machine
            self._tried = tried = _Tried(self.key_of, known.answered, known.ids)
        by_text, wildcards = self.by_text, self.wildcards
        for text in tried.texts_to_try(value, known, self.by_key):
            if wildcards[text](value):
                out |= by_text[text]

    def _matching_by_keys(self, value: str, out: set[_Branch]) -> None:
        """Add the branches of the wildcards ``value`` matches: those whose keys occur in it, or,
        when walking the keys' trie along it costs more, every wildcard tried."""
        by_text, wildcards = self.by_text, self.wildcards
        budget = self.STEPS_PER_TRY * len(wildcards) - len(value) // 4
        found = self.by_key.within(value, budget) if budget >= 0 else None
        if found is None:
            for text, hit in by_text.items():
                if wildcards[text](value):
                    out |= hit
            return
        texts_of = self.by_key.texts_of
        for key in found:
            for text in texts_of[key]:
                wildcard = wildcards[text]
                if wildcard.alone_literal is not None or wildcard(value):  # "*key*" holds
                    out |= by_text[text]


class _Tried:
    """The wildcards of a ``_Contains`` that a long value's machine does not answer for, which are
    tried on a value only when it holds their keys: by key, those whose keys the machine looks for
    (``known``: whether the value holds one is read from the machine's answer), and the others
    (``unknown``: looked for in the value one by one, or all at once by a walk of the keys' trie).
    Made when a machine first answers, then changed text by text."""

    __slots__ = ("answered", "ids", "known", "unknown")

    def __init__(self, key_of: dict[str, str], answered: frozenset[str], ids: dict[str, int]) -> None:
        self.answered, self.ids = answered, ids
        self.known: dict[str, set[str]] = {}
        self.unknown: dict[str, set[str]] = {}
        for text, key in key_of.items():
            self.change(text, key, True, True)

    def change(self, text: str, key: str, added: bool, kept: bool) -> None:
        """Take in ``text`` (keyed by ``key``) coming (``added``) or leaving; ``kept``: whether some
        branch still holds it."""
        if text in self.answered:
            return
        table = self.known if key in self.ids else self.unknown
        if added:
            _bucket_add(table, key, text)
        elif not kept:
            _bucket_discard(table, key, text)

    def texts_to_try(self, value: str, known: _Answer, keys: _Keys) -> Iterable[str]:
        """The texts whose keys ``value`` holds: the machine's answer (``known``) tells of the keys it
        looks for; the others are each looked for in ``value``, or, when there are so many that
        walking the trie of every key (``keys``) along it costs less, found by that walk (given up
        once it has cost what looking for each would, see ``_Keys.within``)."""
        known_keys = self.known
        if known_keys:
            found = known.literals_found()
            hits = [key for key in found if key in known_keys] if len(found) < len(known_keys) else \
                [key for key in known_keys if key in found]
            yield from chain.from_iterable(map(known_keys.__getitem__, hits))
        unknown = self.unknown
        if not unknown:
            return
        n = len(value)
        # Looking for a key costs about a fifth of a step of the walk (0.05 us of 0.15 us, measured)
        # and a step per 500 characters of the value it reads (0.3 ns each); the walk, a quarter of
        # a step per character, where no key starts.
        looks = len(unknown) * (100 + n) // 500 - n // 4
        walked = keys.within(value, looks) if looks >= 0 else None
        if walked is not None:
            yield from chain.from_iterable(filter(None, map(unknown.get, walked)))
            return
        for key, texts in unknown.items():
            if key in value:
                yield from texts


def _bucket_append(buckets: dict[Any, list[Any]], key: Any, item: Any) -> None:
    bucket = buckets.get(key)
    if bucket is None:
        buckets[key] = [item]
    else:
        bucket.append(item)


def _bucket_change(buckets: dict[Any, list[Any]], key: Any, item: Any, added: bool) -> None:
    if added:
        _bucket_append(buckets, key, item)
    else:
        bucket = buckets[key]
        bucket.remove(item)
        if not bucket:
            del buckets[key]


class _Reading:
    """How a ``_Contains`` reads the literals a machine found in a value (whatever the machine: its
    literals outlive its ids): the branches of the ``*literal*`` wildcards, by literal, as the keys of
    branches with the same tests left (``shared``, for tests shared by many, read and checked as a
    group, with no Python step per key), else as the branches (``branches_of``). Made once, then
    changed branch by branch (``change``)."""

    __slots__ = ("shared", "_groups", "branches_of", "_changes_left")

    # Tests shared by fewer branches than this go with their branches one by one, so that at most
    # 64 groups are read for each value, however many rules the path holds.
    SHARED = 16

    def __init__(self, by_text: dict[str, set[_Branch]], wildcards: dict[str, Wildcard]) -> None:
        by_tests: dict[_Tests, list[tuple[str, _Branch]]] = {}
        for text, branches in by_text.items():
            literal = wildcards[text].alone_literal
            if literal is not None:
                for branch in branches:
                    _bucket_append(by_tests, branch.tests, (literal, branch))
        read = sum(map(len, by_tests.values()))
        least = max(self.SHARED, read // 64)
        self._groups: dict[_Tests, dict[str, list[Hashable]]] = {}
        self.branches_of: dict[str, list[_Branch]] = {}
        for tests, pairs in by_tests.items():
            if len(pairs) >= least:
                self._groups[tests] = keys_of = {}
                for literal, branch in pairs:
                    _bucket_append(keys_of, literal, branch.key)
            else:
                for literal, branch in pairs:
                    _bucket_append(self.branches_of, literal, branch)
        self.shared = list(self._groups.items())
        # Branches changed one by one keep the groups they were made with: after this many changes,
        # making the reading again (which costs what its branches cost) is left to the next value.
        self._changes_left = read // 4 + self.SHARED

    def change(self, wildcard: Wildcard, branch: _Branch, added: bool) -> bool:
        """Take in ``branch`` coming to (``added``) or leaving ``wildcard``; False when the reading is
        better made again."""
        literal = wildcard.alone_literal
        if literal is None:
            return True
        self._changes_left -= 1
        if self._changes_left < 0:
            return False
        keys_of = self._groups.get(branch.tests)
        if keys_of is not None:
            _bucket_change(keys_of, literal, branch.key, added)
        else:
            _bucket_change(self.branches_of, literal, branch, added)
        return True


def _float_key(x: float) -> int:
    """An unsigned 64-bit key whose order is the order of the floats (-0.0 taken as 0.0)."""
    (bits,) = struct.unpack(">Q", struct.pack(">d", x + 0.0))
    return (~bits) & 0xFFFF_FFFF_FFFF_FFFF if bits >> 63 else bits | 1 << 63


class _Node:
    """The ranges whose ends first differ at one bit: every one of them holds the node's centre, so
    those holding a key left of it are a prefix of the list sorted by lower end, and those holding a
    key right of it a suffix of the list sorted by upper end."""

    __slots__ = ("los", "by_lo", "his", "by_hi")

    def __init__(self) -> None:
        self.los: list[int] = []
        self.by_lo: list[_Branch] = []
        self.his: list[int] = []
        self.by_hi: list[_Branch] = []

    def add(self, lo: int, hi: int, branch: _Branch) -> None:
        i = bisect.bisect_right(self.los, lo)
        self.los.insert(i, lo)
        self.by_lo.insert(i, branch)
        i = bisect.bisect_right(self.his, hi)
        self.his.insert(i, hi)
        self.by_hi.insert(i, branch)

    def discard(self, lo: int, hi: int, branch: _Branch) -> None:
        _remove_sorted(self.los, self.by_lo, lo, branch)
        _remove_sorted(self.his, self.by_hi, hi, branch)


def _remove_sorted(keys: list[int], branches: list[_Branch], key: int, branch: _Branch) -> None:
    i = bisect.bisect_left(keys, key)
    while i < len(keys) and keys[i] == key:
        if branches[i] is branch:
            del keys[i], branches[i]
            return
        i += 1


class _Ranges:
    """Numeric ranges of one path, closed at both ends (open ends are left to the branch check): a
    centred interval tree over the floats' order-preserving 64-bit keys. Each range is kept once, in
    the node of the highest bit where its ends' keys differ, so memory follows the number of ranges."""

    __slots__ = ("nodes", "points", "levels", "_per_level")

    def __init__(self) -> None:
        self.nodes: dict[tuple[int, int], _Node] = {}  # (bit, key >> (bit + 1)) -> node
        self.points: dict[int, set[_Branch]] = {}  # ranges of one value
        self.levels: list[int] = []  # bits that have nodes
        self._per_level: dict[int, int] = {}

    def __bool__(self) -> bool:
        return bool(self.points) or bool(self.levels)

    @staticmethod
    def _place(rng: NumericRange) -> tuple[int, int, int]:
        lo, hi = _float_key(rng.lo), _float_key(rng.hi)
        return lo, hi, (lo ^ hi).bit_length() - 1

    def add(self, rng: NumericRange, branch: _Branch) -> None:
        lo, hi, bit = self._place(rng)
        if bit < 0:
            _bucket_add(self.points, lo, branch)
            return
        node = self.nodes.get((bit, lo >> (bit + 1)))
        if node is None:
            self.nodes[(bit, lo >> (bit + 1))] = node = _Node()
            count = self._per_level.get(bit, 0)
            if not count:
                bisect.insort(self.levels, bit)
            self._per_level[bit] = count + 1
        node.add(lo, hi, branch)

    def discard(self, rng: NumericRange, branch: _Branch) -> None:
        lo, hi, bit = self._place(rng)
        if bit < 0:
            _bucket_discard(self.points, lo, branch)
            return
        where = (bit, lo >> (bit + 1))
        node = self.nodes.get(where)
        if node is None:
            return
        node.discard(lo, hi, branch)
        if not node.los:
            del self.nodes[where]
            count = self._per_level[bit] - 1
            if count:
                self._per_level[bit] = count
            else:
                del self._per_level[bit]
                self.levels.remove(bit)

    def load(self, rng: NumericRange) -> int:
        """How many ranges hold either end of ``rng``: about how many an event in ``rng`` meets.
        Counted, not gathered: a bisection per level."""
        return max(self._holding(_float_key(rng.lo)), self._holding(_float_key(rng.hi)))

    def _holding(self, key: int) -> int:
        count = len(self.points.get(key, ()))
        nodes = self.nodes
        for bit in self.levels:
            node = nodes.get((bit, key >> (bit + 1)))
            if node is not None:
                count += (len(node.his) - bisect.bisect_left(node.his, key) if key >> bit & 1
                          else bisect.bisect_right(node.los, key))
        return count

    def containing(self, value: float, out: set[_Branch]) -> None:
        key = _float_key(value)
        if self.points:
            hit = self.points.get(key)
            if hit:
                out |= hit
        nodes = self.nodes
        for bit in self.levels:
            node = nodes.get((bit, key >> (bit + 1)))
            if node is None:
                continue
            if key >> bit & 1:  # right of the centre: the ranges reaching up to key
                out.update(node.by_hi[bisect.bisect_left(node.his, key):])
            else:
                out.update(node.by_lo[:bisect.bisect_right(node.los, key)])


_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class _Networks:
    """CIDR blocks and exact addresses of one path: (version, mask length) -> network bits -> branches."""

    __slots__ = ("by_mask",)

    def __init__(self) -> None:
        self.by_mask: dict[tuple[int, int], dict[int, set[_Branch]]] = {}

    def __bool__(self) -> bool:
        return bool(self.by_mask)

    @staticmethod
    def _place(net: _Network) -> tuple[tuple[int, int], int]:
        return (net.version, net.prefixlen), int(net.network_address) >> (net.max_prefixlen - net.prefixlen)

    def add(self, net: _Network, branch: _Branch) -> None:
        mask, bits = self._place(net)
        self.by_mask.setdefault(mask, {}).setdefault(bits, set()).add(branch)

    def discard(self, net: _Network, branch: _Branch) -> None:
        mask, bits = self._place(net)
        table = self.by_mask.get(mask)
        bucket = table.get(bits) if table is not None else None
        if bucket is None:
            return
        bucket.discard(branch)
        if not bucket:
            del table[bits]  # type: ignore[union-attr]
            if not table:
                del self.by_mask[mask]

    def size(self, net: _Network) -> int:
        mask, bits = self._place(net)
        return len(self.by_mask.get(mask, {}).get(bits, ()))

    def containing(self, addr: _Address, out: set[_Branch]) -> None:
        n, version, width = int(addr), addr.version, addr.max_prefixlen
        for (v, length), table in self.by_mask.items():
            if v == version:
                hit = table.get(n >> (width - length))
                if hit:
                    out |= hit


def _bucket_add(table: dict[Any, set[Any]], key: Any, branch: Any) -> None:
    bucket = table.get(key)
    if bucket is None:
        table[key] = {branch}
    else:
        bucket.add(branch)


def _bucket_discard(table: dict[Any, set[Any]], key: Any, branch: Any) -> None:
    bucket = table.get(key)
    if bucket is not None:
        bucket.discard(branch)
        if not bucket:
            del table[key]


# What an alternative of a field needs of the event, as filed: (structure, key) pairs of _Path.
_Alternative = tuple[str, Any]

# Roughly how many events of a stream an alternative lets through, relative to an exact value.
_WEIGHT = {"exact": 1, "lower": 1, "ip": 1, "prefix": 2, "suffix": 2, "prefix_lower": 2,
           "suffix_lower": 2, "ranges": 4, "networks": 4, "contains": 8, "anything_but": 16,
           "present": 16, "absent": 24}


class _Path:
    """Every alternative filed under one path."""

    __slots__ = ("exact", "lower", "prefix", "suffix", "prefix_lower", "suffix_lower", "contains",
                 "ranges", "networks", "anything_but", "excluded", "present", "size")

    def __init__(self) -> None:
        self.exact: dict[Hashable, set[_Branch]] = {}
        self.lower: dict[str, set[_Branch]] = {}
        # Made on first use: most paths hold one or two kinds of alternative.
        self.prefix: _Affixes | None = None
        self.suffix: _Affixes | None = None
        self.prefix_lower: _Affixes | None = None
        self.suffix_lower: _Affixes | None = None
        self.contains: _Contains | None = None
        self.ranges: _Ranges | None = None
        self.networks: _Networks | None = None
        self.anything_but: set[_Branch] = set()
        self.excluded: dict[str, set[_Branch]] = {}  # anything-but string -> branches excluding it
        self.present: set[_Branch] = set()
        self.size = 0

    def bucket_size(self, alt: _Alternative) -> int:
        kind, key = alt
        if kind in ("exact", "lower"):
            return len(getattr(self, kind).get(key, ()))
        if kind in ("prefix", "suffix", "prefix_lower", "suffix_lower", "networks", "contains"):
            table = getattr(self, kind)
            return table.size(key) if table is not None else 0
        if kind == "anything_but":
            return len(self.anything_but)
        if kind == "present":
            return len(self.present)
        return self.ranges.load(key) if self.ranges is not None else 0

    def add(self, alt: _Alternative, branch: _Branch) -> None:
        kind, key = alt
        self.size += 1
        if kind in ("exact", "lower"):
            _bucket_add(getattr(self, kind), key, branch)
        elif kind == "anything_but":
            self.anything_but.add(branch)
            for text in key:
                _bucket_add(self.excluded, text, branch)
        elif kind == "present":
            self.present.add(branch)
        else:
            table = getattr(self, kind)
            if table is None:
                table = (_Ranges() if kind == "ranges" else _Networks() if kind == "networks"
                         else _Contains() if kind == "contains" else _Affixes())
                setattr(self, kind, table)
            table.add(key, branch)

    def discard(self, alt: _Alternative, branch: _Branch) -> None:
        kind, key = alt
        self.size -= 1
        if kind in ("exact", "lower"):
            _bucket_discard(getattr(self, kind), key, branch)
        elif kind == "anything_but":
            self.anything_but.discard(branch)
            for text in key:
                _bucket_discard(self.excluded, text, branch)
        elif kind == "present":
            self.present.discard(branch)
        else:
            getattr(self, kind).discard(key, branch)  # filed, so made

    def candidates(self, values: list[Any], out: set[_Branch], groups: list[_Group]) -> None:
        """Add to ``out`` the branches some alternative of which ``values`` (the path's leaves) may meet
        (or to ``groups``, those read in groups)."""
        if self.present:
            out |= self.present
        if self.anything_but:
            if self.excluded and len(values) == 1 and values[0].__class__ is str:  # (a long string: hashed)
                excluded = self.excluded.get(values[0])
                out |= self.anything_but - excluded if excluded else self.anything_but
            else:
                out |= self.anything_but
        exact, lower, ranges, networks = self.exact, self.lower, self.ranges, self.networks
        prefix, suffix, prefix_lower, suffix_lower = self.prefix, self.suffix, self.prefix_lower, self.suffix_lower
        contains = self.contains
        for v in values:
            t = v.__class__
            if t is str:
                if exact:
                    hit = exact.get(v)
                    if hit:
                        out |= hit
                if prefix:
                    prefix.prefixes_of(v, out)
                if suffix:
                    suffix.suffixes_of(v, out)
                if contains:
                    contains.matching(v, out, groups)
                if lower or prefix_lower or suffix_lower:
                    low = lowered(v)
                    if lower:
                        hit = lower.get(low)
                        if hit:
                            out |= hit
                    if prefix_lower:
                        prefix_lower.prefixes_of(low, out)
                    if suffix_lower:
                        suffix_lower.suffixes_of(low, out)
                if networks:
                    addr = ip_of(v)
                    if addr is not None:
                        networks.containing(addr, out)
            elif exact:
                hit = exact.get(leaf_key(v))
                if hit:
                    out |= hit
            if ranges and is_comparable(v):
                ranges.containing(float(v), out)


def _alternatives(field: Field, table: _Path | None) -> tuple[list[_Alternative], bool]:
    """Each alternative of a field, as the index files it (where ``table`` holds the field's path),
    and whether the structures it is filed in return a branch only for events the field matches, so
    that checking the branch need not test that field again: true when every alternative is an exact
    string, number or literal, an equals-ignore-case, a prefix or suffix (of either case), a wildcard
    filed by its whole text or by what it contains, or an ``exists``."""
    alts: list[_Alternative] = []
    decided = not field.ip_strs  # exact addresses are filed as networks, which are left to the check
    excluded: frozenset[str] | None = None
    for text in field.strs:
        addr = ip_of(text) if field.ip_strs else None
        if addr is not None:  # matches the same address written otherwise too
            alts.append(("networks", ipaddress.ip_network(addr)))
        else:
            alts.append(("exact", text))
    alts.extend(("exact", number_key(n)) for n in field.nums)
    alts.extend(("exact", literal_key(v)) for v in field.lits)
    for op in field.operators:
        kind = op[0]
        if kind in ("prefix", "suffix"):
            alts.append((kind + "_lower" if len(op) > 2 else kind, op[1]))
        elif kind == "lower":
            alts.append(("lower", op[1]))
        elif kind == "wildcard":
            alt = _wildcard_alternative(op[1], table)
            decided = decided and alt[0] in ("exact", "contains")
            alts.append(alt)
        else:
            decided = False
            if kind == "numeric":
                alts.append(("ranges", op[1]))
            elif kind == "cidr":
                alts.append(("networks", op[1]))
            elif kind == "anything-but":
                strings = frozenset(op[2] if not op[1] and op[2] and isinstance(op[2][0], str) else ())
                # One filing for all of a field's anything-buts: a value keeps the branch out only
                # when every one of them excludes it.
                excluded = strings if excluded is None else excluded & strings
    if excluded is not None:
        alts.append(("anything_but", excluded))
    if field.exists_true:
        alts.append(("present", None))
    if field.exists_false:
        alts.append(("absent", None))
    return alts, decided


def _scanning_wildcards(field: Field) -> list[str]:
    """The texts of the wildcards a field's tests try (see ``Field.tried_wildcards``) that look
    inside a value."""
    return [text for text in field.tried_wildcards() if Wildcard(text).scans]


def _wildcard_alternative(wildcard: Wildcard, table: _Path | None) -> _Alternative:
    """Where a wildcard is filed: by its text when it has no star; else by its prefix, its suffix or
    a literal between its stars (see ``_Contains``), whichever the fewest branches of ``table``
    share (the longest, when as many do); by the path alone when it is only stars."""
    if len(wildcard.segments) == 1:
        return ("exact", wildcard.prefix)
    options: list[tuple[int, _Alternative]] = []  # (the literal's length, negated; the alternative)
    if wildcard.prefix:
        options.append((-len(wildcard.prefix), ("prefix", wildcard.prefix)))
    if wildcard.suffix:
        options.append((-len(wildcard.suffix), ("suffix", wildcard.suffix)))
    if wildcard.literals:
        options.append((-max(map(len, wildcard.literals)), ("contains", wildcard)))
    if not options:
        return ("present", None)
    if len(options) == 1:
        return options[0][1]
    costed = [(_WEIGHT[alt[0]] * (1 + (table.bucket_size(alt) if table is not None else 0)), length, alt)
              for length, alt in options]
    return min(costed, key=lambda option: option[:2])[2]


class RuleIndex:
    """All patterns of one bus, compiled into one matching structure.

    ``add(key, pattern)`` and ``remove(key)`` cost what the pattern's size costs, whatever the
    number of rules; ``match(event)`` returns the keys of the patterns that match ``event`` (a
    dict: an event as delivered), exactly those ``pattern.matches(event)`` accepts. Threads may
    share an index: each call holds the index's lock while it reads or changes it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._patterns: dict[Hashable, Pattern] = {}
        self._paths: dict[str, _Path] = {}
        self._absent: dict[str, set[_Branch]] = {}
        self._placed: dict[Hashable, list[tuple[str, _Alternative, _Branch]]] = {}
        self._wildcards: dict[str, WildcardSet] = {}
        self._wildcards_of: dict[Hashable, list[tuple[str, str]]] = {}  # key -> (path, wildcard text)

    def __len__(self) -> int:
        return len(self._patterns)

    def __contains__(self, key: object) -> bool:
        return key in self._patterns

    def add(self, key: Hashable, pattern: Pattern) -> None:
        """File ``pattern`` under ``key``, replacing what ``key`` held."""
        if self._patterns.get(key) is pattern:  # PutRule again with the same pattern text (as in _add)
            return
        with self._lock:
            self._add(key, pattern)

    def _add(self, key: Hashable, pattern: Pattern) -> None:
        held = self._patterns.get(key)
        if held is pattern:  # PutRule again with the same pattern text: compiled patterns are shared
            return
        if held is not None:
            self._remove(key)
        self._patterns[key] = pattern
        placed: list[tuple[str, _Alternative, _Branch]] = []
        for fields, tests in zip(pattern._fields, pattern._branches):
            path, alts, decided = self._cheapest(fields)
            if decided:
                tests = tuple(test for test in tests if test[0] != path)
            branch = _Branch(key, tests)
            for alt in alts:
                if alt[0] == "absent":
                    _bucket_add(self._absent, path, branch)
                else:
                    table = self._paths.get(path)
                    if table is None:
                        self._paths[path] = table = _Path()
                    table.add(alt, branch)
                placed.append((path, alt, branch))
        self._placed[key] = placed
        wildcards = [(path, text) for fields in pattern._fields for path, field in fields.items()
                     for text in _scanning_wildcards(field)]
        if wildcards:
            for path, text in wildcards:
                table = self._wildcards.get(path)
                if table is None:
                    self._wildcards[path] = table = WildcardSet()
                table.add(text)
            self._wildcards_of[key] = wildcards

    def _cheapest(self, fields: dict[str, Field]) -> tuple[str, list[_Alternative], bool]:
        """The field of a branch likely to let the fewest events through, its alternatives, and
        whether filing it under them decides that field (see ``_alternatives``)."""
        best: tuple[int, str, list[_Alternative], bool] | None = None
        for path, field in fields.items():
            table = self._paths.get(path)
            alts, decided = _alternatives(field, table)
            cost = 0
            for alt in alts:
                if alt[0] == "absent":
                    load = len(self._absent.get(path, ()))
                else:
                    load = table.bucket_size(alt) if table is not None else 0
                cost += _WEIGHT[alt[0]] * (1 + load)
            if best is None or cost < best[0]:
                best = (cost, path, alts, decided)
        assert best is not None, "a branch always has a field"
        return best[1], best[2], best[3]

    def remove(self, key: Hashable) -> None:
        """Forget ``key``'s pattern (nothing when ``key`` holds none)."""
        with self._lock:
            self._remove(key)

    def _remove(self, key: Hashable) -> None:
        if self._patterns.pop(key, None) is None:
            return
        for path, alt, branch in self._placed.pop(key, ()):
            if alt[0] == "absent":
                _bucket_discard(self._absent, path, branch)
                continue
            table = self._paths[path]
            table.discard(alt, branch)
            if not table.size:
                del self._paths[path]
        for path, text in self._wildcards_of.pop(key, ()):
            wildcards = self._wildcards[path]
            wildcards.discard(text)
            if not wildcards:
                del self._wildcards[path]

    def match(self, event: dict) -> set[Hashable]:
        """The keys of the patterns that match ``event``."""
        if not self._patterns:
            return set()
        flat = flatten(event)
        remembered: dict[int, str] = {}  # by identity: equal values from JSON are distinct objects
        with self._lock:
            try:
                for path, wildcards in self._wildcards.items():
                    for v in flat.get(path, ()):
                        if (v.__class__ is str and len(v) >= LONG_VALUE and id(v) not in remembered
                                and wildcards.remember(v)):
                            remembered[id(v)] = v
                return self._match(flat)
            finally:
                for v in remembered.values():
                    forget(v)

    def _match(self, flat: dict[str, list[Any]]) -> set[Hashable]:
        candidates: set[_Branch] = set()
        groups: list[_Group] = []
        paths = self._paths
        for path, values in flat.items():
            table = paths.get(path)
            if table is not None:
                table.candidates(values, candidates, groups)
        for path, branches in self._absent.items():
            if path not in flat:
                candidates |= branches
        matched: set[Hashable] = set()
        get = flat.get
        verdicts: dict[_Tests, bool] = {}  # each shared set of tests is worked out once per event
        for tests, keys in groups:
            verdict = verdicts.get(tests)
            if verdict is None:
                verdicts[tests] = verdict = _holds(tests, get)
            if verdict:
                matched.update(keys)
        for branch in candidates:
            key = branch.key
            if key in matched:
                continue
            tests = branch.tests
            verdict = verdicts.get(tests)
            if verdict is None:
                verdicts[tests] = verdict = _holds(tests, get)
            if verdict:
                matched.add(key)
        return matched


def _holds(tests: _Tests, get: Callable[[str], list[Any] | None]) -> bool:
    """Whether each test holds of the leaves (``get``: path -> leaves) at its path."""
    for path, test in tests.pairs:
        if not test(get(path)):
            return False
    return True
