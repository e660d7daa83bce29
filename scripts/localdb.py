"""Project-local PostgreSQL cluster for dev and tests (never production).

Used when DATABASE_URL is unset. The binaries come from the `pgserver` wheel, which
also copes with running as root (it runs the server as a dedicated system user).
The cluster lives in `.data/pg` and listens only on a Unix socket: inside the data
folder, or under the runtime folder when the project path is too long for a socket.
"""

import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / ".data" / "pg"
DATABASE_NAME = "itou"


def _quiet_imports():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (as in CI); its fallback is fine.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", category=Warning)


def _postmaster_info():
    _quiet_imports()
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PGDATA)
    if info is not None and info.is_running() and info.status == "ready":
        return info
    return None


def is_running() -> bool:
    return _postmaster_info() is not None


def start() -> str:
    """Start the cluster if needed (creating it the first time); return its URL."""
    _quiet_imports()
    import pgserver
    import psycopg

    PGDATA.mkdir(parents=True, exist_ok=True)
    fresh = not (PGDATA / "PG_VERSION").exists()
    server = pgserver.get_server(PGDATA, cleanup_mode=None)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        if fresh:
            # A throwaway dev cluster: trade durability of the last commits for speed.
            conn.execute("ALTER SYSTEM SET synchronous_commit = off")
            conn.execute("SELECT pg_reload_conf()")
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return server.get_uri(database=DATABASE_NAME)


def stop() -> None:
    import os

    from pgserver._commands import pg_ctl

    if _postmaster_info() is None:
        return
    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=user)


def local_database_url() -> str:
    info = _postmaster_info()
    if info is not None:
        return info.get_uri(database=DATABASE_NAME)
    return start()


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "url"
    if command == "start" or command == "url":
        print(start())
    elif command == "stop":
        stop()
    elif command == "status":
        print("running" if is_running() else "stopped")
    else:
        sys.exit(f"usage: {sys.argv[0]} [start|url|stop|status]")
