"""The schema: numbered migrations shipped as .sql files, applied once each and recorded
in `schema_migrations`; the views (views.sql) defined again after every migration."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import duckdb

from prospector.errors import DatabaseError
from prospector.store.connection import Connection, now

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")

# What a reader does with views.sql when the file lacks them: the same definitions, made
# this connection's own (a read-only connection may create temp views only).
_VIEW, _TEMP_VIEW = "CREATE OR REPLACE VIEW", "CREATE OR REPLACE TEMP VIEW"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The numbered migrations shipped with the package, in order."""
    folder = resources.files("prospector.store").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found, key=lambda m: m.version)


def views_sql(*, temporary: bool = False) -> str:
    """The views' definitions; `temporary` makes them the connection's temp views."""
    sql = resources.files("prospector.store").joinpath("views.sql").read_text("utf-8")
    return sql.replace(_VIEW, _TEMP_VIEW) if temporary else sql


class Schema(Connection):
    """Migrating a writer's file, checking a reader's."""

    def applied_versions(self) -> list[int]:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()
        if not exists or not exists[0]:
            return []
        rows = self.con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        return [int(r[0]) for r in rows]

    def check_schema(self) -> None:
        """A reader's check: the file is a Prospector database this version can read."""
        known = {m.version for m in migrations()}
        applied = self.applied_versions()
        if not applied:
            raise DatabaseError(f"{self.path} is not a Prospector database (no schema)")
        newer = [v for v in applied if v not in known]
        if newer:
            raise DatabaseError(
                f"database {self.path} has schema version {max(newer)}, newer than this "
                f"Prospector knows ({max(known)}); upgrade Prospector"
            )

    def migrate(self) -> list[int]:
        """Apply the migrations not yet recorded, each in one transaction; refresh views."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        applied = set(self.applied_versions())
        known = migrations()
        newer = sorted(applied - {m.version for m in known})
        if newer:
            raise DatabaseError(
                f"database {self.path} has schema version {newer[-1]}, newer than this "
                f"Prospector knows ({known[-1].version}); upgrade Prospector"
            )
        done = []
        for migration in known:
            if migration.version in applied:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute(migration.sql)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [migration.version, migration.name, now()],
                )
                self.con.execute("COMMIT")
            except duckdb.Error as exc:
                self.con.execute("ROLLBACK")
                raise DatabaseError(f"migration {migration.name} failed: {exc}") from None
            done.append(migration.version)
        self.con.execute(views_sql())
        return done
