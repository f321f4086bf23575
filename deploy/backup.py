"""Back up the portal (the PostgreSQL database and MEDIA_ROOT), restore it, and check that
nothing was lost.

    ./dev backup  [DIR]         pg_dump (custom format) of DATABASE_URL, a tar of MEDIA_ROOT and
                                a manifest (row count of every table, SHA-256 of every file)
    ./dev restore DIR           into DATABASE_URL (created when missing, refused unless empty)
                                and MEDIA_ROOT (refused unless empty), then compared with the
                                manifest
    ./dev backup-check          backup, restore into a fresh database and a fresh folder,
                                compare, drop them (--keep keeps them)

DATABASE_URL and MEDIA_ROOT come from the environment (or .env), as for the portal. pg_dump
and pg_restore come from PostgreSQL's client package, of the server's major version or newer.
Exits 1 when anything differs.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import environ
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
env = environ.Env()
if (ROOT / ".env").exists():
    environ.Env.read_env(ROOT / ".env", overwrite=False)


def database_config(url: str) -> dict:
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("backup works on PostgreSQL only (DATABASE_URL=postgres://…)")
    return config


def libpq_env(config: dict) -> dict:
    """The environment pg_dump and pg_restore read the connection from (no password on argv)."""
    found = {**os.environ, "PGHOST": config["HOST"] or "127.0.0.1"}
    found["PGPORT"] = str(config["PORT"] or 5432)
    found["PGUSER"] = config["USER"] or "postgres"
    if config["PASSWORD"]:
        found["PGPASSWORD"] = config["PASSWORD"]
    return found


def connect(config: dict, name: str | None = None):
    return psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname=name or config["NAME"],
        autocommit=True,
    )


def row_counts(config: dict) -> dict[str, int]:
    """The number of rows of every table of the database (every schema but the system's)."""
    with connect(config) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        ).fetchall()
        counts = {}
        for schema, table in tables:
            query = sql.SQL("SELECT count(*) FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
            counts[f"{schema}.{table}"] = conn.execute(query).fetchone()[0]
    return counts


def file_checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by its path inside it."""
    sums = {}
    if folder.exists():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest = hashlib.sha256()
            with path.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
            sums[str(path.relative_to(folder))] = digest.hexdigest()
    return sums


def backup(database_url: str, media_root: Path, out: Path) -> dict:
    """Write database.dump, media.tar.gz and manifest.json into ``out``; the manifest."""
    config = database_config(database_url)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subprocess.run(
        [
            "pg_dump",
            "--format=custom",
            "--no-password",
            f"--file={out / 'database.dump'}",
            config["NAME"],
        ],  # fmt: skip
        env=libpq_env(config),
        check=True,
    )
    with tarfile.open(out / "media.tar.gz", "w:gz") as tar:
        if media_root.exists():
            tar.add(media_root, arcname=".")
    manifest = {
        "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": config["NAME"],
        "media_root": str(media_root),
        "tables": row_counts(config),
        "files": file_checksums(media_root),
        "seconds": round(time.monotonic() - started, 1),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def restore(backup_dir: Path, database_url: str, media_root: Path) -> None:
    """Restore ``backup_dir`` into an empty (or missing) database and an empty folder."""
    config = database_config(database_url)
    with connect(config, "postgres") as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    if row_counts(config):
        raise SystemExit(f"database {config['NAME']} is not empty: restore into a fresh one")
    if media_root.exists() and any(media_root.iterdir()):
        raise SystemExit(f"{media_root} is not empty: restore into a fresh folder")
    subprocess.run(
        [
            "pg_restore",
            "--no-password",
            "--no-owner",
            "--exit-on-error",
            f"--dbname={config['NAME']}",
            str(backup_dir / "database.dump"),
        ],  # fmt: skip
        env=libpq_env(config),
        check=True,
    )
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(backup_dir / "media.tar.gz") as tar:
        tar.extractall(media_root, filter="data")


def compare(manifest: dict, database_url: str, media_root: Path) -> list[str]:
    """What differs between the manifest and the restored database and folder."""
    problems = []
    tables = row_counts(database_config(database_url))
    for table, count in manifest["tables"].items():
        if tables.get(table) != count:
            problems.append(f"table {table}: {count} rows backed up, {tables.get(table)} restored")
    for table in tables.keys() - manifest["tables"].keys():
        problems.append(f"table {table}: not in the backup")
    files = file_checksums(media_root)
    for name, digest in manifest["files"].items():
        if files.get(name) != digest:
            problems.append(f"file {name}: {'missing' if name not in files else 'differs'}")
    for name in files.keys() - manifest["files"].keys():
        problems.append(f"file {name}: not in the backup")
    return problems


def report(manifest: dict, problems: list[str]) -> int:
    rows = sum(manifest["tables"].values())
    print(
        f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} files: "
        + ("everything restored, identical" if not problems else f"{len(problems)} differences")
    )
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("backup")
    one.add_argument("dir", nargs="?", type=Path)
    two = sub.add_parser("restore")
    two.add_argument("dir", type=Path)
    three = sub.add_parser("check")
    three.add_argument("--keep", action="store_true", help="keep the restored database and folder")
    args = parser.parse_args(argv)
    database_url = env("DATABASE_URL", default="")
    media_root = Path(env("MEDIA_ROOT", default=str(ROOT / "media")))
    if args.command == "backup":
        out = args.dir or ROOT / "backups" / datetime.now().strftime("%Y%m%d-%H%M%S")
        manifest = backup(database_url, media_root, out)
        print(f"backup in {out}: {len(manifest['tables'])} tables, {len(manifest['files'])} files")
        return 0
    if args.command == "restore":
        manifest = json.loads((args.dir / "manifest.json").read_text())
        restore(args.dir, database_url, media_root)
        return report(manifest, compare(manifest, database_url, media_root))
    # check: a backup and a restore into a fresh database and a fresh folder, then compared
    config = database_config(database_url)
    work = Path(tempfile.mkdtemp(prefix="backup-check-"))
    fresh_name = f"{config['NAME']}_restore_check_{os.getpid()}"
    base, mark, query = database_url.partition("?")
    fresh_url = f"{base.rsplit('/', 1)[0]}/{fresh_name}{mark}{query}"
    fresh_media = work / "media"
    started = time.monotonic()
    manifest = backup(database_url, media_root, work / "backup")
    backed_up = time.monotonic()
    try:
        restore(work / "backup", fresh_url, fresh_media)
        restored = time.monotonic()
        problems = compare(manifest, fresh_url, fresh_media)
    finally:
        if not args.keep:
            with connect(config, "postgres") as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(fresh_name)
                    )
                )
    size = sum(p.stat().st_size for p in (work / "backup").iterdir())
    print(
        f"backup of {config['NAME']} and {media_root}: {backed_up - started:.1f} s, "
        f"{size / 1e6:.1f} MB; restore into {fresh_name} and {fresh_media}: "
        f"{restored - backed_up:.1f} s"
    )
    return report(manifest, problems)


if __name__ == "__main__":
    sys.exit(main())
