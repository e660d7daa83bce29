import pytest

from itou.organizations.current import SESSION_KEY
from tests.job_applications.conftest import Cast


def login(client, user, organization=None):
    """Log `user` in, acting for `organization` (a Company or PrescriberOrganization) if given."""
    client.force_login(user)
    if organization is not None:
        from itou.companies.models import Company

        prefix = "company" if isinstance(organization, Company) else "prescriber"
        session = client.session
        session[SESSION_KEY] = f"{prefix}:{organization.pk}"
        session.save()
    return user


@pytest.fixture
def cast():
    return Cast()
