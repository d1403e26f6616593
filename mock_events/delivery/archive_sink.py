"""The archive sink: where the managed rule of an archive delivers (``arn:aws:events:<region>:::``).

The target's InputTransformer names the archive (``{"archive-arn": "<archive ARN>:<archive id>",
...}``); the event is stored into that archive if it is still the one the rule was made for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import arns, jsontext
from ..resources.archives import sink_arn

if TYPE_CHECKING:
    from ..resources import Rule, Target
    from ..service import Backend

RESOURCE_TYPE = arns.parse(sink_arn("us-east-1"))["resource"].split("/", 1)[0]  # type: ignore[index]
"""The resource type of the sink's ARN: none."""


def store(backend: Backend, rule: Rule, target: Target, event: dict[str, Any]) -> None:
    """The archive sink: store ``event`` into the archive the target's template names, if that
    is still the archive the rule was made for."""
    if "replay-name" in event:
        return
    now = backend.clock.now()
    payload = target.input.render(event, rule_arn=rule.arn, rule_name=rule.name, ingestion_time=now)
    try:
        named = jsontext.loads(payload, max_depth=None)["archive-arn"] if payload is not None else None
    except (ValueError, KeyError, TypeError):
        named = None
    if not isinstance(named, str):
        return
    arn, _, archive_id = named.rpartition(":")
    parts = arns.parse(arn)
    state = backend.regions.get((parts["account"], parts["region"])) if parts else None
    archive = state.archives.get(parts["resource"].split("/", 1)[-1]) if state is not None and parts else None
    if archive is not None and archive.id == archive_id:
        archive.add(backend, event)

