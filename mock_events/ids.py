"""Identifiers in AWS's UUID form (request ids, event ids), made cheaply."""

from __future__ import annotations

import os
import random

_random = random.Random(os.urandom(16))


def new_uuid() -> str:
    """A random version-4 UUID string; not for secrets, just unique enough for ids."""
    h = "%032x" % ((_random.getrandbits(128) & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC << 60) | (0x8 << 60))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
