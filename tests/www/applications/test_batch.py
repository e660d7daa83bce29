"""Batch actions of the employer inbox: each item through its service, a report, forged ids."""

import uuid

from django.urls import reverse

from itou.job_applications.enums import JobApplicationState as S
from itou.job_applications.models import JobApplication
from tests.job_applications.factories import JobApplicationFactory
from tests.www.applications.conftest import login

BATCH = reverse("applications:company_batch")
LIST = reverse("applications:company_list")


def states(*job_applications):
    return [JobApplication.objects.get(pk=ja.pk).state for ja in job_applications]


def messages(response):
    return [str(message) for message in response.context["messages"]]


def test_batch_process_with_a_report(client, cast):
    other_new = JobApplicationFactory(to_company=cast.company)
    accepted = JobApplicationFactory(to_company=cast.company, state=S.ACCEPTED)
    login(client, cast.employer)
    response = client.post(
        BATCH,
        {
            "ids": [cast.job_application.pk, other_new.pk, accepted.pk],
            "action": "process",
            "next": f"{LIST}?states=new",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{LIST}?states=new"
    assert states(cast.job_application, other_new, accepted) == [S.PROCESSING, S.PROCESSING, S.ACCEPTED]
    assert messages(response)[0] == "2 candidatures mises à l'étude."
    assert messages(response)[1] == (
        f"Action impossible pour 1 candidature : {accepted.job_seeker.get_full_name()} (Candidature acceptée)."
    )
    assert cast.job_application.logs.get().user == cast.employer


def test_forged_ids_are_not_touched(client, cast):
    others = JobApplicationFactory()  # another employer's
    login(client, cast.employer)
    response = client.post(
        BATCH, {"ids": [cast.job_application.pk, others.pk, uuid.uuid4()], "action": "process"}, follow=True
    )
    assert states(cast.job_application, others) == [S.PROCESSING, S.NEW]
    assert "2 candidatures introuvables dans vos candidatures reçues." in messages(response)


def test_bad_input(client, cast):
    login(client, cast.employer)
    response = client.post(BATCH, {"ids": ["pas-un-uuid"], "action": "process"}, follow=True)
    assert "La sélection n'est pas valide : rechargez la page." in messages(response)
    response = client.post(BATCH, {"action": "process"}, follow=True)
    assert "Cochez au moins une candidature." in messages(response)
    response = client.post(BATCH, {"ids": [cast.job_application.pk], "action": "delete"}, follow=True)
    assert any("Sélectionnez un choix valide" in message for message in messages(response))
    response = client.post(
        BATCH, {"ids": [cast.job_application.pk], "action": "process", "next": "https://evil.example"}
    )
    assert response["Location"] == LIST
    assert states(cast.job_application) == [S.PROCESSING]


def test_batch_refuse_asks_for_a_reason_and_confirms(client, cast, django_capture_on_commit_callbacks):
    second = JobApplicationFactory(to_company=cast.company, state=S.PROCESSING)
    login(client, cast.employer)
    ids = [cast.job_application.pk, second.pk]
    page = client.post(BATCH, {"ids": ids, "action": "refuse"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "Décliner 2 candidatures" in content
    assert cast.job_application.job_seeker.get_full_name() in content
    assert states(cast.job_application, second) == [S.NEW, S.PROCESSING]
    # Confirmed without a reason: the page again, with the error.
    page = client.post(BATCH, {"ids": ids, "action": "refuse", "confirmed": "on"})
    assert page.context["form"].errors["refusal_reason"] == ["Choisissez le motif du refus."]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BATCH,
            {"ids": ids, "action": "refuse", "confirmed": "on", "refusal_reason": "no_position", "answer": "Merci."},
            follow=True,
        )
    assert messages(response)[0] == "2 candidatures déclinées."
    assert states(cast.job_application, second) == [S.REFUSED, S.REFUSED]
    assert JobApplication.objects.get(pk=second.pk).refusal_reason_shared_with_job_seeker is False


def test_batch_postpone_requires_a_comment(client, cast):
    login(client, cast.employer)
    ids = [cast.job_application.pk]
    page = client.post(BATCH, {"ids": ids, "action": "postpone", "confirmed": "on", "comment": " "})
    assert page.context["form"].errors["comment"]
    client.post(BATCH, {"ids": ids, "action": "postpone", "confirmed": "on", "comment": "En septembre."})
    assert states(cast.job_application) == [S.POSTPONED]


def test_batch_archive_and_unarchive(client, cast):
    refused = JobApplicationFactory(to_company=cast.company, state=S.REFUSED)
    login(client, cast.employer)
    response = client.post(BATCH, {"ids": [refused.pk, cast.job_application.pk], "action": "archive"}, follow=True)
    assert messages(response)[0] == "1 candidature archivée."
    assert JobApplication.objects.get(pk=refused.pk).archived_at is not None
    response = client.post(BATCH, {"ids": [refused.pk], "action": "unarchive"}, follow=True)
    assert messages(response)[0] == "1 candidature désarchivée."


def test_batch_only_for_employers(client, cast):
    login(client, cast.prescriber)
    assert client.post(BATCH, {"ids": [cast.job_application.pk], "action": "process"}).status_code == 404
    login(client, cast.employer)
    assert client.get(BATCH).status_code == 405
    assert states(cast.job_application) == [S.NEW]
