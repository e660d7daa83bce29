"""The support's back-office: search, the person's page, account actions, roles."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from itou.audit.enums import AccessKind
from itou.audit.models import AccessLog, Anonymization, DeletionRequest
from itou.backoffice.models import LoginEvent, StaffAction, StaffActionKind
from itou.job_applications.models import JobApplication
from itou.users.models import JobSeekerProfile, User
from tests.approvals.factories import ApprovalFactory
from tests.backoffice.conftest import staff_with
from tests.helpers import last_email_to, run_pending_jobs
from tests.job_applications.factories import JobApplicationFactory
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory

CHANGELIST = reverse("admin:users_user_changelist")


def page(user):
    return reverse("admin:users_user_change", args=[user.pk])


def test_search_by_name_email_organization_and_exact_nir(client, support):
    camille = JobSeekerFactory(first_name="Camille", last_name="Zorro", email="camille@example.com")
    pro = ProfessionalFactory(last_name="Durand")
    PrescriberOrganizationFactory(name="Mission locale de Zanzibar", with_member=pro)
    for term, expected in (("Zorro", camille), ("camille@example", camille), ("Zanzibar", pro)):
        html = client.get(CHANGELIST, {"q": term}).content.decode()
        assert page(expected) in html, term
    nir = camille.jobseeker_profile.nir
    spaced = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    assert page(camille) in client.get(CHANGELIST, {"q": spaced}).content.decode()
    # Never a prefix: it would tell who was born when.
    assert page(camille) not in client.get(CHANGELIST, {"q": nir[:7]}).content.decode()


def test_changelist_queries_do_not_grow(client, support, django_assert_max_num_queries):
    for _ in range(3):
        JobSeekerFactory()
    # Session, user, MFA check, role checks of each admin page in the menu, count, page: a fixed set.
    with django_assert_max_num_queries(30) as few:
        client.get(CHANGELIST)
    for _ in range(20):
        JobSeekerFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(CHANGELIST)


def test_person_page_shows_everything(client, support):
    application = JobApplicationFactory(sent_by_prescriber=True)
    job_seeker = application.job_seeker
    approval = ApprovalFactory(job_seeker=job_seeker)
    LoginEvent.objects.create(user=job_seeker, ip="203.0.113.4", user_agent="Firefox")
    html = client.get(page(job_seeker)).content.decode()
    assert application.to_company.display_name in html
    assert approval.display_number in html
    assert "203.0.113.4" in html
    assert job_seeker.jobseeker_profile.masked_nir in html
    assert job_seeker.jobseeker_profile.nir not in html
    prescriber = application.sender
    html = client.get(page(prescriber)).content.decode()
    assert application.sender_prescriber_organization.name in html


def test_logins_are_recorded(client):
    user = JobSeekerFactory(email="lea@example.com")
    client.post(reverse("account_login"), {"login": "lea@example.com", "password": "Un-mot-de-passe-2026!"})
    from tests.users.factories import DEFAULT_PASSWORD

    client.post(
        reverse("account_login"), {"login": "lea@example.com", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="198.51.100.2"
    )
    assert LoginEvent.objects.get(user=user).ip == "198.51.100.2"


def test_nir_in_clear_is_logged(client, support):
    job_seeker = JobSeekerFactory()
    assert client.get(reverse("admin:users_user_nir", args=[job_seeker.pk])).status_code == 302
    response = client.post(reverse("admin:users_user_nir", args=[job_seeker.pk]))
    assert job_seeker.jobseeker_profile.nir in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.viewer, log.holder, log.kind) == (support, job_seeker, AccessKind.NIR)
    assert StaffAction.objects.get().kind == StaffActionKind.NIR_VIEW


def test_deactivate_reactivate_logged_on_the_page(client, support):
    user = JobSeekerFactory()
    client.post(reverse("admin:users_user_action", args=[user.pk, "deactivate"]))
    user.refresh_from_db()
    assert not user.is_active
    response = client.post(reverse("admin:users_user_action", args=[user.pk, "deactivate"]), follow=True)
    assert "déjà désactivé" in response.content.decode()
    client.post(reverse("admin:users_user_action", args=[user.pk, "reactivate"]))
    user.refresh_from_db()
    assert user.is_active
    html = client.get(page(user)).content.decode()
    assert "Compte désactivé par Sam SUPPORT" in html and "Compte réactivé par Sam SUPPORT" in html


def test_change_email_tells_both_addresses(client, support, django_capture_on_commit_callbacks):
    user = JobSeekerFactory(email="ancienne@example.com")
    other = JobSeekerFactory(email="prise@example.com")
    response = client.post(
        reverse("admin:users_user_action", args=[user.pk, "change_email"]), {"email": other.email}, follow=True
    )
    assert "Un autre compte utilise déjà cette adresse" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:users_user_action", args=[user.pk, "change_email"]), {"email": "Nouvelle@example.com"}
        )
    user.refresh_from_db()
    assert user.email == "nouvelle@example.com"
    run_pending_jobs()
    assert "ne permet plus de vous connecter" in last_email_to("ancienne@example.com").body
    assert (
        "/comptes/confirm-email/" in last_email_to("nouvelle@example.com").body
        or "confirm" in last_email_to("nouvelle@example.com").body
    )
    action = StaffAction.objects.get(kind=StaffActionKind.USER_CHANGE_EMAIL)
    assert action.details == {"old_email": "ancienne@example.com", "new_email": "nouvelle@example.com"}


def test_resend_verification(client, support, django_capture_on_commit_callbacks):
    from allauth.account.models import EmailAddress

    user = JobSeekerFactory(email="nonverifiee@example.com", verified_email=False)
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"primary": True, "verified": False})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:users_user_action", args=[user.pk, "resend_verification"]))
    run_pending_jobs()
    assert last_email_to("nonverifiee@example.com")
    assert StaffAction.objects.filter(kind=StaffActionKind.USER_RESEND_VERIFICATION).exists()


def test_deletion_request_one_click(client, support):
    user = JobSeekerFactory(email="partir@example.com")
    request = DeletionRequest.objects.create(user=user)
    client.post(
        reverse("admin:audit_deletionrequest_changelist"), {"action": "anonymize", "_selected_action": [request.pk]}
    )
    user.refresh_from_db()
    assert user.email is None and user.last_name == "supprimé"
    assert Anonymization.objects.get(user=user).by_user == support
    request.refresh_from_db()
    assert request.handled_by == support


# ------------------------------------------------------------------------------------------
# Roles
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "groups, users_page, approvals_page",
    [(("Support",), 200, 200), (("Équipe PASS IAE",), 403, 200), ((), 403, 403)],
)
def test_each_page_checks_its_role(client, groups, users_page, approvals_page):
    staff_with(client, *groups)
    assert client.get(CHANGELIST).status_code == users_page
    assert client.get(reverse("admin:approvals_approval_changelist")).status_code == approvals_page


def test_support_cannot_issue_a_pass_nor_act_without_role(client):
    from django.contrib import admin

    from itou.approvals.models import PendingApprovalRequest

    staff = staff_with(client, "Support")
    request = client.get(CHANGELIST).wsgi_request
    model_admin = admin.site._registry[PendingApprovalRequest]
    assert "issue_approval" not in model_admin.get_actions(request)
    # A PASS team member without the support role cannot act on accounts.
    client.logout()
    staff_with(client, "Équipe PASS IAE")
    user = JobSeekerFactory()
    client.post(reverse("admin:users_user_action", args=[user.pk, "deactivate"]), follow=True)
    user.refresh_from_db()
    assert user.is_active
    assert staff.is_active


def test_not_staff_never_gets_in(client):
    client.force_login(ProfessionalFactory())
    assert client.get(CHANGELIST).status_code == 302


# ------------------------------------------------------------------------------------------
# Merge
# ------------------------------------------------------------------------------------------


def test_merge_lists_conflicts_then_moves_everything(client, support):
    kept = JobSeekerFactory(first_name="Karim", last_name="Benali", email="karim@example.com")
    duplicate = JobSeekerFactory(first_name="Karim", last_name="Ben Ali", email="karim.b@example.com")
    application = JobApplicationFactory(job_seeker=duplicate)
    application.resume.save("cv.pdf", ContentFile(b"%PDF-1.4 cv"), save=True)
    approval = ApprovalFactory(job_seeker=duplicate)
    url = reverse("admin:users_user_merge", args=[kept.pk])
    html = client.get(url, {"duplicate_id": duplicate.pk}).content.decode()
    assert "numéros de sécurité sociale différents" in html
    assert "Noms différents" in html
    assert "candidatures : 1" in html and "PASS IAE : 1" in html
    assert JobApplication.objects.get().job_seeker == duplicate  # nothing moved yet

    response = client.post(url, {"duplicate_id": duplicate.pk, "confirm": "on"}, follow=True)
    assert "Comptes fusionnés" in response.content.decode()
    application.refresh_from_db()
    approval.refresh_from_db()
    assert application.job_seeker == kept and application.resume
    assert approval.job_seeker == kept
    duplicate.refresh_from_db()
    assert not duplicate.is_active and duplicate.email is None
    assert Anonymization.objects.get(user=duplicate).reason == Anonymization.Reason.MERGE
    # The duplicate's address now also opens the kept account.
    from allauth.account.models import EmailAddress

    assert EmailAddress.objects.filter(user=kept, email="karim.b@example.com", primary=False).exists()
    assert StaffAction.objects.filter(kind=StaffActionKind.JOB_SEEKERS_MERGE).count() == 2
    # Irreversible: the duplicate cannot be merged again.
    html = client.get(url, {"duplicate_id": duplicate.pk}).content.decode()
    assert "déjà anonymisé" in html


def _certify(user, birthdate, birth_place_code, uid):
    from allauth.socialaccount.models import SocialAccount

    JobSeekerProfile.objects.filter(user=user).update(
        birthdate=birthdate,
        birth_place_code=birth_place_code,
        birth_country_code="99100",
        identity_certified_by="franceconnect",
        identity_certified_at=timezone.now(),
    )
    return SocialAccount.objects.create(user=user, provider="franceconnect", uid=uid, extra_data={})


def test_merge_moves_the_franceconnect_link_and_the_certified_identity(client, support):
    from allauth.socialaccount.models import SocialAccount

    kept = JobSeekerFactory(first_name="Karim", last_name="Benali")
    duplicate = JobSeekerFactory(first_name="Karim", last_name="BEN ALI")
    link = _certify(duplicate, datetime.date(1991, 3, 4), "75056", uid="sub-dup")
    url = reverse("admin:users_user_merge", args=[kept.pk])
    html = client.get(url, {"duplicate_id": duplicate.pk}).content.decode()
    assert "une identité certifiée par FranceConnect, pas le compte gardé" in html
    assert "celui certifié du doublon est pris" in html
    assert "liens FranceConnect / ProConnect : 1" in html

    client.post(url, {"duplicate_id": duplicate.pk, "confirm": "on"})
    link.refresh_from_db()
    assert link.user == kept  # the person still logs in with FranceConnect, into the kept account
    kept.refresh_from_db()
    profile = JobSeekerProfile.objects.get(user=kept)
    assert (kept.last_name, profile.birthdate, profile.birth_place_code) == (
        "BEN ALI",
        datetime.date(1991, 3, 4),
        "75056",
    )
    assert profile.identity_certified_by == "franceconnect"
    assert not SocialAccount.objects.filter(user=duplicate).exists()


def test_merge_with_two_franceconnect_links_keeps_the_kept_one(client, support):
    from allauth.socialaccount.models import SocialAccount

    kept = JobSeekerFactory(first_name="Léa", last_name="Martin")
    duplicate = JobSeekerFactory(first_name="Léa", last_name="Martin")
    kept_link = _certify(kept, datetime.date(1990, 1, 2), "69123", uid="sub-kept")
    _certify(duplicate, datetime.date(1991, 3, 4), "75056", uid="sub-dup")
    url = reverse("admin:users_user_merge", args=[kept.pk])
    html = client.get(url, {"duplicate_id": duplicate.pk}).content.decode()
    assert "Les deux comptes sont liés à FranceConnect" in html
    assert "liens FranceConnect / ProConnect : 0" in html
    assert SocialAccount.objects.count() == 2  # nothing changed before confirming

    client.post(url, {"duplicate_id": duplicate.pk, "confirm": "on"})
    assert list(SocialAccount.objects.all()) == [kept_link]
    kept.refresh_from_db()
    profile = JobSeekerProfile.objects.get(user=kept)
    assert (profile.birthdate, profile.birth_place_code) == (datetime.date(1990, 1, 2), "69123")
    assert Anonymization.objects.filter(user=duplicate).exists()


def test_merge_refuses_a_professional(client, support):
    kept = JobSeekerFactory()
    pro = ProfessionalFactory()
    html = client.get(reverse("admin:users_user_merge", args=[kept.pk]), {"duplicate_id": pro.pk}).content.decode()
    assert "n&#x27;est pas un compte candidat" in html
    assert User.objects.get(pk=pro.pk).is_active
