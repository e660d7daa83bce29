import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from tests.users.factories import StaffFactory


def staff_with(client, *groups, superuser=False):
    staff = StaffFactory(is_superuser=superuser, first_name="Sam", last_name="Support")
    for name in groups:
        # get_or_create: transactional tests flush the groups the migration made.
        staff.groups.add(Group.objects.get_or_create(name=name)[0])
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "test"})
    client.force_login(staff)
    return staff


@pytest.fixture
def support(client):
    return staff_with(client, "Support")
