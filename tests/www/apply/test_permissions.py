"""Who may apply as what, and whose journey is whose."""

from django.test import Client
from django.urls import reverse

from itou.job_applications.models import JobApplication
from itou.organizations.current import SESSION_KEY
from tests.companies.factories import CompanyMembershipFactory, login_as_staff
from tests.institutions.factories import InstitutionFactory
from tests.prescribers.factories import PrescriberMembershipFactory, PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory
from tests.www.apply.helpers import flow_id_of, make_company
from tests.www.apply.test_flows import KNOWS_CAMILLE


def test_anonymous_is_sent_to_login(client, company):
    url = reverse("apply:start", args=[company.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login")) and "next=" in response.url
    response = client.get("/postuler/parcours/abcdefghijklmnopqrstuv/message/")
    assert response.url.startswith(reverse("account_login"))
    response = client.post("/postuler/parcours/abcdefghijklmnopqrstuv/message/", {"message": "x"})
    assert response.status_code in (302, 403)


def test_employer_cannot_self_prescribe_to_another_company(client, company):
    employer = ProfessionalFactory()
    own = make_company(with_member=employer, name="Ma structure", spontaneous=True)
    client.force_login(employer)
    response = client.get(reverse("apply:start", args=[company.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Vous ne pouvez pas postuler ici" in html
    assert "votre propre structure (Ma structure)" in html
    # Its own company: auto-prescription.
    response = client.get(reverse("apply:start", args=[own.pk]))
    assert response.url.startswith("/postuler/parcours/")


def test_labor_inspector_staff_and_professional_without_organization(client, company):
    inspector = ProfessionalFactory()
    InstitutionFactory(with_member=inspector)
    for user in (inspector, ProfessionalFactory()):
        client.force_login(user)
        response = client.get(reverse("apply:start", args=[company.pk]))
        assert response.status_code == 403, user
    login_as_staff(client)
    response = client.get(reverse("apply:start", args=[company.pk]))
    assert response.status_code == 403
    assert "ne permet pas d&#x27;envoyer de candidature" in response.content.decode()


def test_prescriber_applies_for_the_current_organization_only(client, company, job_seeker):
    prescriber = ProfessionalFactory()
    first = PrescriberOrganizationFactory(name="Mission locale A", with_member=prescriber)
    second = PrescriberOrganizationFactory(name="CCAS B")
    PrescriberMembershipFactory(user=prescriber, organization=second)
    client.force_login(prescriber)
    session = client.session
    session[SESSION_KEY] = f"prescriber:{first.pk}"
    session.save()
    flow_id = flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)
    client.post(reverse("apply:person", args=[flow_id]), {"nir": job_seeker.jobseeker_profile.nir, **KNOWS_CAMILLE})
    client.post(reverse("apply:person_confirm", args=[flow_id]), {"action": "yes"})
    client.post(reverse("apply:jobs", args=[flow_id]), {"spontaneous": "on", "action": "next"})
    client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})

    # Switching organization in the header mid-way: the journey does not follow.
    client.post(reverse("dashboard:switch_organization"), {"organization": f"prescriber:{second.pk}"})
    response = client.post(reverse("apply:summary", args=[flow_id]), follow=True)
    assert "Vous avez changé d&#x27;organisation" in response.content.decode()
    assert not JobApplication.objects.exists()

    # Back to the first one: the journey resumes and is sent for it.
    client.post(reverse("dashboard:switch_organization"), {"organization": f"prescriber:{first.pk}"})
    client.post(reverse("apply:summary", args=[flow_id]))
    assert JobApplication.objects.get().sender_prescriber_organization == first


def test_prescriber_removed_from_the_organization_during_the_journey(client, company, job_seeker, prescriber):
    client.force_login(prescriber)
    flow_id = flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)
    client.post(reverse("apply:person", args=[flow_id]), {"nir": job_seeker.jobseeker_profile.nir, **KNOWS_CAMILLE})
    client.post(reverse("apply:person_confirm", args=[flow_id]), {"action": "yes"})
    client.post(reverse("apply:jobs", args=[flow_id]), {"spontaneous": "on", "action": "next"})
    client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})
    prescriber.prescriber_memberships.update(is_active=False)
    response = client.post(reverse("apply:summary", args=[flow_id]))
    assert response.status_code in (302, 403)
    assert not JobApplication.objects.exists()


def test_flow_id_of_another_session_is_unknown(client, company, jobs, job_seeker):
    client.force_login(job_seeker)
    flow_id = flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)
    assert client.get(reverse("apply:jobs", args=[flow_id])).status_code == 200

    # Another person, another session.
    other = Client()
    other.force_login(JobSeekerFactory())
    for name in ("jobs", "message", "summary", "cancel", "person", "complete_profile"):
        assert other.get(reverse(f"apply:{name}", args=[flow_id])).status_code == 404, name
    assert other.post(reverse("apply:summary", args=[flow_id])).status_code == 404
    # The same person in another browser: still another session.
    same_person_elsewhere = Client()
    same_person_elsewhere.force_login(job_seeker)
    assert same_person_elsewhere.get(reverse("apply:summary", args=[flow_id])).status_code == 404
    assert not JobApplication.objects.exists()


def test_job_seeker_cannot_use_the_person_steps(client, company, job_seeker):
    client.force_login(job_seeker)
    flow_id = flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)
    for name in ("person", "person_confirm", "person_create"):
        assert client.get(reverse(f"apply:{name}", args=[flow_id])).status_code == 404


def test_employer_membership_to_the_target_is_what_counts(client, company):
    employer = ProfessionalFactory()
    CompanyMembershipFactory(user=employer, company=company)
    client.force_login(employer)
    response = client.get(reverse("apply:start", args=[company.pk]))
    assert response.url.startswith("/postuler/parcours/")
