"""A real local SFTP server (asyncssh) playing the ASP's host, for the tests and `make run`.

It listens on 127.0.0.1 (a random port by default), serves a chrooted folder holding
`depot/` and `retrait/`, accepts only the generated client key, and writes what the
client needs next to it: `client_key` (private key) and `known_hosts` (the server's host
key for "[127.0.0.1]:port"), matching ASP_SFTP_PRIVATE_KEY_PATH / ASP_SFTP_KNOWN_HOSTS.
Never used in production.
"""

import asyncio
import logging
import threading
import warnings
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import asyncssh

logging.getLogger("asyncssh").setLevel(logging.WARNING)


class LocalSFTPServer:
    def __init__(self, root: Path, keys_dir: Path, *, host: str = "127.0.0.1", port: int = 0):
        self.root = Path(root)
        self.keys_dir = Path(keys_dir)
        self.host = host
        self.port = port
        self._loop = None
        self._server = None
        self._thread = None

    @property
    def client_key_path(self) -> Path:
        return self.keys_dir / "client_key"

    @property
    def known_hosts_path(self) -> Path:
        return self.keys_dir / "known_hosts"

    def _keys(self):
        self.keys_dir.mkdir(parents=True, exist_ok=True)
        host_key_path = self.keys_dir / "host_key"
        if not host_key_path.exists():
            asyncssh.generate_private_key("ssh-ed25519").write_private_key(str(host_key_path))
        if not self.client_key_path.exists():
            client_key = asyncssh.generate_private_key("ssh-ed25519")
            client_key.write_private_key(str(self.client_key_path))
            self.client_key_path.chmod(0o600)
        host_key = asyncssh.read_private_key(str(host_key_path))
        client_public = asyncssh.read_private_key(str(self.client_key_path)).export_public_key().decode()
        return host_key, client_public

    async def _start(self):
        for folder in ("depot", "retrait"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        host_key, client_public = self._keys()
        root = str(self.root).encode()
        self._server = await asyncssh.listen(
            self.host,
            self.port,
            server_host_keys=[host_key],
            authorized_client_keys=asyncssh.import_authorized_keys(client_public),
            sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=root),
            allow_scp=False,
            login_timeout=30,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        public = host_key.export_public_key().decode().split()
        host = self.host if self.port == 22 else f"[{self.host}]:{self.port}"
        self.known_hosts_path.write_text(f"{host} {public[0]} {public[1]}\n")

    def start(self) -> "LocalSFTPServer":
        """Serve in a background thread (its own event loop) until `stop()`."""
        started = threading.Event()
        errors = []

        def run():
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(self._start())
            except Exception as error:  # reported to the caller below
                errors.append(error)
                started.set()
                return
            started.set()
            self._loop.run_forever()
            self._server.close()
            self._loop.run_until_complete(self._server.wait_closed())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="local-sftp-server", daemon=True)
        self._thread.start()
        started.wait(timeout=30)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._loop and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(timeout=10)

    def settings(self) -> dict:
        """The Django settings that point the client at this server."""
        return {
            "ASP_SFTP_HOST": self.host,
            "ASP_SFTP_PORT": self.port,
            "ASP_SFTP_PRIVATE_KEY_PATH": str(self.client_key_path),
            "ASP_SFTP_KNOWN_HOSTS": str(self.known_hosts_path),
        }
