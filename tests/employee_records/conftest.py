import pytest

from itou.employee_records.sftp_server import LocalSFTPServer
from tests.demo.conftest import demo_communes  # noqa: F401 (fixture)


@pytest.fixture
def sftp_server(tmp_path, settings):
    """A real SFTP server (asyncssh) on 127.0.0.1 and a random port, with a temporary root
    and freshly generated keys; the settings point the paramiko client at it."""
    server = LocalSFTPServer(tmp_path / "root", tmp_path / "keys").start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    settings.ASP_TRANSFER_ENABLED = True
    yield server
    server.stop()
