"""The identifiers one backend hands out, from a random source of its own (seeded: the same ids
in every run), and its creation order numbers."""

from __future__ import annotations

import itertools
import os
import random
import threading

# The version (4) and variant (RFC 4122) bits of a UUID, set over 128 random bits.
_UUID4_KEPT = ((1 << 128) - 1) & ~((0xF000 << 64) | (0xC << 60))
_UUID4_SET = (0x4000 << 64) | (0x8 << 60)

_AHEAD = 128
"""UUIDs drawn at once. One draw of 128 x 128 bits is the same bits as 128 draws of 128 bits (the
first in the lowest bits), and formatting them together costs a fraction of one at a time."""
_AHEAD_KEPT = sum(_UUID4_KEPT << (128 * i) for i in range(_AHEAD))
_AHEAD_SET = sum(_UUID4_SET << (128 * i) for i in range(_AHEAD))
_WIDTH = 37  # a UUID's 36 characters and a space
_DIGIT_PLACES = [c + (c >= 8) + (c >= 12) + (c >= 16) + (c >= 20) for c in range(32)]
"""Where each of a UUID's 32 hex digits goes in its text (after the dashes before it)."""
_DASHES = b"-" * _AHEAD


def _texts(bits: int) -> list[str]:
    """The UUID texts of ``_AHEAD`` 128-bit numbers packed in ``bits`` (the first in the lowest
    bits), the first last; written column by column, each column one slice assignment."""
    digits = bits.to_bytes(16 * _AHEAD, "big").hex().encode()
    text = bytearray(b" " * (_WIDTH * _AHEAD))
    for digit, place in enumerate(_DIGIT_PLACES):
        text[place::_WIDTH] = digits[digit::32]
    for place in (8, 13, 18, 23):
        text[place::_WIDTH] = _DASHES
    return text.decode().split()


class Ids:
    """Event and request ids, ARN suffixes and tokens of one backend, and its serial numbers.

    ``seed`` (any value ``random.seed`` takes) makes every id reproducible: two backends with
    the same seed that are asked in the same order give the same ids. None: fresh randomness.
    """

    def __init__(self, seed: int | str | bytes | None = None) -> None:
        self._random = random.Random(os.urandom(16) if seed is None else seed)
        self._serials = itertools.count()
        self._lock = threading.Lock()  # guards the random source and the drawing ahead
        self._ahead: list[str] = []
        """UUIDs drawn ahead and not handed out yet, the next one last."""
        self._before_ahead: object = None
        """The random source's state before ``_ahead`` was drawn (None: nothing drawn ahead)."""

    def uuid(self) -> str:
        """A version-4 UUID string (``xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx``); not for secrets.

        The string ``str(uuid.UUID(int=getrandbits(128), version=4))`` of the next 128 bits of this
        backend's random source, however uuid() and characters() calls interleave.
        """
        ahead = self._ahead
        try:
            found = ahead.pop()
        except IndexError:
            return self._draw_ahead()
        if ahead is self._ahead:
            return found
        return self.uuid()  # characters() took the source back meanwhile: this id was not handed out

    def _draw_ahead(self) -> str:
        with self._lock:
            if not self._ahead:
                source = self._random
                self._before_ahead = source.getstate()
                self._ahead = _texts(source.getrandbits(128 * _AHEAD) & _AHEAD_KEPT | _AHEAD_SET)
        return self.uuid()

    def characters(self, alphabet: str, count: int) -> str:
        """``count`` characters drawn from ``alphabet``."""
        with self._lock:
            self._catch_up()
            return "".join(self._random.choices(alphabet, k=count))

    def _catch_up(self) -> None:
        """Leave the source where drawing the UUIDs handed out one at a time would have (under
        _lock); those drawn ahead and not handed out are dropped."""
        ahead, self._ahead = self._ahead, []
        if self._before_ahead is not None:
            source = self._random
            source.setstate(self._before_ahead)
            self._before_ahead = None
            handed_out = _AHEAD - len(ahead)  # read after the swap: a later pop is not handed out
            if handed_out:
                source.getrandbits(128 * handed_out)

    def serial(self) -> int:
        """The next number of this backend's creation order (0, 1, 2, ...)."""
        return next(self._serials)
