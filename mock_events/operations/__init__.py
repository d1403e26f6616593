"""One module per family of operations; each registers its handlers with ``service.operation``."""
