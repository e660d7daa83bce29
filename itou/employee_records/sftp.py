"""The SFTP adapter to the ASP (paramiko): host key checked against ASP_SFTP_KNOWN_HOSTS,
key authentication only, timeouts on connect, banner, auth and every channel operation.

    with sftp.connect() as client:
        client.upload("RIAE_FS_20260101120000.json", data)   # temp name, then rename
        for name in client.feedback_files(): ...
"""

import contextlib
import io
import logging
import stat

import paramiko
from django.conf import settings

logger = logging.getLogger(__name__)
logging.getLogger("paramiko").setLevel(logging.WARNING)

UPLOAD_DIR = "depot"
DOWNLOAD_DIR = "retrait"
# Feedback files that could not be read are moved here, in `retrait`, for the operators.
ASIDE_DIR = "retrait/erreurs"
FILE_PREFIX = "RIAE_FS_"


class SFTPError(Exception):
    """The ASP server is unreachable, refused us or a file operation failed."""


class ASPClient:
    def __init__(self, sftp: paramiko.SFTPClient):
        self.sftp = sftp

    def _exists(self, path: str) -> bool:
        try:
            self.sftp.stat(path)
        except FileNotFoundError:
            return False
        return True

    def upload(self, filename: str, data: bytes) -> bool:
        """Deposit `data` as depot/<filename>: written under a temporary name, then renamed,
        so the ASP never reads half a file. Returns False when the file was already there
        (a previous run uploaded it and crashed before its commit): nothing is sent twice."""
        final = f"{UPLOAD_DIR}/{filename}"
        if self._exists(final):
            return False
        temporary = f"{UPLOAD_DIR}/.{filename}.part"
        self.sftp.putfo(io.BytesIO(data), temporary, file_size=len(data), confirm=True)
        self.sftp.posix_rename(temporary, final)
        return True

    def uploaded_files(self) -> list[str]:
        return sorted(name for name in self.sftp.listdir(UPLOAD_DIR) if name.startswith(FILE_PREFIX))

    def feedback_files(self) -> list[str]:
        names = []
        for entry in self.sftp.listdir_attr(DOWNLOAD_DIR):
            if entry.filename.startswith(FILE_PREFIX) and stat.S_ISREG(entry.st_mode or 0):
                names.append(entry.filename)
        return sorted(names)

    def feedback_files_with_times(self) -> list[tuple[str, int | None]]:
        entries = [
            (entry.filename, entry.st_mtime)
            for entry in self.sftp.listdir_attr(DOWNLOAD_DIR)
            if entry.filename.startswith(FILE_PREFIX) and stat.S_ISREG(entry.st_mode or 0)
        ]
        return sorted(entries)

    def read(self, directory: str, filename: str) -> bytes:
        buffer = io.BytesIO()
        self.sftp.getfo(f"{directory}/{filename}", buffer)
        return buffer.getvalue()

    def read_feedback(self, filename: str) -> bytes:
        return self.read(DOWNLOAD_DIR, filename)

    def remove_feedback(self, filename: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.sftp.remove(f"{DOWNLOAD_DIR}/{filename}")

    def move_feedback_aside(self, filename: str) -> None:
        if not self._exists(ASIDE_DIR):
            self.sftp.mkdir(ASIDE_DIR)
        self.sftp.posix_rename(f"{DOWNLOAD_DIR}/{filename}", f"{ASIDE_DIR}/{filename}")

    def write(self, directory: str, filename: str, data: bytes) -> None:
        """Used by the ASP simulator: same temporary-then-rename discipline."""
        temporary = f"{directory}/.{filename}.part"
        self.sftp.putfo(io.BytesIO(data), temporary, file_size=len(data), confirm=True)
        self.sftp.posix_rename(temporary, f"{directory}/{filename}")

    def remove(self, directory: str, filename: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.sftp.remove(f"{directory}/{filename}")


def _load_key(path: str) -> paramiko.PKey:
    for key_class in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return key_class.from_private_key_file(path)
        except paramiko.SSHException:
            continue
    raise SFTPError(f"Clé privée SFTP illisible : {path}")


@contextlib.contextmanager
def connect(*, host=None, port=None, user=None, key_path=None, known_hosts=None, timeout=None):
    """An ASPClient on the configured server; every failure becomes SFTPError."""
    host = host or settings.ASP_SFTP_HOST
    port = port or settings.ASP_SFTP_PORT
    timeout = timeout or settings.ASP_SFTP_TIMEOUT
    ssh = paramiko.SSHClient()
    try:
        ssh.load_host_keys(known_hosts or settings.ASP_SFTP_KNOWN_HOSTS)
    except OSError as error:
        raise SFTPError(f"Fichier known_hosts introuvable : {error}") from error
    ssh.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        ssh.connect(
            host,
            port=port,
            username=user or settings.ASP_SFTP_USER,
            pkey=_load_key(key_path or settings.ASP_SFTP_PRIVATE_KEY_PATH),
            allow_agent=False,
            look_for_keys=False,
            timeout=timeout,
            banner_timeout=timeout,
            auth_timeout=timeout,
            channel_timeout=timeout,
        )
        sftp = ssh.open_sftp()
        sftp.get_channel().settimeout(timeout)
    except (OSError, paramiko.SSHException) as error:
        ssh.close()
        raise SFTPError(f"Connexion SFTP à {host}:{port} impossible : {error}") from error
    try:
        yield ASPClient(sftp)
    except (OSError, paramiko.SSHException) as error:
        raise SFTPError(f"Opération SFTP en échec : {error}") from error
    finally:
        ssh.close()
