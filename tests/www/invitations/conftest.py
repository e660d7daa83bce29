from tests.invitations.conftest import sending  # noqa: F401 (fixture)
