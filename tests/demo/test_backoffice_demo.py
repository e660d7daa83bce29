"""The support's demo: the two duplicates merge, the deletion request is handled, roles are set."""

from django.urls import reverse

from itou.audit.models import Anonymization, DeletionRequest
from itou.backoffice.demo import DUPLICATES
from itou.demo.world import load_demo
from itou.job_applications.models import JobApplication
from itou.users.models import User
from tests.backoffice.conftest import staff_with


def test_staff_merge_the_two_demo_duplicates(demo_communes, client):
    load_demo()
    kept, duplicate = (User.objects.get(email=f"{data[0]}@inclusion-demo.fr") for data in DUPLICATES)
    assert JobApplication.objects.filter(job_seeker=duplicate).count() == 1
    assert User.objects.get(email="support.n1@inclusion-demo.fr").groups.filter(name="Support").exists()
    staff_with(client, "Support")
    url = reverse("admin:users_user_merge", args=[kept.pk])
    assert "Noms différents" not in client.get(url, {"duplicate_id": duplicate.pk}).content.decode()
    client.post(url, {"duplicate_id": duplicate.pk, "confirm": "on"})
    assert JobApplication.objects.filter(job_seeker=kept).count() == 1
    assert Anonymization.objects.filter(user=duplicate).exists()
    assert DeletionRequest.objects.filter(handled_at__isnull=True).count() == 1
    # Running the demo again does not bring the merged duplicate back.
    users = User.objects.count()
    load_demo()
    assert User.objects.count() == users
    assert not User.objects.get(pk=duplicate.pk).is_active
