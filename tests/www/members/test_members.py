import pytest
from django.urls import reverse

from itou.invitations.enums import JoinRequestStatus
from itou.invitations.models import Invitation
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.helpers import extract_link, last_email_to
from tests.institutions.factories import InstitutionFactory, InstitutionMembershipFactory
from tests.invitations.factories import InvitationFactory, JoinRequestFactory
from tests.prescribers.factories import PrescriberMembershipFactory, PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory

INDEX_URL = reverse("members:index")
INVITE_URL = reverse("members:invite")


@pytest.fixture
def world():
    admin = ProfessionalFactory(first_name="Alice", last_name="Admin")
    company = CompanyFactory(name="Les Jardins", brand="", with_member=admin)
    member = CompanyMembershipFactory(company=company, user__first_name="Bruno", user__last_name="Membre")
    other_admin = ProfessionalFactory(first_name="Olga")
    CompanyFactory(name="Autre structure", with_member=other_admin)
    join_request = JoinRequestFactory(company=company, user__first_name="Paul", user__last_name="Demandeur")
    invitation = InvitationFactory(company=company, email="invite@example.com", sent_by=admin)
    return {
        "company": company,
        "admin": admin,
        "member": member,
        "other_admin": other_admin,
        "join_request": join_request,
        "invitation": invitation,
    }


def login(client, user):
    if user is not None:
        client.force_login(user)


# The index ---------------------------------------------------------------------------


def test_admin_sees_members_requests_and_invitations(client, world):
    login(client, world["admin"])
    html = client.get(INDEX_URL).content.decode()
    assert "Membres de la structure Les Jardins" in html
    assert "Bruno MEMBRE" in html and "Alice ADMIN (vous)" in html
    assert "Paul DEMANDEUR" in html
    assert "invite@example.com" in html
    assert INVITE_URL in html
    assert reverse("members:promote", args=[world["member"].pk]) in html
    assert reverse("members:deactivate", args=[world["member"].pk]) in html
    assert reverse("members:join_request_accept", args=[world["join_request"].pk]) in html
    # Alone as admin: no way to demote oneself.
    own = world["company"].memberships.get(user=world["admin"])
    assert reverse("members:demote", args=[own.pk]) not in html


def test_member_sees_a_read_only_list(client, world):
    login(client, world["member"].user)
    html = client.get(INDEX_URL).content.decode()
    assert "Bruno MEMBRE (vous)" in html and "Alice ADMIN" in html
    assert "Seuls les administrateurs de la structure invitent" in html
    assert "demandez à Alice ADMIN" in html
    assert "Paul DEMANDEUR" not in html
    assert "invite@example.com" not in html
    assert INVITE_URL not in html
    assert "/administrateur/" not in html and "/retirer/" not in html


def test_another_organization_admin_sees_only_their_own(client, world):
    login(client, world["other_admin"])
    html = client.get(INDEX_URL).content.decode()
    assert "Autre structure" in html
    assert "Bruno MEMBRE" not in html and "Paul DEMANDEUR" not in html


def test_index_access(client, world):
    response = client.get(INDEX_URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    login(client, JobSeekerFactory())
    assert client.get(INDEX_URL).status_code == 404
    login(client, ProfessionalFactory())  # member of nothing
    assert client.get(INDEX_URL).status_code == 404


def test_index_query_count_does_not_grow_with_the_list(client, world, django_assert_num_queries):
    login(client, world["admin"])
    client.get(INDEX_URL)  # warm up (session, content types)
    with django_assert_num_queries(7):
        client.get(INDEX_URL)
    company = world["company"]
    for _ in range(8):
        CompanyMembershipFactory(company=company)
        JoinRequestFactory(company=company)
        InvitationFactory(company=company)
    with django_assert_num_queries(7):
        html = client.get(INDEX_URL).content.decode()
    assert "Membres (10)" in html


@pytest.mark.parametrize("kind", ["prescriber", "institution"])
def test_other_kinds_of_organizations(client, kind):
    admin = ProfessionalFactory()
    if kind == "prescriber":
        organization = PrescriberOrganizationFactory(name="Relais", with_member=admin)
        PrescriberMembershipFactory(organization=organization, user__first_name="Bruno")
        title = "Membres de l&#x27;organisation Relais"
    else:
        organization = InstitutionFactory(name="DDETS du Rhône", with_member=admin)
        InstitutionMembershipFactory(institution=organization, user__first_name="Bruno")
        title = "Membres de l&#x27;institution DDETS du Rhône"
    login(client, admin)
    html = client.get(INDEX_URL).content.decode()
    assert title in html
    assert "Bruno" in html
    assert client.get(INVITE_URL).status_code == 200


# Actions: who may ----------------------------------------------------------------------


def _action_urls(world):
    member, join_request, invitation = world["member"], world["join_request"], world["invitation"]
    return [
        ("get", INVITE_URL),
        ("post", INVITE_URL),
        ("post", reverse("members:promote", args=[member.pk])),
        ("post", reverse("members:demote", args=[member.pk])),
        ("get", reverse("members:deactivate", args=[member.pk])),
        ("post", reverse("members:deactivate", args=[member.pk])),
        ("post", reverse("members:join_request_accept", args=[join_request.pk])),
        ("post", reverse("members:join_request_decline", args=[join_request.pk])),
        ("post", reverse("members:invitation_cancel", args=[invitation.pk])),
    ]


@pytest.mark.parametrize("role", ["anonymous", "job_seeker", "member", "other_admin"])
def test_actions_are_denied(client, world, role):
    user = {
        "anonymous": None,
        "job_seeker": JobSeekerFactory(),
        "member": world["member"].user,
        "other_admin": world["other_admin"],
    }[role]
    login(client, user)
    # Another organization's admin may invite, to their own organization: only objects are checked.
    urls = _action_urls(world)[2:] if role == "other_admin" else _action_urls(world)
    for method, url in urls:
        response = getattr(client, method)(url, {"email": "x@example.com", "first_name": "X", "last_name": "Y"})
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("account_login")), url
        elif role == "member":
            # A member without the admin role knows their organization: 403 saying why.
            assert response.status_code == 403, (url, method)
            assert "Seuls les administrateurs de votre structure" in response.content.decode(), url
        else:
            assert response.status_code == 404, (url, method)
    member = world["member"]
    member.refresh_from_db()
    assert member.is_active and not member.is_admin
    world["join_request"].refresh_from_db()
    assert world["join_request"].status == JoinRequestStatus.PENDING
    assert Invitation.objects.count() == 1


def test_admin_of_another_organization_cannot_reach_these_objects_even_as_current_one(client, world):
    """Another organization's objects answer 404 even to an admin of both, acting for the other one."""
    admin = world["admin"]
    CompanyFactory(name="Deuxième", with_member=admin)
    login(client, admin)
    session = client.session
    other = admin.company_memberships.exclude(company=world["company"]).get().company
    session["current_organization"] = f"company:{other.pk}"
    session.save()
    for method, url in _action_urls(world)[2:]:
        assert getattr(client, method)(url).status_code == 404, url


# Actions: what they do ----------------------------------------------------------------


def test_invite_a_colleague(client, world, sending):
    login(client, world["admin"])
    assert client.get(INVITE_URL).status_code == 200
    with sending():
        response = client.post(
            INVITE_URL, {"email": "Camille@Example.com", "first_name": "Camille", "last_name": "Durand"}, follow=True
        )
    assert response.redirect_chain[-1][0] == INDEX_URL
    assert "Invitation envoyée à camille@example.com. Le lien est valable 14 jours" in response.content.decode()
    email = last_email_to("camille@example.com")
    assert "Alice ADMIN vous invite à rejoindre la structure Les Jardins" in email.body
    assert extract_link(email.body, "/invitations/")


def test_invite_bad_input(client, world):
    login(client, world["admin"])
    JobSeekerFactory(email="candidat@example.com")
    html = client.post(INVITE_URL, {"email": "pas-une-adresse", "first_name": "", "last_name": ""}).content.decode()
    assert "fr-input-group--error" in html
    html = client.post(INVITE_URL, {"email": "candidat@example.com", "first_name": "A", "last_name": "B"}).content
    assert "compte candidat" in html.decode()
    member_email = world["member"].user.email
    html = client.post(INVITE_URL, {"email": member_email, "first_name": "A", "last_name": "B"}).content.decode()
    assert "fait déjà partie de la structure" in html
    assert Invitation.objects.count() == 1


def test_promote_demote_and_double_click(client, world):
    login(client, world["admin"])
    member = world["member"]
    response = client.post(reverse("members:promote", args=[member.pk]), follow=True)
    assert "Bruno MEMBRE est maintenant administrateur." in response.content.decode()
    member.refresh_from_db()
    assert member.is_admin
    response = client.post(reverse("members:promote", args=[member.pk]), follow=True)
    assert "Cette action a déjà été effectuée." in response.content.decode()
    response = client.post(reverse("members:demote", args=[member.pk]), follow=True)
    assert "Bruno MEMBRE n&#x27;est plus administrateur" in response.content.decode()


def test_an_admin_cannot_demote_the_last_admin(client, world):
    login(client, world["admin"])
    own = world["company"].memberships.get(user=world["admin"])
    response = client.post(reverse("members:demote", args=[own.pk]), follow=True)
    assert response.status_code == 200
    assert "Il faut au moins un administrateur de la structure" in response.content.decode()
    own.refresh_from_db()
    assert own.is_admin


def test_remove_a_member_with_confirmation(client, world, sending):
    login(client, world["admin"])
    member = world["member"]
    url = reverse("members:deactivate", args=[member.pk])
    html = client.get(url).content.decode()
    assert "Retirer Bruno MEMBRE de la structure ?" in html
    with sending():
        response = client.post(url, follow=True)
    assert "Bruno MEMBRE ne fait plus partie de la structure." in response.content.decode()
    member.refresh_from_db()
    assert not member.is_active
    assert "ne faites plus partie" in last_email_to(member.user.email).subject
    # Double click, then a stale confirmation page.
    response = client.post(url, follow=True)
    assert "ne fait plus partie de la structure" in response.content.decode()
    response = client.get(url, follow=True)
    assert "Cette action a déjà été effectuée." in response.content.decode()
    # Gone at once: the removed member no longer acts for the structure.
    client.force_login(member.user)
    assert client.get(INDEX_URL).status_code == 404


def test_accept_a_join_request_twice(client, world, sending):
    login(client, world["admin"])
    join_request = world["join_request"]
    url = reverse("members:join_request_accept", args=[join_request.pk])
    with sending():
        response = client.post(url, follow=True)
    assert "Demande acceptée : Paul DEMANDEUR fait maintenant partie des membres." in response.content.decode()
    assert world["company"].memberships.get(user=join_request.user).is_active
    assert "Vous avez rejoint Les Jardins" in last_email_to(join_request.user.email).subject
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "Cette action a déjà été effectuée." in response.content.decode()
    response = client.post(reverse("members:join_request_decline", args=[join_request.pk]), follow=True)
    assert "Cette action a déjà été effectuée." in response.content.decode()


def test_decline_a_join_request(client, world):
    login(client, world["admin"])
    join_request = world["join_request"]
    response = client.post(reverse("members:join_request_decline", args=[join_request.pk]), follow=True)
    assert "Demande de Paul DEMANDEUR refusée" in response.content.decode()
    assert not world["company"].memberships.filter(user=join_request.user).exists()


def test_cancel_an_invitation(client, world):
    login(client, world["admin"])
    invitation = world["invitation"]
    url = reverse("members:invitation_cancel", args=[invitation.pk])
    response = client.post(url, follow=True)
    assert "Invitation de invite@example.com annulée" in response.content.decode()
    assert "invite@example.com</td>" not in response.content.decode()
    response = client.post(url, follow=True)
    assert "Cette action a déjà été effectuée." in response.content.decode()
