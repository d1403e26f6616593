"""Delivery: an event on a bus goes through the bus's rules to their targets, and is recorded.

``routing`` decides and makes deliveries; ``archive_sink`` stores events into archives;
``http`` renders the request a delivery to an API destination would send.
"""

from ..clock import TIME_FORMAT, format_time
from .routing import (
    SINKS,
    Callback,
    Delivery,
    DeliveryLog,
    Failure,
    Outcome,
    Receiver,
    Sink,
    Step,
    TargetUnavailable,
    deliver,
    deliver_to_targets,
    drop_for_missing_bus,
    envelope,
    forward,
    make,
    publish,
    repr_error,
)

__all__ = [
    "SINKS",
    "TIME_FORMAT",
    "Callback",
    "Delivery",
    "DeliveryLog",
    "Failure",
    "Outcome",
    "Receiver",
    "Sink",
    "Step",
    "TargetUnavailable",
    "deliver",
    "deliver_to_targets",
    "drop_for_missing_bus",
    "envelope",
    "format_time",
    "forward",
    "make",
    "publish",
    "repr_error",
]
