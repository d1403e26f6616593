"""The archive sink: where the managed rule of an archive delivers (``arn:aws:events:<region>:::``).

The target's InputTransformer names the archive (``{"archive-arn": "<archive ARN>:<archive id>",
...}``); the event is stored into that archive if it is still the one the rule was made for.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from .. import arns
from ..resources.archives import sink_arn

if TYPE_CHECKING:
    from ..resources import Rule, Target
    from ..service import Backend

RESOURCE_TYPE = arns.parse(sink_arn("us-east-1"))["resource"].split("/", 1)[0]  # type: ignore[index]
"""The resource type of the sink's ARN: none."""


_ARCHIVE_ARN = re.compile(r'"archive-arn": "([^"]+):([^":]+)"')


@functools.lru_cache(maxsize=1024)
def _named_archive(template: str) -> tuple[str, str] | None:
    """The archive ARN and id a managed rule's template names (read once per template)."""
    found = _ARCHIVE_ARN.search(template)
    return (found.group(1), found.group(2)) if found else None


def store(backend: Backend, rule: Rule, target: Target, event: dict[str, Any]) -> None:
    """The archive sink: store ``event`` into the archive the target's template names, if that
    is still the archive the rule was made for.

    The template's ``event`` is ``<aws.events.event.json>``, the event itself: it is stored as it
    is, rather than rendered and read back for every event.
    """
    if "replay-name" in event:
        return
    named = _named_archive((target.spec.get("InputTransformer") or {}).get("InputTemplate", ""))
    if named is None:
        return
    arn, archive_id = named
    parts = arns.parse(arn)
    state = backend.regions.get((parts["account"], parts["region"])) if parts else None
    archive = state.archives.get(parts["resource"].split("/", 1)[-1]) if state is not None and parts else None
    if archive is not None and archive.id == archive_id:
        archive.add(backend, event)
