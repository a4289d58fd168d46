"""Shared by the benchmarks: make sure the PostgreSQL database they are pointed at exists."""


def ensure_postgres_database(url: str) -> None:
    """Create the database named in ``url`` (a postgres:// URL) when it does not exist, so
    ``make bench`` runs on a fresh machine; any other URL is left alone."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
