"""``lrs-bridge migrate-data``: copy everything the service stores from one database to
another, SQLite → PostgreSQL or back.

The tables are read from the source's own schema (all but ``schema_migrations`` and the
engine's internals), so tables a package adds later are copied without a change here. The
target is opened as the service opens it (every migration applied), must hold no data, and
is filled in one transaction: rows are converted by the target column's type, parents are
copied before children, sequences continue after the highest id the source ever gave, and
the row counts of both sides are compared before the commit, so a failure or a mismatch
leaves the target as empty as it was.

Rows that migrations themselves insert (the built-in courses, checkpoints) do not count as
data in the target; the source's rows replace them.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import asyncpg
import orjson

from lrs_bridge import schema
from statements.storage import open_store
from statements.storage.migrate import migrations_for
from statements.storage.sqlite import path_from_url

BATCH_ROWS = 1000
SKIPPED_TABLES = frozenset({"schema_migrations"})
_SEEDED = re.compile(r"INSERT\s+INTO\s+\"?(\w+)\"?\s*\([^)]*\)\s*VALUES", re.IGNORECASE)


class MigrateError(Exception):
    """Why the copy was refused or failed: one line for the operator."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    """The declared type (SQLite) or ``data_type`` (PostgreSQL), lower-cased."""


@dataclass
class Table:
    name: str
    columns: list[Column]
    primary_key: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


@dataclass
class Outcome:
    counts: list[TableCount]
    skipped: list[str]
    """Source tables the target has not, all empty, so nothing was lost."""

    @property
    def ok(self) -> bool:
        return all(count.ok for count in self.counts)


def shown(url: str) -> str:
    """``url`` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def seeded_tables(engine: str, migrations: Sequence[str]) -> set[str]:
    """Tables whose migrations insert rows of their own (e.g. the built-in courses)."""
    return {
        match.group(1).lower()
        for migration in migrations_for(engine, migrations)
        for match in _SEEDED.finditer(migration.sql)
    }


def copy_order(tables: Iterable[str], parents: dict[str, set[str]]) -> list[str]:
    """``tables`` with every table after the tables its foreign keys point to (by name where
    free to choose; a cycle is broken by name, and the target's deferred checks decide)."""
    left = sorted(set(tables))
    done: list[str] = []
    while left:
        ready = [t for t in left if not (parents.get(t, set()) - {t}) & set(left)]
        chosen = ready[0] if ready else left[0]
        done.append(chosen)
        left.remove(chosen)
    return done


# --- converting values by the target column's type ---------------------------------------

Convert = Callable[[Any], Any]


def _text(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    if isinstance(value, bool):
        return "1" if value else "0"
    return value if isinstance(value, str) else str(value)


def _bytes(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def _integer(value: Any) -> Any:
    if isinstance(value, datetime):
        return int(value.timestamp() * 1_000_000)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return int(value.strip().lower() == "true")
    return int(value)


def _boolean(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "t", "true", "yes", "on")
    return bool(value)


def _timestamp(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        # The service keeps times as microseconds since the epoch; seconds if small.
        seconds = value / 1_000_000 if abs(value) > 100_000_000_000 else value
        return datetime.fromtimestamp(seconds, UTC)
    else:
        moment = datetime.fromisoformat(_text(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _json(value: Any) -> Any:
    return value if isinstance(value, str) else orjson.dumps(value).decode()


def _postgres_converter(data_type: str) -> Convert:
    if data_type == "boolean":
        return _boolean
    if data_type == "bytea":
        return _bytes
    if data_type in ("smallint", "integer", "bigint"):
        return _integer
    if data_type in ("text", "character varying", "character"):
        return _text
    if data_type in ("json", "jsonb"):
        return _json
    if data_type.startswith("timestamp"):
        return _timestamp
    if data_type == "date":
        return lambda v: v if isinstance(v, date) else date.fromisoformat(_text(v))
    if data_type in ("double precision", "real"):
        return float
    if data_type == "numeric":
        return lambda v: Decimal(str(v))
    if data_type == "uuid":
        return lambda v: v if isinstance(v, UUID) else UUID(_text(v))
    return lambda v: v


def _sqlite_converter(declared: str) -> Convert:
    """By SQLite's type affinity rules (Datatypes In SQLite, 3.1)."""
    if "int" in declared:
        return _integer
    if any(word in declared for word in ("char", "clob", "text")):
        return _text
    if "blob" in declared or not declared:
        return lambda v: bytes(v) if isinstance(v, memoryview | bytearray) else _plain(v)
    if any(word in declared for word in ("real", "floa", "doub")):
        return float
    return _plain


def _plain(value: Any) -> Any:
    """A value SQLite can bind, kept as close to what it was as possible."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return value


def _converters(columns: Sequence[Column], engine: str) -> list[Convert]:
    make = _postgres_converter if engine == "postgresql" else _sqlite_converter
    return [_keep_null(make(column.type)) for column in columns]


def _keep_null(convert: Convert) -> Convert:
    return lambda value: None if value is None else convert(value)


# --- the two engines -------------------------------------------------------------------------


class Database(ABC):
    engine: str

    @abstractmethod
    async def tables(self) -> dict[str, Table]: ...

    @abstractmethod
    async def parents(self) -> dict[str, set[str]]:
        """Each table's foreign keys' tables."""

    @abstractmethod
    async def count(self, table: str) -> int: ...

    @abstractmethod
    def read(self, table: Table, columns: list[str], batch: int) -> AsyncIterator[list[Any]]: ...

    @abstractmethod
    async def high_water(self) -> dict[str, int]:
        """Per table, the highest id its sequence (or AUTOINCREMENT) ever handed out."""

    @abstractmethod
    async def begin_read(self) -> None:
        """A consistent snapshot for everything read from now on."""

    @abstractmethod
    async def begin_write(self) -> None: ...

    @abstractmethod
    async def delete_all(self, table: str) -> None: ...

    @abstractmethod
    async def insert(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None: ...

    @abstractmethod
    async def continue_sequences(self, tables: Iterable[str], source: dict[str, int]) -> None:
        """Make ids given from now on follow both the copied rows and ``source``'s marks."""

    @abstractmethod
    async def commit(self) -> None: ...

    @abstractmethod
    async def close(self) -> None:
        """Close, rolling back whatever was not committed."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _select(table: Table, columns: list[str]) -> str:
    """All rows of ``table``, in primary key order (parents first in a self-referencing
    table, as ids usually grow)."""
    order = f" ORDER BY {', '.join(map(_quote, table.primary_key))}" if table.primary_key else ""
    return f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(table.name)}{order}"


class SQLiteDatabase(Database):
    engine = "sqlite"

    def __init__(self, path: str, *, read_only: bool) -> None:
        if read_only:
            if not Path(path).is_file():
                raise MigrateError(f"{path}: no such SQLite file")
            uri = Path(path).resolve().as_uri() + "?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        else:
            self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA busy_timeout=5000")

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.conn.execute(sql, params).fetchall()

    async def tables(self) -> dict[str, Table]:
        found: dict[str, Table] = {}
        for (name,) in self._all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
        ):
            if name in SKIPPED_TABLES:
                continue
            info = self._all(f"PRAGMA table_info({_quote(name)})")
            columns = [Column(row[1], (row[2] or "").lower()) for row in info]
            key = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5] > 0]
            found[name] = Table(name, columns, key)
        return found

    async def parents(self) -> dict[str, set[str]]:
        return {
            name: {row[2] for row in self._all(f"PRAGMA foreign_key_list({_quote(name)})")}
            for name in await self.tables()
        }

    async def count(self, table: str) -> int:
        count: int = self._all(f"SELECT count(*) FROM {_quote(table)}")[0][0]
        return count

    async def read(self, table: Table, columns: list[str], batch: int) -> AsyncIterator[list[Any]]:
        cursor = self.conn.execute(_select(table, columns))
        while rows := cursor.fetchmany(batch):
            yield rows
            await asyncio.sleep(0)

    async def high_water(self) -> dict[str, int]:
        if not self._all("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"):
            return {}
        return {name: seq for name, seq in self._all("SELECT name, seq FROM sqlite_sequence")}

    async def begin_read(self) -> None:
        self.conn.execute("BEGIN")

    async def begin_write(self) -> None:
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("BEGIN IMMEDIATE")
        # Foreign keys are checked at the commit, so the copy order cannot break them.
        self.conn.execute("PRAGMA defer_foreign_keys=ON")

    async def delete_all(self, table: str) -> None:
        self.conn.execute(f"DELETE FROM {_quote(table)}")

    async def insert(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" for _ in columns)
        self.conn.executemany(
            f"INSERT INTO {_quote(table)} ({', '.join(map(_quote, columns))}) VALUES ({marks})",
            rows,
        )

    async def continue_sequences(self, tables: Iterable[str], source: dict[str, int]) -> None:
        # SQLite keeps AUTOINCREMENT's mark itself as rows are inserted; only a higher mark
        # of the source (ids given to rows since deleted) must be carried over.
        autoincrement = {
            name
            for name, sql in self._all("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            if sql and "autoincrement" in sql.lower()
        }
        for table in tables:
            mark = source.get(table, 0)
            if table not in autoincrement or mark <= 0:
                continue
            updated = self.conn.execute(
                "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (mark, table)
            ).rowcount
            if not updated:
                self.conn.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, mark)
                )

    async def commit(self) -> None:
        self.conn.execute("COMMIT")

    async def close(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self.conn.close()


_SCHEMA = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
"""The schema tables are created in: the first existing one of the search_path."""


class PostgresDatabase(Database):
    """One connection; tables are those of the first schema of its search_path."""

    engine = "postgresql"

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._transaction: Any = None

    @classmethod
    async def connect(cls, url: str) -> PostgresDatabase:
        return cls(await asyncpg.connect(url, timeout=10))

    async def tables(self) -> dict[str, Table]:
        found: dict[str, Table] = {}
        for name, column, data_type in await self.conn.fetch(
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c"
            " JOIN information_schema.tables t"
            " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
            " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
            " AND c.is_generated = 'NEVER' ORDER BY c.table_name, c.ordinal_position"
        ):
            if name in SKIPPED_TABLES:
                continue
            found.setdefault(name, Table(name, [])).columns.append(
                Column(column, data_type.lower())
            )
        for name, column in await self.conn.fetch(
            "SELECT cl.relname, a.attname FROM pg_index i"
            " JOIN pg_class cl ON cl.oid = i.indrelid"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            f" WHERE i.indisprimary AND cl.relnamespace = {_SCHEMA}"
            " ORDER BY cl.relname, array_position(i.indkey::int2[], a.attnum)"
        ):
            if name in found:
                found[name].primary_key.append(column)
        return found

    async def parents(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for child, parent in await self.conn.fetch(
            "SELECT cl.relname, ref.relname FROM pg_constraint co"
            " JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_class ref ON ref.oid = co.confrelid"
            f" WHERE co.contype = 'f' AND cl.relnamespace = {_SCHEMA}"
        ):
            found.setdefault(child, set()).add(parent)
        return found

    async def count(self, table: str) -> int:
        count: int = await self.conn.fetchval(f"SELECT count(*) FROM {_quote(table)}")
        return count

    async def read(self, table: Table, columns: list[str], batch: int) -> AsyncIterator[list[Any]]:
        cursor = await self.conn.cursor(_select(table, columns))
        while rows := await cursor.fetch(batch):
            yield [tuple(row) for row in rows]

    async def _sequences(self) -> list[tuple[str, str, str]]:
        """(table, column, sequence) of every serial or identity column."""
        rows = await self.conn.fetch(
            "SELECT c.relname, a.attname,"
            " pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " JOIN pg_attribute a ON a.attrelid = c.oid"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
            " AND a.attnum > 0 AND NOT a.attisdropped"
        )
        return [(table, column, sequence) for table, column, sequence in rows if sequence]

    async def high_water(self) -> dict[str, int]:
        marks: dict[str, int] = {}
        for table, _, sequence in await self._sequences():
            last, called = await self.conn.fetchrow(f"SELECT last_value, is_called FROM {sequence}")
            marks[table] = max(marks.get(table, 0), last if called else last - 1)
        return marks

    async def begin_read(self) -> None:
        self._transaction = self.conn.transaction(isolation="repeatable_read", readonly=True)
        await self._transaction.start()

    async def begin_write(self) -> None:
        self._transaction = self.conn.transaction()
        await self._transaction.start()
        await self.conn.execute("SET CONSTRAINTS ALL DEFERRED")  # those declared deferrable

    async def delete_all(self, table: str) -> None:
        await self.conn.execute(f"DELETE FROM {_quote(table)}")

    async def insert(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        # COPY writes identity columns as given (as INSERT … OVERRIDING SYSTEM VALUE would).
        await self.conn.copy_records_to_table(table, records=rows, columns=columns)

    async def continue_sequences(self, tables: Iterable[str], source: dict[str, int]) -> None:
        wanted = set(tables)
        for table, column, sequence in await self._sequences():
            if table not in wanted:
                continue
            await self.conn.execute(
                f"SELECT setval($1::regclass, GREATEST("
                f"(SELECT COALESCE(max({_quote(column)}), 0) FROM {_quote(table)}), $2) + 1,"
                " false)",
                sequence,
                source.get(table, 0),
            )

    async def commit(self) -> None:
        await self._transaction.commit()
        self._transaction = None

    async def close(self) -> None:
        try:
            if self._transaction is not None:
                await self._transaction.rollback()
        finally:
            await self.conn.close()


# --- the copy --------------------------------------------------------------------------------


class Progress:
    """One line per table on ``stream``, redrawn in place on a terminal."""

    WIDTH = 30

    def __init__(self, stream: TextIO, names: Iterable[str]) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.label = max((len(n) for n in names), default=10)

    def draw(self, table: str, done: int, total: int, *, last: bool = False) -> None:
        if not (self.live or last):
            return
        filled = self.WIDTH if total == 0 else self.WIDTH * min(done, total) // total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        end = "\n" if last else ""
        self.stream.write(f"\r{table:<{self.label}} [{bar}] {done:>9,}/{total:,}{end}")
        self.stream.flush()


async def _open(
    url: str, side: str, *, writable: bool = False, schema: Sequence[str] = ()
) -> Database:
    """A database connection for ``url``; with ``schema`` (migration packages), opened as the
    service first, so it has every table of this version."""
    try:
        if schema:
            store = open_store(url, migrations=schema)
            await store.open()
            await store.close()
        if url.startswith("sqlite:"):
            return SQLiteDatabase(path_from_url(url), read_only=not writable)
        if url.startswith(("postgresql:", "postgres:")):
            return await PostgresDatabase.connect(url)
        raise ValueError(
            f"unsupported database URL scheme {url.split(':', 1)[0]!r}:"
            " use sqlite:///PATH or postgresql://…"
        )
    except MigrateError as error:
        raise MigrateError(f"{side} {shown(url)}: {error}") from None
    except (
        ValueError,
        OSError,
        TimeoutError,
        sqlite3.Error,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
    ) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise MigrateError(f"{side} {shown(url)}: cannot open the database: {reason}") from None


def _new_sqlite_file(url: str) -> bool:
    try:
        return url.startswith("sqlite:") and not Path(path_from_url(url)).is_file()
    except ValueError:
        return False  # _open says what is wrong with the URL


async def _refuse_target_with_data(url: str, migrations: Sequence[str]) -> None:
    """Refuse a target holding data before opening it as the service would: that applies
    this version's migrations, and a refused target must stay as it was."""
    if _new_sqlite_file(url):
        return
    target = await _open(url, "--to")
    try:
        await _check_target_empty(target, await target.tables(), migrations)
    finally:
        await target.close()


async def _check_target_empty(
    target: Database, tables: dict[str, Table], migrations: Sequence[str]
) -> None:
    seeded = seeded_tables(target.engine, migrations)
    for name in sorted(tables):
        if name.lower() in seeded:
            continue
        rows = await target.count(name)
        if rows:
            raise MigrateError(
                f"the target already holds data ({rows} rows in {name}):"
                " migrate-data copies only into a new, empty database"
            )


async def _plan(
    source: Database, target: Database
) -> tuple[list[tuple[Table, Table]], dict[str, int], list[str]]:
    """(source table, target table) pairs in copy order, the source's counts, and the
    source tables skipped (absent from the target and empty)."""
    source_tables = await source.tables()
    target_tables = await target.tables()
    counts = {name: await source.count(name) for name in source_tables}
    pairs: dict[str, tuple[Table, Table]] = {}
    skipped: list[str] = []
    for name, table in source_tables.items():
        other = target_tables.get(name)
        if other is None:
            if counts[name]:
                raise MigrateError(
                    f"the target has no table {name} ({counts[name]} rows in the source):"
                    f" this version keeps no such table on {target.engine}"
                )
            skipped.append(name)
            continue
        known = {column.name for column in other.columns}
        missing = [column.name for column in table.columns if column.name not in known]
        if missing:
            raise MigrateError(
                f"the target's table {name} has no column {missing[0]}: are both databases"
                " of the same version? (start this version's service on the source once)"
            )
        pairs[name] = (table, other)
    order = copy_order(pairs, await target.parents())
    return [pairs[name] for name in order], counts, skipped


async def migrate(
    source_url: str,
    target_url: str,
    *,
    batch: int = BATCH_ROWS,
    progress: TextIO | None = None,
    migrations: Sequence[str] | None = None,
) -> Outcome:
    """Copy every table of ``source_url`` into the new database at ``target_url``, which
    first gets the tables of ``migrations`` (the service's, ``schema.MIGRATIONS``, unless
    told)."""
    packages = tuple(schema.MIGRATIONS if migrations is None else migrations)
    source = await _open(source_url, "--from")
    try:
        await _refuse_target_with_data(target_url, packages)  # before migrations change it
        target = await _open(target_url, "--to", writable=True, schema=packages)
        try:
            return await _copy(source, target, batch, progress or sys.stderr, packages)
        finally:
            await target.close()
    finally:
        await source.close()


async def _copy(
    source: Database, target: Database, batch: int, stream: TextIO, migrations: Sequence[str]
) -> Outcome:
    await source.begin_read()
    await target.begin_write()
    await _check_target_empty(target, await target.tables(), migrations)
    pairs, counts, skipped = await _plan(source, target)
    for _, other in reversed(pairs):  # children first
        await target.delete_all(other.name)  # rows a migration put there
    bar = Progress(stream, (table.name for table, _ in pairs))
    for table, other in pairs:
        names = [column.name for column in table.columns]
        types = {column.name: column for column in other.columns}
        convert = _converters([types[name] for name in names], target.engine)
        done, total = 0, counts[table.name]
        bar.draw(table.name, done, total)
        try:
            async for rows in source.read(table, names, batch):
                converted = [
                    tuple(c(value) for c, value in zip(convert, row, strict=True)) for row in rows
                ]
                await target.insert(other.name, names, converted)
                done += len(rows)
                bar.draw(table.name, done, total)
        except (
            ValueError,
            TypeError,
            sqlite3.Error,
            asyncpg.PostgresError,
            asyncpg.InterfaceError,
        ) as error:
            stream.write("\n")
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise MigrateError(
                f"copying {table.name} failed, nothing was written: {type(error).__name__}: "
                f"{reason}"
            ) from None
        bar.draw(table.name, done, total, last=True)
    copied = [table.name for table, _ in pairs]
    await target.continue_sequences(copied, await source.high_water())
    result = Outcome(
        [TableCount(name, counts[name], await target.count(name)) for name in copied],
        skipped,
    )
    if result.ok:
        try:
            await target.commit()
        except (sqlite3.Error, asyncpg.PostgresError) as error:
            raise MigrateError(
                f"the target refused the copy at commit, nothing was written: {error}"
            ) from None
    return result
