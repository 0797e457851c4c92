"""Provides `insert_rows`: many new rows of one table written in one statement.

A long transaction (an import batch, the demo) ends by writing thousands of rows it made.
On SQLite they go to the driver's executemany as plain tuples, each value converted by its
column type's own bind processor, so what is stored is exactly what an ORM or Core insert
stores, without the per-row parameter handling of a general statement.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table, bindparam, insert
from sqlalchemy.types import TypeDecorator

__all__ = ["insert_rows"]

Processor = Callable[[Any], Any] | None


def insert_rows(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    encoded: Collection[str] = (),
) -> None:
    """Insert rows that all name the same columns; those in `encoded` are already in the
    form the database stores (a JSON column's text) and are passed as they are."""
    if not rows:
        return
    names = list(rows[0])
    if connection.dialect.name != "sqlite":
        # A general statement; values already encoded go in through parameters of their own.
        statement = insert(table).values(
            {name: bindparam(f"{name}{_AS_STORED}", type_=_Encoded()) for name in encoded}
        )
        if encoded:
            rows = [{_bind_name(k, encoded): v for k, v in row.items()} for row in rows]
        connection.execute(statement, list(rows))
        return
    processors = [
        None if name in encoded else _processor(connection, table, name) for name in names
    ]
    marks = ", ".join("?" for _ in names)
    columns = ", ".join(f'"{name}"' for name in names)
    sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'
    keyed = list(zip(names, processors, strict=True))
    values = [
        tuple(row[name] if convert is None else convert(row[name]) for name, convert in keyed)
        for row in rows
    ]
    connection.exec_driver_sql(sql, values)


def _processor(connection: Connection, table: Table, name: str) -> Processor:
    """The bind processor the column's type gives on this connection's dialect."""
    dialect = connection.dialect
    key = (table.name, name)
    cache: dict[tuple[str, str], Processor] = _CACHE.setdefault(dialect.name, {})
    if key not in cache:
        column_type = table.c[name].type
        cache[key] = column_type.dialect_impl(dialect).bind_processor(dialect)
    return cache[key]


_CACHE: dict[str, dict[tuple[str, str], Processor]] = {}
_AS_STORED = "_as_stored"


def _bind_name(name: str, encoded: Collection[str]) -> str:
    return f"{name}{_AS_STORED}" if name in encoded else name


class _Encoded(TypeDecorator[Any]):
    """A JSON column's value handed over already encoded."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Any) -> None:
        return None
