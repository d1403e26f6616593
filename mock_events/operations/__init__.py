"""Operation handlers: request in, response out, one module per group of operations.

Importing this package registers every handler (``service.operation``).
"""

from . import (  # noqa: F401
    api_destinations,
    archives,
    buses,
    connections,
    endpoints,
    partner_sources,
    pattern_testing,
    permissions,
    put_events,
    replays,
    rules,
    tags,
    targets,
)
