"""Connecting to Neo4j and turning driver errors into one-line :class:`Neo4jUnavailable`.

:func:`connect` and every function of :mod:`riskgraph.graph.neo4j` map driver errors to
:class:`Neo4jUnavailable` with a one-line message that names the URI, user and database but
never the password.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from riskgraph.errors import Neo4jUnavailable
from riskgraph.graph.neo4j.queries import PING

if TYPE_CHECKING:
    import neo4j

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
DEFAULT_PASSWORD = "riskgraph-test"
DEFAULT_DATABASE = "neo4j"


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and how to connect.  ``password`` is kept out of ``repr``."""

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str = field(default=DEFAULT_PASSWORD, repr=False)
    database: str = DEFAULT_DATABASE

    @classmethod
    def from_env(
        cls,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> Neo4jSettings:
        """Flags first, then ``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``,
        ``NEO4J_DATABASE``, then the local development defaults
        (``bolt://127.0.0.1:7687``, ``neo4j``, ``riskgraph-test``, ``neo4j``)."""
        env = os.environ
        return cls(
            uri=uri or env.get("NEO4J_URI") or DEFAULT_URI,
            user=user or env.get("NEO4J_USERNAME") or DEFAULT_USER,
            password=password or env.get("NEO4J_PASSWORD") or DEFAULT_PASSWORD,
            database=database or env.get("NEO4J_DATABASE") or DEFAULT_DATABASE,
        )

    def where(self) -> str:
        return f"Neo4j at {self.uri}"


def _scrub(text: str, settings: Neo4jSettings) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    if settings.password:
        first = first.replace(settings.password, "***")
    return first


def map_error(e: BaseException, settings: Neo4jSettings) -> Neo4jUnavailable | None:
    """The :class:`Neo4jUnavailable` for a driver error, or ``None`` if ``e`` is not one."""
    from neo4j.exceptions import (
        AuthError,
        ConfigurationError,
        DriverError,
        Neo4jError,
        ServiceUnavailable,
        SessionExpired,
    )

    if isinstance(e, AuthError):
        return Neo4jUnavailable(
            f"{settings.where()} refused the login of user {settings.user!r} "
            "(check NEO4J_USERNAME / NEO4J_PASSWORD or --user / --password)"
        )
    if isinstance(e, ServiceUnavailable | SessionExpired):
        return Neo4jUnavailable(
            f"cannot reach {settings.where()}: is the server running? "
            "(start a local one with `riskgraph neo4j start`)"
        )
    if isinstance(e, Neo4jError):
        code = e.code or ""
        if code.endswith("DatabaseNotFound"):
            return Neo4jUnavailable(
                f"{settings.where()} has no database {settings.database!r} "
                "(check NEO4J_DATABASE or --database)"
            )
        if code.startswith("Neo.ClientError.Security"):
            return Neo4jUnavailable(
                f"{settings.where()} refused user {settings.user!r}: "
                f"{_scrub(e.message or code, settings)}"
            )
        return Neo4jUnavailable(
            f"{settings.where()} failed: {code}: {_scrub(e.message or '', settings)}"
        )
    if isinstance(e, ConfigurationError | ValueError) and "uri" in str(e).lower():
        return Neo4jUnavailable(f"invalid Neo4j URI {settings.uri!r}: {_scrub(str(e), settings)}")
    if isinstance(e, DriverError | OSError):
        return Neo4jUnavailable(
            f"{settings.where()}: {type(e).__name__}: {_scrub(str(e), settings)}"
        )
    return None


@contextmanager
def neo4j_errors(settings: Neo4jSettings) -> Iterator[None]:
    """Turn driver errors raised inside the block into one-line :class:`Neo4jUnavailable`."""
    try:
        yield
    except Neo4jUnavailable:
        raise
    except Exception as e:
        mapped = map_error(e, settings)
        if mapped is None:
            raise
        raise mapped from None


def connect(settings: Neo4jSettings | None = None) -> neo4j.Driver:
    """Open a driver and check the login and the database; the caller closes it.

    Raises
    ------
    Neo4jUnavailable
        Server down, wrong credentials, unknown database, invalid URI (one line each).
    """
    from neo4j import GraphDatabase

    # The driver logs connection failures itself; without a handler Python's last-resort
    # handler prints them to stderr beside our one-line error.  Errors reach the user through
    # Neo4jUnavailable only.
    neo4j_log = logging.getLogger("neo4j")
    if not neo4j_log.handlers:
        neo4j_log.addHandler(logging.NullHandler())
    settings = settings or Neo4jSettings.from_env()
    driver = None
    with neo4j_errors(settings):
        try:
            driver = GraphDatabase.driver(
                settings.uri,
                auth=(settings.user, settings.password),
                connection_timeout=5.0,
                max_transaction_retry_time=5.0,
            )
            driver.verify_connectivity()
            driver.execute_query(PING, database_=settings.database)
        except BaseException:
            if driver is not None:
                driver.close()
            raise
    assert driver is not None
    return driver
