"""velocity: why Amazon holds a seller's funds, when they come back, whom to ask for feedback.

A library first; ``velocity.cli`` is its client. Open a store and ask::

    import velocity

    with velocity.open("velocity.duckdb") as v:
        print(v.forecast().text())
        v.contacts().frame()          # a polars DataFrame

See velocity.api for every answer and its options. (The names below load on first use, so that the
command line starts without DuckDB until a command needs it.)
"""

__version__ = "0.2.0"

_API = ("Answer", "Backtest", "Contacts", "Forecast", "Health", "Sales", "Status", "Velocity", "open")
__all__ = [*_API, "VelocityError", "__version__"]


def __getattr__(name: str):
    if name in _API:
        from velocity import api

        return getattr(api, name)
    if name == "VelocityError":
        from velocity.errors import VelocityError

        return VelocityError
    raise AttributeError(f"module 'velocity' has no attribute {name!r}")
