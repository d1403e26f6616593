"""Events as the matcher sees them: each dotted path of leaves (arrays transparent) with its leaf values."""

from __future__ import annotations

from typing import Any


def flatten(event: Any) -> dict[str, list[Any]]:
    """``{"detail": {"a": [1, {"b": 2}]}}`` -> ``{"detail.a": [1], "detail.a.b": [2]}``; walked without recursion."""
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
