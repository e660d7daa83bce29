import contextlib

import pytest

from itou.notifications.models import SentEmail
from tests.helpers import run_pending_jobs


def sending_block(capture):
    """A context manager factory: the block, its on-commit callbacks, then the queued emails delivered."""

    @contextlib.contextmanager
    def block():
        with capture(execute=True):
            yield
        run_pending_jobs()

    return block


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """`with sending(): …` runs the block, its on-commit callbacks, then delivers the queued emails."""
    return sending_block(django_capture_on_commit_callbacks)


def emails_to(address: str) -> list[SentEmail]:
    return list(SentEmail.objects.filter(to__contains=[address]).order_by("sent_at", "pk"))
