"""Resources: the typed state one account holds in one region, and the behaviour that belongs to it.

Below the operation handlers and delivery; imports nothing above it.
"""

from .buses import EventBus, Rule, Target
from .region import RegionState

__all__ = ["EventBus", "RegionState", "Rule", "Target"]
