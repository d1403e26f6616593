"""Wildcard patterns (``*`` for any run of characters, ``\\*`` and ``\\\\`` escaped), matched in time linear
in the value's length: EventBridge's matcher never backtracks, so neither may ours."""

from __future__ import annotations

from typing import Any


class Wildcard:
    """One compiled wildcard text: the literal segments between its unescaped stars.

    ``"ab*c*d"`` has segments ``("ab", "c", "d")``; a text without a star has one segment and matches
    only itself. ``prefix`` and ``suffix`` are the literals a matching value must start and end with
    (both ``""`` when the text starts and ends with a star), which the rule index files it under.
    """

    __slots__ = ("text", "segments", "prefix", "suffix", "_middle", "_fixed")

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

    def __call__(self, value: Any) -> bool:
        """Whether ``value`` (any event leaf) is a string this wildcard matches.

        Each middle segment is taken at its leftmost place after the previous one: a leftmost
        place leaves the most room for what follows, so no other choice needs to be tried, and
        the scan is one left-to-right pass of ``str.find``.
        """
        if value.__class__ is not str:
            return False
        if self._fixed < 0:
            return value == self.prefix
        if len(value) < self._fixed or not value.startswith(self.prefix) or not value.endswith(self.suffix):
            return False
        pos = len(self.prefix)
        end = len(value) - len(self.suffix)
        for segment in self._middle:
            found = value.find(segment, pos, end)
            if found < 0:
                return False
            pos = found + len(segment)
        return True

    def __repr__(self) -> str:
        return f"Wildcard({self.text!r})"
