"""The identifiers one backend hands out, from a random source of its own (seeded: the same ids
in every run), and its creation order numbers."""

from __future__ import annotations

import itertools
import os
import random


# The version (4) and variant (RFC 4122) bits of a UUID, set over 128 random bits.
_UUID4_KEPT = ~((0xF000 << 64) | (0xC << 60))
_UUID4_SET = (0x4000 << 64) | (0x8 << 60)


class Ids:
    """Event and request ids, ARN suffixes and tokens of one backend, and its serial numbers.

    ``seed`` (any value ``random.seed`` takes) makes every id reproducible: two backends with
    the same seed that are asked in the same order give the same ids. None: fresh randomness.
    """

    def __init__(self, seed: int | str | bytes | None = None) -> None:
        self._random = random.Random(os.urandom(16) if seed is None else seed)
        self._serials = itertools.count()

    def uuid(self) -> str:
        """A version-4 UUID string (``xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx``); not for secrets."""
        h = (self._random.getrandbits(128) & _UUID4_KEPT | _UUID4_SET).to_bytes(16, "big").hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def characters(self, alphabet: str, count: int) -> str:
        """``count`` characters drawn from ``alphabet``."""
        return "".join(self._random.choices(alphabet, k=count))

    def serial(self) -> int:
        """The next number of this backend's creation order (0, 1, 2, ...)."""
        return next(self._serials)
