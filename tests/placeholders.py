"""Comparing what the mock delivered with what AWS recorded, modulo the corpus placeholders."""

from __future__ import annotations

import json
import re
from typing import Any

TIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def pattern_for(expected: str, names: dict[str, str]) -> re.Pattern[str]:
    """A regex that matches ``expected`` with each placeholder standing for its value."""
    tokens = re.split(r"(<uuid:\d+>|<uuid>|<ingestion-time>|<[a-z-]+>|\bdate\b)", expected)
    out, seen = [], set()
    for token in tokens:
        uuid = re.fullmatch(r"<uuid:(\d+)>", token)
        if uuid:
            group = f"u{uuid[1]}"
            out.append(f"(?P={group})" if group in seen else f"(?P<{group}>{UUID})")
            seen.add(group)
        elif token == "<uuid>":
            out.append(UUID)
        elif token in ("date", "<ingestion-time>"):
            out.append(TIME)
        elif token.startswith("<") and token[1:-1] in names:
            out.append(re.escape(names[token[1:-1]]))
        else:
            out.append(re.escape(token))
    return re.compile("".join(out), re.DOTALL)


def matches(expected: dict[str, Any], payload: str, names: dict[str, str]) -> bool:
    """Whether ``payload`` is the recorded ``{"json": ...}`` or ``{"raw": ...}`` modulo placeholders."""
    if "json" in expected:
        want = json.dumps(expected["json"], separators=(",", ":"))
        got = json.dumps(json.loads(payload), separators=(",", ":"))
    else:
        want, got = expected["raw"], payload
    return pattern_for(want, names).fullmatch(got) is not None
