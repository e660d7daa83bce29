"""The demo prescriber and the demo ACI exchange messages on a demo application."""

from io import StringIO

from django.core.management import call_command

from itou.exchanges.models import ApplicationMessage
from itou.followup.models import FollowUpMembership
from itou.support.models import SupportRequest


def test_demo_thread(demo_communes):
    call_command("load_demo", stdout=StringIO())
    messages = list(ApplicationMessage.objects.select_related("author", "job_application__to_company"))
    assert len(messages) == 3
    assert {message.job_application_id for message in messages} == {messages[0].job_application_id}
    assert messages[0].job_application.to_company.brand == "Les Jardins du Rhône"
    job_application = messages[0].job_application
    assert [message.author for message in messages] == [
        job_application.sender,
        messages[1].author,
        job_application.sender,
    ]
    assert messages[1].author.email.startswith("employeur.aci@")
    assert [message.author_side for message in messages] == ["sender", "employer", "sender"]
    assert [message.between_professionals for message in messages] == [False, False, True]
    # A support request in the staff inbox.
    (support_request,) = SupportRequest.objects.all()
    assert support_request.user.email.startswith("employeur.aci@")
    # Idempotent.
    call_command("load_demo", stdout=StringIO())
    assert ApplicationMessage.objects.count() == 3
    assert SupportRequest.objects.count() == 1
    # The follow-up groups filled themselves from the demo applications.
    assert FollowUpMembership.objects.filter(
        member=job_application.sender, job_seeker=job_application.job_seeker
    ).exists()
