"""velocity: why Amazon holds a seller's funds, when they come back, whom to ask for feedback.

The package is a library first (``velocity.ingest``, ``velocity.status`` ...); ``velocity.cli`` is its client.
"""

__version__ = "0.1.0"
