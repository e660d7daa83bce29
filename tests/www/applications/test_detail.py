"""The application's page: who sees it, what each one reads, which actions are offered."""

import uuid

import pytest
from django.urls import reverse

from itou.companies.enums import CompanyKind
from itou.job_applications import services
from itou.job_applications.enums import JobApplicationState as S
from itou.organizations.current import SESSION_KEY
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.job_applications.conftest import Cast
from tests.job_applications.factories import make_job_description
from tests.prescribers.factories import PrescriberMembershipFactory
from tests.users.factories import StaffFactory
from tests.www.applications.conftest import login

# session, user, the application (joins), organizations (3), logs, jobs, comments, transfer targets,
# and the diagnosis in force (SIAE): valid PASS IAE?, a prescriber's diagnosis, the employer's own;
# the messages' thread and its read marker (upsert).
DETAIL_QUERIES = 15


def url(job_application):
    return reverse("applications:detail", args=[job_application.pk])


@pytest.mark.parametrize("role", ["employer", "colleague", "prescriber", "job_seeker"])
def test_everyone_involved_sees_it(client, cast, role):
    login(client, getattr(cast, role))
    response = client.get(url(cast.job_application))
    assert response.status_code == 200
    assert cast.job_application.message in response.content.decode()


def test_the_prescriber_organization_colleague_sees_it(client, cast):
    colleague = PrescriberMembershipFactory(organization=cast.job_application.sender_prescriber_organization).user
    login(client, colleague)
    assert client.get(url(cast.job_application)).status_code == 200


@pytest.mark.parametrize("role", ["other_employer", "other_prescriber", "outsider", "other_job_seeker"])
def test_others_get_404(client, cast, role):
    login(client, getattr(cast, role))
    assert client.get(url(cast.job_application)).status_code == 404
    assert client.get(reverse("applications:resume", args=[cast.job_application.pk])).status_code == 404


def test_deactivated_member_gets_404(client, cast):
    cast.company.memberships.filter(user=cast.colleague).update(is_active=False)
    login(client, cast.colleague)
    assert client.get(url(cast.job_application)).status_code == 404


def test_staff_uses_the_back_office(client, cast):
    from allauth.mfa.models import Authenticator

    staff = StaffFactory()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    login(client, staff)
    assert client.get(url(cast.job_application)).status_code == 404


def test_forged_id(client, cast):
    login(client, cast.employer)
    assert client.get(reverse("applications:detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/candidatures/pas-un-uuid/").status_code == 404


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(url(cast.job_application))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_profile_with_masked_nir(client, cast):
    profile = cast.job_seeker.jobseeker_profile
    login(client, cast.employer)
    content = client.get(url(cast.job_application)).content.decode()
    assert profile.masked_nir in content
    assert profile.nir not in content


def test_internal_comments_only_for_the_employer(client, cast):
    services.job_application_add_comment(
        acting_user=cast.employer, job_application=cast.job_application, message="Candidat rappelé lundi."
    )
    login(client, cast.colleague)
    content = client.get(url(cast.job_application)).content.decode()
    assert "Commentaires internes" in content and "Candidat rappelé lundi." in content
    for user in (cast.prescriber, cast.job_seeker):
        login(client, user)
        content = client.get(url(cast.job_application)).content.decode()
        assert "Candidat rappelé lundi." not in content
        assert "Commentaires internes" not in content


def refuse(cast, *, shared):
    services.job_application_refuse(
        acting_user=cast.employer,
        job_application=cast.job_application,
        refusal_reason="lacking_skills",
        share_reason_with_job_seeker=shared,
        answer="Merci de votre intérêt.",
        answer_to_prescriber="Il manque le CACES.",
    )


@pytest.mark.parametrize("shared", [True, False])
def test_timeline_by_role(client, cast, shared):
    services.job_application_process(acting_user=cast.employer, job_application=cast.job_application)
    refuse(cast, shared=shared)
    reason = "n&#x27;a pas les compétences requises"
    login(client, cast.job_seeker)
    content = client.get(url(cast.job_application)).content.decode()
    assert "Candidature mise à l&#x27;étude" in content and "Candidature déclinée" in content
    assert "Merci de votre intérêt." in content
    assert "CACES" not in content
    assert (reason in content) is shared
    login(client, cast.prescriber)
    content = client.get(url(cast.job_application)).content.decode()
    assert reason in content and "Il manque le CACES." in content
    login(client, cast.employer)
    content = client.get(url(cast.job_application)).content.decode()
    assert reason in content
    assert ("non communiqué au candidat" in content) is not shared


def test_archiving_only_in_the_employer_timeline(client):
    cast = Cast(state=S.REFUSED)
    services.job_application_archive(acting_user=cast.employer, job_application=cast.job_application)
    login(client, cast.employer)
    assert "Candidature archivée" in client.get(url(cast.job_application)).content.decode()
    login(client, cast.job_seeker)
    assert "Candidature archivée" not in client.get(url(cast.job_application)).content.decode()


def actions(response):
    return [spec.name for spec in response.context["actions"]]


@pytest.mark.parametrize(
    "state, kind, expected",
    [
        (S.NEW, CompanyKind.ACI, ["process", "accept", "postpone", "add_to_pool", "refuse"]),
        (S.NEW, CompanyKind.GEIQ, ["process", "accept", "postpone", "add_to_pool", "move_to_prior_to_hire", "refuse"]),
        (S.ACCEPTED, CompanyKind.ACI, ["cancel", "update_hiring_start"]),
        (S.REFUSED, CompanyKind.ACI, ["accept", "archive"]),
        (S.OBSOLETE, CompanyKind.ACI, ["accept", "add_to_pool", "archive"]),
    ],
)
def test_actions_offered(client, state, kind, expected):
    cast = Cast(company_kind=kind, state=state)
    login(client, cast.employer)
    response = client.get(url(cast.job_application))
    assert actions(response) == expected
    content = response.content.decode()
    if "refuse" in expected:
        # A DSFR modal confirms the refusal (no inline JavaScript; the strict client checks it).
        assert 'aria-controls="modal-decliner"' in content and 'id="modal-decliner"' in content
    for user in (cast.prescriber, cast.job_seeker):
        login(client, user)
        response = client.get(url(cast.job_application))
        assert "actions" not in response.context
        assert "Que voulez-vous faire" not in response.content.decode()


def test_transfer_offered_to_members_of_several_employers(client, cast):
    login(client, cast.employer)
    assert "transfer" not in actions(client.get(url(cast.job_application)))
    CompanyMembershipFactory(company=CompanyFactory(kind=CompanyKind.EI), user=cast.employer)
    CompanyMembershipFactory(company=CompanyFactory(kind=CompanyKind.OPCS), user=cast.employer)
    assert "transfer" in actions(client.get(url(cast.job_application)))


def test_switches_to_the_organization_of_the_application(client, cast):
    """A member of two employers opens, from an email, an application of the other one."""
    second = CompanyFactory(with_member=cast.employer)
    login(client, cast.employer, second)
    response = client.get(url(cast.job_application))
    assert response.status_code == 200
    assert client.session[SESSION_KEY] == f"company:{cast.company.pk}"
    assert "Vous agissez maintenant pour" in response.content.decode()


def test_selected_jobs_and_resume_link(client, cast):
    cast.job_application.selected_jobs.set([make_job_description(cast.company, title="Ouvrier paysagiste")])
    login(client, cast.employer)
    content = client.get(url(cast.job_application)).content.decode()
    assert "Ouvrier paysagiste" in content
    assert "Aucun CV joint." in content


def test_detail_queries(client, cast, django_assert_num_queries):
    CompanyMembershipFactory(company=CompanyFactory(kind=CompanyKind.EI), user=cast.employer)
    login(client, cast.employer)
    client.get(url(cast.job_application))
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(url(cast.job_application))
    for _ in range(5):
        services.job_application_add_comment(
            acting_user=cast.employer, job_application=cast.job_application, message="x"
        )
    services.job_application_process(acting_user=cast.employer, job_application=cast.job_application)
    cast.job_application.selected_jobs.set([make_job_description(cast.company, code=str(n)) for n in (11111, 22222)])
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(url(cast.job_application))


def test_unknown_transition_in_the_log_does_not_break_the_page(client, cast):
    cast.job_application.logs.create(transition="something_new", from_state=S.NEW, to_state=S.NEW)
    login(client, cast.job_seeker)
    assert client.get(url(cast.job_application)).status_code == 200


def test_geiq_prior_action_shown(client):
    cast = Cast(company_kind=CompanyKind.GEIQ)
    services.job_application_move_to_prior_to_hire(
        acting_user=cast.employer, job_application=cast.job_application, prior_action_kind="AFPR"
    )
    login(client, cast.job_seeker)
    content = client.get(url(cast.job_application)).content.decode()
    assert "Action de formation préalable au recrutement (AFPR)" in content


def test_authorized_prescriber_sees_the_diagnosis_link(client, cast):
    """Only an authorized prescriber of the sending organization is offered the diagnosis."""

    from itou.prescribers.enums import PrescriberAuthorizationStatus

    job_application = cast.job_application
    organization = job_application.sender_prescriber_organization
    link = reverse("eligibility:prescriber_application", args=[job_application.pk])
    organization.authorization_status = PrescriberAuthorizationStatus.VALIDATED
    organization.save()
    login(client, cast.prescriber)
    assert link in client.get(url(job_application)).content.decode()
    login(client, cast.employer)
    assert link not in client.get(url(job_application)).content.decode()
    # An orienteur (authorization not validated) is not offered it.
    organization.authorization_status = PrescriberAuthorizationStatus.NOT_SET
    organization.save()
    login(client, cast.prescriber)
    assert link not in client.get(url(job_application)).content.decode()
