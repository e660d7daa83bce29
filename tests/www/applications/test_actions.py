"""Actions through the pages: forms, French errors, stale pages, permissions."""

import pytest
from django.urls import reverse

from itou.companies.enums import CompanyKind
from itou.job_applications import services
from itou.job_applications.enums import JobApplicationState as S
from itou.job_applications.models import JobApplication, JobApplicationComment
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.helpers import last_email_to, run_pending_jobs
from tests.job_applications.conftest import Cast
from tests.job_applications.factories import days_from_today
from tests.www.applications.conftest import login

STALE = "Cette action a déjà été effectuée"


def action_url(job_application, slug):
    return reverse("applications:action", args=[job_application.pk, slug])


def detail_url(job_application):
    return reverse("applications:detail", args=[job_application.pk])


def post(client, job_application, slug, data=None, *, state=None, follow=True):
    data = {"expected_state": state or job_application.state, **(data or {})}
    return client.post(action_url(job_application, slug), data, follow=follow)


def state_of(job_application):
    return JobApplication.objects.get(pk=job_application.pk).state


def messages(response):
    return [str(message) for message in response.context["messages"]]


def test_process(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.employer)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, cast.job_application, "etudier")
    assert response.redirect_chain[-1][0] == detail_url(cast.job_application)
    assert state_of(cast.job_application) == S.PROCESSING
    assert "La candidature est à l'étude." in messages(response)[0]
    run_pending_jobs()
    assert last_email_to(cast.job_seeker.email).subject.startswith("[Les emplois de l'inclusion] Candidature à l'étude")


def test_double_click_or_stale_page(client, cast):
    login(client, cast.employer)
    post(client, cast.job_application, "etudier", state=S.NEW)
    response = post(client, cast.job_application, "etudier", state=S.NEW)
    assert response.status_code == 200
    assert STALE in messages(response)[0]
    assert cast.job_application.logs.count() == 1


def test_stale_page_does_not_accept_a_refused_application(client, cast):
    services.job_application_refuse(
        acting_user=cast.colleague,
        job_application=cast.job_application,
        refusal_reason="no_position",
        share_reason_with_job_seeker=False,
    )
    login(client, cast.employer)
    response = post(client, cast.job_application, "accepter", {"hiring_start_at": days_from_today(1)}, state=S.NEW)
    assert STALE in messages(response)[0]
    assert state_of(cast.job_application) == S.REFUSED


def test_missing_expected_state_is_stale(client, cast):
    login(client, cast.employer)
    response = client.post(action_url(cast.job_application, "etudier"), {}, follow=True)
    assert STALE in messages(response)[0]
    assert state_of(cast.job_application) == S.NEW


def test_accept(client, cast):
    login(client, cast.employer)
    page = client.get(action_url(cast.job_application, "accepter"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Accepter la candidature" in content
    assert f'min="{days_from_today(0).isoformat()}"' in content
    response = post(
        client,
        cast.job_application,
        "accepter",
        {"hiring_start_at": days_from_today(2), "hiring_end_at": days_from_today(100), "answer": "Bienvenue !"},
    )
    assert "Embauche confirmée" in messages(response)[0]
    job_application = JobApplication.objects.get(pk=cast.job_application.pk)
    assert (job_application.state, job_application.hiring_start_at) == (S.ACCEPTED, days_from_today(2))


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "hiring_start_at", "Indiquez la date de début du contrat."),
        ({"hiring_start_at": "pas une date"}, "hiring_start_at", "Saisissez une date valide."),
        ({"hiring_start_at": days_from_today(-1)}, "hiring_start_at", "ne peut pas être dans le passé"),
        ({"hiring_start_at": days_from_today(45)}, "hiring_start_at", "reporté de plus de 30 jours"),
        (
            {"hiring_start_at": days_from_today(5), "hiring_end_at": days_from_today(1)},
            "hiring_end_at",
            "ne peut pas précéder sa date de début",
        ),
    ],
)
def test_accept_bad_input(client, cast, data, field, message):
    login(client, cast.employer)
    response = post(client, cast.job_application, "accepter", data, follow=False)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert state_of(cast.job_application) == S.NEW


def test_refuse_without_reason(client, cast):
    login(client, cast.employer)
    response = post(client, cast.job_application, "decliner", {"share_reason_with_job_seeker": "on"}, follow=False)
    assert response.status_code == 200
    assert response.context["form"].errors["refusal_reason"] == ["Choisissez le motif du refus."]
    assert state_of(cast.job_application) == S.NEW


def test_refuse_with_auto_reason_is_not_a_choice(client, cast):
    login(client, cast.employer)
    response = post(client, cast.job_application, "decliner", {"refusal_reason": "auto"}, follow=False)
    assert "refusal_reason" in response.context["form"].errors
    assert state_of(cast.job_application) == S.NEW


def test_refuse(client, cast):
    login(client, cast.employer)
    response = post(
        client,
        cast.job_application,
        "decliner",
        {
            "refusal_reason": "no_position",
            "share_reason_with_job_seeker": "on",
            "answer": "Merci.",
            "answer_to_prescriber": "À revoir en mars.",
        },
    )
    assert "Candidature déclinée." in messages(response)[0]
    job_application = JobApplication.objects.get(pk=cast.job_application.pk)
    assert (job_application.state, job_application.refusal_reason) == (S.REFUSED, "no_position")
    assert job_application.answer_to_prescriber == "À revoir en mars."


def test_refuse_form_without_prescriber_field_for_a_job_seeker_application(client):
    cast = Cast(sent_by_prescriber=False)
    login(client, cast.employer)
    assert "answer_to_prescriber" not in client.get(action_url(cast.job_application, "decliner")).context["form"].fields


def test_postpone_without_comment(client, cast):
    login(client, cast.employer)
    response = post(client, cast.job_application, "mettre-en-attente", {"comment": ""}, follow=False)
    assert response.context["form"].errors["comment"]
    post(client, cast.job_application, "mettre-en-attente", {"comment": "En mars."})
    assert state_of(cast.job_application) == S.POSTPONED


def test_cancel(client):
    cast = Cast(state=S.ACCEPTED)
    login(client, cast.employer)
    response = post(client, cast.job_application, "annuler-embauche")
    assert "Embauche annulée." in messages(response)[0]
    assert state_of(cast.job_application) == S.CANCELLED


def test_prior_action_for_geiq(client):
    cast = Cast(company_kind=CompanyKind.GEIQ)
    login(client, cast.employer)
    post(client, cast.job_application, "action-prealable", {"prior_action_kind": "PMSMP"})
    assert state_of(cast.job_application) == S.PRIOR_TO_HIRE


def test_prior_action_page_not_offered_outside_geiq(client, cast):
    login(client, cast.employer)
    response = client.get(action_url(cast.job_application, "action-prealable"), follow=True)
    assert STALE in messages(response)[0]
    response = post(client, cast.job_application, "action-prealable", {"prior_action_kind": "PMSMP"})
    assert STALE in messages(response)[0]
    assert state_of(cast.job_application) == S.NEW


def test_transfer(client, cast):
    second = CompanyFactory(kind=CompanyKind.EI)
    CompanyMembershipFactory(company=second, user=cast.employer)
    stranger = CompanyFactory(kind=CompanyKind.EI, with_member=True)
    login(client, cast.employer)
    response = post(client, cast.job_application, "transferer", {"to_company": stranger.pk}, follow=False)
    assert response.context["form"].errors["to_company"] == ["Choisissez une de vos structures."]
    response = post(client, cast.job_application, "transferer", {"to_company": second.pk})
    assert "Candidature transférée." in messages(response)[0]
    job_application = JobApplication.objects.get(pk=cast.job_application.pk)
    assert (job_application.to_company, job_application.state) == (second, S.NEW)


def test_update_hiring_dates(client):
    cast = Cast(state=S.ACCEPTED)
    JobApplication.objects.filter(pk=cast.job_application.pk).update(hiring_start_at=days_from_today(3))
    cast.job_application.refresh_from_db()
    login(client, cast.employer)
    page = client.get(action_url(cast.job_application, "dates-du-contrat"))
    assert page.context["form"].initial["hiring_start_at"] == cast.job_application.hiring_start_at
    post(client, cast.job_application, "dates-du-contrat", {"hiring_start_at": days_from_today(10)})
    assert JobApplication.objects.get(pk=cast.job_application.pk).hiring_start_at == days_from_today(10)
    response = post(
        client, cast.job_application, "dates-du-contrat", {"hiring_start_at": days_from_today(50)}, follow=False
    )
    assert response.context["form"].errors["hiring_start_at"]


def test_archive_and_unarchive(client):
    cast = Cast(state=S.OBSOLETE)
    login(client, cast.employer)
    response = post(client, cast.job_application, "archiver")
    assert "Candidature archivée" in messages(response)[0]
    assert JobApplication.objects.get(pk=cast.job_application.pk).archived_at is not None
    response = post(client, cast.job_application, "archiver")
    assert STALE in messages(response)[0]
    post(client, cast.job_application, "desarchiver")
    assert JobApplication.objects.get(pk=cast.job_application.pk).archived_at is None


@pytest.mark.parametrize("role", ["prescriber", "job_seeker", "other_employer", "outsider"])
@pytest.mark.parametrize("slug", ["etudier", "accepter", "decliner", "archiver"])
def test_others_cannot_act(client, cast, role, slug):
    login(client, getattr(cast, role))
    # Those who see the application (its sender, the job seeker) get 403 saying why; others 404.
    expected = 403 if role in ("prescriber", "job_seeker") else 404
    response = client.get(action_url(cast.job_application, slug))
    assert response.status_code == expected
    if expected == 403:
        assert "Seul l&#x27;employeur qui a reçu cette candidature" in response.content.decode()
    response = post(
        client,
        cast.job_application,
        slug,
        {"hiring_start_at": days_from_today(0), "refusal_reason": "other"},
        follow=False,
    )
    assert response.status_code == expected
    assert state_of(cast.job_application) == S.NEW


def test_unknown_action(client, cast):
    login(client, cast.employer)
    assert client.get(action_url(cast.job_application, "supprimer")).status_code == 404


def test_comments(client, cast):
    comment_url = reverse("applications:add_comment", args=[cast.job_application.pk])
    login(client, cast.employer)
    response = client.post(comment_url, {"message": "  "}, follow=True)
    assert "Écrivez votre commentaire" in messages(response)[0]
    response = client.post(comment_url, {"message": "Appelée ce matin."}, follow=True)
    assert "Commentaire ajouté." in messages(response)[0]
    assert "Appelée ce matin." in response.content.decode()
    for user, expected in ((cast.prescriber, 403), (cast.job_seeker, 403), (cast.other_employer, 404)):
        login(client, user)
        assert client.post(comment_url, {"message": "Intrus"}).status_code == expected
    assert JobApplicationComment.objects.count() == 1
    assert client.get(comment_url).status_code in (404, 405)
