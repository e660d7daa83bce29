"""Throwaway PostgreSQL clusters on 127.0.0.1 (never production): a primary and its
streaming read replica (`pg_basebackup -R`), with the binaries of the `pgserver` wheel
the project already uses. Used by the replica test (tests/stats/test_replica.py) and by
bench/cluster.py. When run as root, the servers run as the `pgserver` system user (the
one pgserver itself creates), since PostgreSQL refuses to run as root.
"""

import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


def bin_dir() -> Path:
    import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


def _system_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("pgserver")
    except KeyError:
        subprocess.run(["useradd", "-s", "/bin/bash", "pgserver"], check=True, capture_output=True)
    return "pgserver"


def _run(args, **kwargs):
    user = _system_user()
    return subprocess.run(
        [str(bin_dir() / args[0]), *args[1:]], check=True, capture_output=True, text=True, user=user, **kwargs
    )


def _own(path: Path) -> None:
    user = _system_user()
    if user:
        shutil.chown(path, user, user)
        path.chmod(0o700)


@dataclass
class PgCluster:
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def dsn(self, database: str = "postgres") -> str:
        return f"{self.url}/{database}"

    def init(self) -> "PgCluster":
        self.data.mkdir(parents=True, exist_ok=True)
        _own(self.data)
        _run(["initdb", "-N", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_wal_senders = 4\nwal_level = replica\nhot_standby = on\n"
            )
        return self

    def start(self, timeout: int = 30) -> "PgCluster":
        _run(
            ["pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-o", f"-p {self.port}", "-w"]
            + ["-t", str(timeout), "start"]
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            _run(["pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop"])

    def restart(self) -> None:
        # -l: the new server must not keep our pipe open (we would wait on it forever).
        _run(["pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-m", "fast", "-w", "restart"])

    def replica(self, data: Path, port: int) -> "PgCluster":
        """A streaming replica of this (running) cluster, started."""
        data.mkdir(parents=True, exist_ok=True)
        _own(data)
        _run(
            ["pg_basebackup", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-D", str(data)]
            + ["-R", "-X", "stream", "-c", "fast", "--no-sync"]
        )
        return PgCluster(data, port).start()


def wait_for(condition, timeout: float = 20, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        time.sleep(step)
