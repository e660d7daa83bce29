from tests.marketplace.conftest import *  # noqa: F401,F403 (fixtures)
