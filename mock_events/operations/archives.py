"""Archives: CreateArchive, DescribeArchive, ListArchives, UpdateArchive, DeleteArchive.

An archive captures events through a managed rule, ``Events-Archive-<name>``, on its source bus:
the rule's pattern is the archive's plus ``"replay-name": [{"exists": false}]`` (so replayed
events are never archived). Its one target, as other emulators record it from AWS (moto,
LocalStack; the facts file marks the exact shape uncertain), is ``arn:aws:events:<region>:::``
with an InputTransformer: an empty ``InputPathsMap`` and the template
``{"archive-arn": "<archive ARN>:<archive id>", "event": <aws.events.event.json>,
"ingestion-time": <aws.events.event.ingestion-time>}``. The archive sink renders that template and
stores the event into the archive it names. Events are stored at once; RetentionDays is honoured
by the mock's clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import arns, pagination
from ..errors import already_exists, bus_not_found, not_found, validation
from ..resources import EventBus, RegionState
from ..responses import present, project
from ..resources.archives import MANAGED_BY, RULE_PREFIX, Archive, archive_arn, retention
from ..service import Context, operation
from . import rules as rules_ops
from .targets import put_targets

if TYPE_CHECKING:
    from ..resources import Rule

def find(state: RegionState, name: str) -> Archive:
    found = state.archives.get(name)
    if found is None:
        raise not_found(f"Archive {name} does not exist.")
    return found


def _source_bus(ctx: Context, event_source_arn: str) -> EventBus:
    """The caller's bus named by ``event_source_arn``; a bus elsewhere "does not exist" for it."""
    account, region, name = arns.parse_bus(event_source_arn)
    if account is None:
        name = event_source_arn.rsplit("/", 1)[-1]
    bus = ctx.resources.buses.get(name)
    if bus is None or account != ctx.account or region != ctx.region:
        raise bus_not_found(name)
    return bus


def _rule_pattern(pattern: str | None) -> str:
    """The archive's pattern (a JSON object, as checked) with the not-replayed clause last.

    Written onto the caller's own text, never re-encoded from parsed values, so numbers, escapes
    and length stay as the caller wrote them; a later duplicate key wins in a pattern, as here.
    """
    head = (pattern or "{}").rstrip()[:-1].rstrip()
    return head + ("" if head.endswith("{") else ",") + _NOT_REPLAYED + "}"


def _put_managed_rule(ctx: Context, bus: EventBus, archive: Archive, pattern: str | None) -> Rule:
    """Create or update the archive's rule; refuses (LimitExceeded) before any change."""
    params = {"Name": archive.rule_name, "EventPattern": _rule_pattern(pattern), "State": "ENABLED"}
    return rules_ops.store_rule(ctx, bus, params, managed_by=MANAGED_BY)


def _managed_rule(state: RegionState, archive: Archive) -> tuple[EventBus | None, Rule | None]:
    """The archive's bus and its managed rule there, if still both (never a user's rule of that name)."""
    bus = state.buses.get(archive.bus_name)
    rule = bus.rules.get(archive.rule_name) if bus is not None else None
    return bus, (rule if rule is not None and rule.managed_by == MANAGED_BY else None)


_NOT_REPLAYED = '"replay-name":[{"exists":false}]'
"""Added to an archive's pattern in its managed rule: replayed events are never archived."""


@operation("CreateArchive")
def create_archive(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    bus = _source_bus(ctx, params["EventSourceArn"])
    name = params["ArchiveName"]
    state = ctx.resources
    if name in state.archives:
        raise already_exists(f"Archive {name} already exists.")
    pattern = params.get("EventPattern")
    if pattern is not None:
        rules_ops.compile_pattern(ctx, pattern)
    taken = bus.rules.get(RULE_PREFIX + name)
    if taken is not None and taken.managed_by != MANAGED_BY:
        # The archive's rule would be the caller's own rule of that name: never taken over.
        raise already_exists(f"Rule {taken.name} already exists on EventBus {bus.name}.")
    archive = Archive(
        name=name,
        arn=archive_arn(ctx.region, ctx.account, name),
        account=ctx.account,
        region=ctx.region,
        bus_name=bus.name,
        event_source_arn=bus.arn,
        creation_time=ctx.now(),
        description=params.get("Description"),
        event_pattern=pattern,
        retention_days=params.get("RetentionDays") or 0,
        kms_key_identifier=params.get("KmsKeyIdentifier"),
        id=ctx.backend.ids.uuid(),
    )
    rule = _put_managed_rule(ctx, bus, archive, pattern)
    try:
        put_targets(ctx, rule, [archive.target()])
    except Exception:
        if taken is None:  # created by this call: no one else's
            rules_ops.delete_rule(bus, rule)
        raise
    state.archives[name] = archive
    return project(describe(archive), "CreateArchive")


def describe(archive: Archive) -> dict[str, Any]:
    """The archive as DescribeArchive answers it; other operations answer a projection of it."""
    return present({
        "ArchiveArn": archive.arn,
        "ArchiveName": archive.name,
        "EventSourceArn": archive.event_source_arn,
        "Description": archive.description,
        "EventPattern": archive.event_pattern,
        "State": archive.state,
        "RetentionDays": archive.retention_days,
        "SizeBytes": archive.size_bytes,
        "EventCount": archive.event_count,
        "CreationTime": archive.creation_time,
        "KmsKeyIdentifier": archive.kms_key_identifier,
    })


@operation("DescribeArchive")
def describe_archive(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(find(ctx.resources, params["ArchiveName"]))


@operation("ListArchives")
def list_archives(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    pagination.single_filter("ListArchives", params)
    archives = list(ctx.resources.archives.values())
    if "EventSourceArn" in params:
        bus = _source_bus(ctx, params["EventSourceArn"])
        archives = [a for a in archives if a.event_source_arn == bus.arn]
    if "NamePrefix" in params:
        archives = [a for a in archives if a.name.startswith(params["NamePrefix"])]
    if "State" in params:
        archives = [a for a in archives if a.state == params["State"]]
    chunk, token = pagination.page(archives, params, key=lambda a: a.name)
    listed = [project(describe(a), "ListArchives", list_key="Archives") for a in chunk]
    return pagination.with_token({"Archives": listed}, token)


@operation("UpdateArchive")
def update_archive(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    changes = ("EventPattern", "RetentionDays", "Description", "KmsKeyIdentifier")
    if not any(params.get(k) is not None for k in changes):
        raise validation("At least one of EventPattern, RetentionDays or Description must be provided.")
    archive = find(ctx.resources, params["ArchiveName"])
    pattern = params.get("EventPattern")
    if pattern is not None:
        rules_ops.compile_pattern(ctx, pattern)
        bus, rule = _managed_rule(ctx.resources, archive)
        if bus is not None and rule is not None:
            _put_managed_rule(ctx, bus, archive, pattern)  # the one step that may refuse: first
        archive.event_pattern = pattern
    if params.get("Description") is not None:
        archive.description = params["Description"]
    if params.get("KmsKeyIdentifier") is not None:
        archive.kms_key_identifier = params["KmsKeyIdentifier"]
    if params.get("RetentionDays") is not None:
        archive.retention_days = params["RetentionDays"]
        keep = retention(archive.retention_days)
        if keep is not None:
            try:
                archive.expire(ctx.now() - keep)
            except OverflowError:  # older than the year 1: nothing to expire
                pass
        archive.arm_expiry(ctx.backend)
    return project(describe(archive), "UpdateArchive")


@operation("DeleteArchive")
def delete_archive(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    state = ctx.resources
    archive = find(state, params["ArchiveName"])
    archive.stop()
    del state.archives[archive.name]
    bus, rule = _managed_rule(state, archive)
    if bus is not None and rule is not None:
        rules_ops.delete_rule(bus, rule)
    return {}


__all__ = ["find"]
