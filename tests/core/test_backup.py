"""Backup and restore: a round trip keeps every table row for row (SQLite and PostgreSQL:
the suite runs on whichever DATABASE_URL names)."""

import datetime
import os
import sqlite3
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kampungkb.core.backup import (
    BackupError,
    backup_create,
    backup_restore,
    backups_prune,
    database_digest,
    table_names,
)

# Tables the round trip must carry with rows in them: one or more per app the demo seeds.
SEEDED = (
    "wilayah_wilayah",
    "wilayah_kampungkb",
    "accounts_user",
    "growth_child",
    "growth_measurement",
    "families_keluarga",
    "analytics_prevalencesummary",
    "core_auditentry",
)


@pytest.fixture
def source(transactional_db):
    """The test database, seeded by the demo generator (small: tests.settings) and committed,
    so that another process (pg_dump) sees it."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return dict(connection.settings_dict)


@pytest.fixture
def fresh(tmp_path):
    """A database with no tables, of the same kind as the test database."""
    db = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        db["NAME"] = str(tmp_path / "restored.sqlite3")
        yield db
        return
    import psycopg

    db["NAME"] = connection.settings_dict["NAME"] + "_restore"
    admin = {
        "dbname": "postgres",
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "autocommit": True,
    }
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    yield db
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')


def _execute(db, sql):
    """Run one statement on ``db`` through its own connection, committed."""
    if connection.vendor == "sqlite":
        with sqlite3.connect(db["NAME"]) as conn:
            conn.execute(sql)
        return
    import psycopg

    with psycopg.connect(
        dbname=db["NAME"], host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"]
    ) as conn:
        conn.execute(sql)


def test_a_restored_backup_has_every_table_row_for_row(source, fresh, tmp_path):
    """Seeding takes most of the time: one test checks the round trip, then that the digest
    it relies on sees one changed value and one missing row."""
    before = database_digest(source)
    assert table_names(fresh) == []

    path = backup_create(db=source, folder=tmp_path / "backups")
    backup_restore(db=fresh, path=path)

    after = database_digest(fresh)
    assert after == before
    assert len(after) > 40
    for table in SEEDED:
        assert after[table].rows > 0, table

    _execute(fresh, "UPDATE growth_measurement SET berat = berat + 0.1 WHERE id = "
             "(SELECT MIN(id) FROM growth_measurement)")  # fmt: skip
    changed = database_digest(fresh)
    assert changed["growth_measurement"].rows == after["growth_measurement"].rows
    assert changed["growth_measurement"].sha256 != after["growth_measurement"].sha256
    assert {t for t in after if changed[t] != after[t]} == {"growth_measurement"}

    _execute(fresh, "DELETE FROM accounts_user WHERE id = (SELECT MAX(id) FROM accounts_user)")
    fewer = database_digest(fresh)
    assert fewer["accounts_user"].rows == after["accounts_user"].rows - 1


def test_the_digest_follows_the_primary_key_not_the_order_rows_were_written(tmp_path):
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "a.sqlite3")}
    other = {**db, "NAME": str(tmp_path / "b.sqlite3")}
    for target, order in ((db, (1, 2, 3)), (other, (3, 1, 2))):
        with sqlite3.connect(target["NAME"]) as conn:
            conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
            conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, f"n{i}") for i in order])
    assert database_digest(db) == database_digest(other)
    with sqlite3.connect(other["NAME"]) as conn:
        conn.execute("UPDATE t SET name = 'N2' WHERE id = 2")
    assert database_digest(db) != database_digest(other)


def test_a_database_with_tables_is_only_overwritten_with_force(source, fresh, tmp_path):
    path = backup_create(db=source, folder=tmp_path)
    backup_restore(db=fresh, path=path)
    _execute(fresh, "DELETE FROM growth_measurement")

    with pytest.raises(BackupError, match="--force"):
        backup_restore(db=fresh, path=path)
    assert database_digest(fresh)["growth_measurement"].rows == 0

    backup_restore(db=fresh, path=path, force=True)
    assert database_digest(fresh) == database_digest(source)


def test_the_backup_is_named_with_its_time_and_readable_by_its_owner_only(
    transactional_db, tmp_path
):
    source = connection.settings_dict
    when = datetime.datetime(2026, 11, 29, 9, 30, 5, tzinfo=datetime.UTC)
    first = backup_create(db=source, folder=tmp_path / "b", now=when)
    second = backup_create(db=source, folder=tmp_path / "b", now=when)

    suffix = ".sqlite3" if connection.vendor == "sqlite" else ".dump"
    assert first.name == f"kampungkb-20261129T093005Z{suffix}"
    assert second.name == f"kampungkb-20261129T093005Z-2{suffix}"
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "b").stat().st_mode) == 0o700
    assert [p.name for p in (tmp_path / "b").iterdir() if p.name.endswith(".part")] == []

    later = backup_create(db=source, folder=tmp_path / "b", now=when.replace(hour=10), keep=2)
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted([second.name, later.name])


def test_keep_removes_only_the_oldest_backups_of_that_kind(tmp_path):
    for name in ("kampungkb-20260101T000000Z.dump", "kampungkb-20260102T000000Z.dump",
                 "kampungkb-20260103T000000Z.dump", "kampungkb-20260101T000000Z.sqlite3",
                 "notes.dump"):  # fmt: skip
        (tmp_path / name).write_bytes(b"x")
    removed = backups_prune(folder=tmp_path, vendor="postgresql", keep=1)
    assert [p.name for p in removed] == [
        "kampungkb-20260101T000000Z.dump",
        "kampungkb-20260102T000000Z.dump",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "kampungkb-20260101T000000Z.sqlite3",
        "kampungkb-20260103T000000Z.dump",
        "notes.dump",
    ]


@pytest.mark.django_db
def test_a_file_that_is_not_a_backup_of_this_database_is_refused(fresh, tmp_path):
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"hello, not a backup")
    with pytest.raises(BackupError, match="bukan berkas cadangan kampungkb"):
        backup_restore(db=fresh, path=junk)
    other = tmp_path / "other"
    other.write_bytes(b"PGDMP\x01" if connection.vendor == "sqlite" else b"SQLite format 3\x00")
    with pytest.raises(BackupError, match="basis data yang dikonfigurasi adalah"):
        backup_restore(db=fresh, path=other)
    with pytest.raises(BackupError, match="Tidak ada berkas cadangan"):
        backup_restore(db=fresh, path=tmp_path / "missing.dump")
    assert table_names(fresh) == []


def test_without_the_postgresql_tools_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a server without postgresql-client
    db = {"ENGINE": "django.db.backends.postgresql", "NAME": "kampungkb", "HOST": "", "PORT": ""}
    with pytest.raises(BackupError, match=r"pg_dump tidak ditemukan.*postgresql-client"):
        backup_create(db=db, folder=tmp_path / "b")
    assert list((tmp_path / "b").iterdir()) == []


def test_the_commands_back_up_and_refuse_to_overwrite(transactional_db, tmp_path, capsys):
    call_command("backup", "-o", str(tmp_path))
    (path,) = tmp_path.iterdir()
    assert str(path) in capsys.readouterr().out
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(path))  # the test database has tables
    with pytest.raises(CommandError, match="--keep"):
        call_command("backup", "-o", str(tmp_path), "--keep", "0")


def test_a_sqlite_backup_is_taken_while_another_connection_writes(tmp_path):
    """The server keeps writing (WAL): the backup does not wait for its transaction, holds
    what was committed when it started, and is one self-contained file."""
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "live.sqlite3")}
    with sqlite3.connect(db["NAME"]) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
        setup.execute("INSERT INTO t VALUES (1, 'committed')")
    writer = sqlite3.connect(db["NAME"], isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (2, 'not yet committed')")

    first = backup_create(db=db, folder=tmp_path / "b")
    writer.execute("COMMIT")
    writer.close()
    second = backup_create(db=db, folder=tmp_path / "b")

    def rows(path):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            return conn.execute("SELECT id FROM t ORDER BY id").fetchall()
        finally:
            conn.close()

    assert rows(first) == [(1,)]
    assert rows(second) == [(1,), (2,)]


def test_an_unreachable_postgresql_database_is_a_clear_error(tmp_path):
    db = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "kkb_ops_nowhere",
        "HOST": "127.0.0.1",
        "PORT": "1",  # nothing listens there
        "USER": "postgres",
    }
    with pytest.raises(BackupError, match="kkb_ops_nowhere"):
        table_names(db)


def test_a_backup_of_a_missing_or_empty_database_is_refused_and_keeps_the_old_ones(tmp_path):
    """A wrong database path (KAMPUNGKB_VAR_DIR of the backup service differing from the
    server's) must not make an empty backup, nor let ``--keep`` prune the real ones for it,
    nor leave an empty database file where none was."""
    folder = tmp_path / "b"
    folder.mkdir()
    older = [folder / f"kampungkb-2026010{d}T000000Z.sqlite3" for d in (1, 2)]
    for path in older:
        path.write_bytes(b"SQLite format 3\x00")
    missing = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "nowhere.sqlite3")}
    with pytest.raises(BackupError, match=r"Tidak ada berkas basis data .*nowhere\.sqlite3"):
        backup_create(db=missing, folder=folder, keep=1)
    assert not (tmp_path / "nowhere.sqlite3").exists()

    empty = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "empty.sqlite3")}
    sqlite3.connect(empty["NAME"]).close()
    with pytest.raises(BackupError, match=r"empty\.sqlite3 tidak berisi tabel"):
        backup_create(db=empty, folder=folder, keep=1)
    assert sorted(folder.iterdir()) == older


def test_the_backup_command_says_when_its_folder_cannot_be_made(transactional_db, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(CommandError, match=r"Folder cadangan .*a-file.* tidak dapat dibuat"):
        call_command("backup", "-o", str(blocker / "backups"))
    with pytest.raises(CommandError, match="a-file"):
        call_command("backup", "-o", str(blocker))


def test_a_sqlite_file_that_is_not_a_kampungkb_database_is_not_restored(fresh, tmp_path):
    """Another program's SQLite file (or an empty one) passes the header check; restoring it
    with --force would replace every table of the installation with it."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite files")
    foreign = tmp_path / "other-app.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    _execute(fresh, "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT)")
    for path in (foreign, tmp_path / "empty.sqlite3"):
        sqlite3.connect(path).close()
        with pytest.raises(BackupError, match="bukan berkas cadangan kampungkb"):
            backup_restore(db=fresh, path=path, force=True)
        assert table_names(fresh) == ["django_migrations"]


def test_the_backup_command_says_when_its_folder_cannot_be_written(transactional_db):
    """A folder that is there but takes no file (a read-only mount; here /proc/self, which
    refuses new files even to root): a message, not a traceback in the timer's log."""
    with pytest.raises(CommandError, match=r"Cadangan tidak dapat ditulis ke /proc/self"):
        call_command("backup", "-o", "/proc/self")


def test_keep_removes_what_a_killed_backup_left_half_written_not_a_running_one(tmp_path):
    """A backup killed half-way (its timer's timeout, the OOM killer, the power) leaves its
    ``.part``, a whole copy of the database that matched no rotation and stayed for good."""
    now = datetime.datetime.now(datetime.UTC)
    killed = tmp_path / "kampungkb-20260101T013000Z.dump.part"
    running = tmp_path / "kampungkb-20260102T013000Z.dump.part"
    other_kind = tmp_path / "kampungkb-20260101T013000Z.sqlite3.part"
    for path in (killed, running, other_kind):
        path.write_bytes(b"half")
    kept = tmp_path / "kampungkb-20260102T000000Z.dump"
    kept.write_bytes(b"x")
    long_ago = (now - datetime.timedelta(hours=13)).timestamp()
    for path in (killed, other_kind):
        os.utime(path, (long_ago, long_ago))
    recent = (now - datetime.timedelta(hours=11)).timestamp()
    os.utime(running, (recent, recent))
    removed = backups_prune(folder=tmp_path, vendor="postgresql", keep=1, now=now)
    assert removed == [killed]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [running.name, other_kind.name, kept.name]
    )
    assert backups_prune(folder=tmp_path, vendor="postgresql", keep=1, now=now) == []
