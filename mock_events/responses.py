"""Responses from the model: a resource's one description, cut to an operation's output shape.

A List operation's items and most Create/Update results are the Describe output of the resource
with fewer members; botocore's model says which. ``project`` keeps the members the output shape
(or the member shape of one of its lists) has, so each resource is described once.
"""

from __future__ import annotations

import functools
from typing import Any

from .model import operation_model


@functools.cache
def _members(operation: str, list_key: str | None) -> frozenset[str]:
    shape: Any = operation_model(operation).output_shape
    if list_key is not None:
        shape = shape.members[list_key].member
    return frozenset(shape.members)


def project(description: dict[str, Any], operation: str, *, list_key: str | None = None) -> dict[str, Any]:
    """``description`` with only the members of ``operation``'s output shape, or, given
    ``list_key``, of the items of that output list (``ListArchives``, ``"Archives"``)."""
    members = _members(operation, list_key)
    projected = {}
    for key, value in description.items():  # a loop, not a comprehension: one call fewer
        if key in members:
            projected[key] = value
    return projected


def present(members: dict[str, Any]) -> dict[str, Any]:
    """``members`` without those whose value is None: AWS leaves a member it has no value for
    out of its answer, so a description lists every member and lets this drop the unset ones."""
    found = {}
    for key, value in members.items():  # a loop, not a comprehension: one call fewer
        if value is not None:
            found[key] = value
    return found
