"""The current organization is read in one query from the session's key
(itou/organizations/current.py, `chosen_organization`), checked on every request: a
membership deactivated or removed, a demotion, a deactivated account take effect on the
next request, and a key that is not the user's is never used."""

import pytest
from django.urls import reverse

from itou.organizations.current import SESSION_KEY, chosen_organization, organization_choices
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.institutions.factories import InstitutionFactory
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import ProfessionalFactory

INBOX = reverse("applications:company_list")
DASHBOARD = reverse("dashboard:index")
SWITCHER = "Changer d'organisation"


def acting_for(client, user, key):
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = key
    session.save()


def test_removed_or_deactivated_membership_loses_the_inbox_on_the_next_request(client):
    pro = ProfessionalFactory()
    company = CompanyFactory(name="Les Jardins du Rhône", with_member=pro)
    acting_for(client, pro, f"company:{company.pk}")
    assert client.get(INBOX).status_code == 200

    company.memberships.filter(user=pro).update(is_active=False)
    assert client.get(INBOX).status_code == 404
    company.memberships.filter(user=pro).update(is_active=True)
    assert client.get(INBOX).status_code == 200
    company.memberships.filter(user=pro).delete()
    assert client.get(INBOX).status_code == 404


def test_gone_membership_falls_back_to_the_first_organization(client):
    pro = ProfessionalFactory()
    first = CompanyFactory(name="A Structure", with_member=pro)
    second = CompanyFactory(name="B Structure", with_member=pro)
    acting_for(client, pro, f"company:{second.pk}")
    assert client.get(INBOX).context["company"] == second
    second.memberships.filter(user=pro).update(is_active=False)
    assert client.get(INBOX).context["company"] == first
    assert client.session[SESSION_KEY] == f"company:{first.pk}"


def test_demoted_admin_loses_admin_pages_on_the_next_request(client):
    pro = ProfessionalFactory()
    company = CompanyFactory(with_member=pro)  # the member is an admin
    acting_for(client, pro, f"company:{company.pk}")
    request = client.get(INBOX).wsgi_request
    assert request.current_organization.is_admin
    company.memberships.filter(user=pro).update(is_admin=False)
    assert not client.get(INBOX).wsgi_request.current_organization.is_admin


def test_deactivated_account_is_logged_out_on_the_next_request(client):
    pro = ProfessionalFactory()
    company = CompanyFactory(with_member=pro)
    acting_for(client, pro, f"company:{company.pk}")
    assert client.get(INBOX).status_code == 200
    pro.is_active = False
    pro.save(update_fields=["is_active"])
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("key", ["company:{other}", "prescriber:{company}", "company:abc", "nothing:1", "company:", ""])
def test_a_key_that_is_not_the_users_is_never_used(client, key):
    pro = ProfessionalFactory()
    company = CompanyFactory(name="La mienne", with_member=pro)
    other = CompanyFactory(name="Celle d'un autre", with_member=True)
    PrescriberOrganizationFactory(pk=company.pk + 1000)  # an organization nobody here belongs to
    acting_for(client, pro, key.format(other=other.pk, company=company.pk + 1000))
    response = client.get(INBOX)
    assert response.context["company"] == company
    assert client.session[SESSION_KEY] == f"company:{company.pk}"


def test_one_query_and_the_same_answer_as_the_full_list(django_assert_num_queries):
    pro = ProfessionalFactory()
    company = CompanyFactory(name="Les Jardins du Rhône", with_member=pro)
    organization = PrescriberOrganizationFactory(with_member=pro)
    institution = InstitutionFactory(with_member=pro)
    CompanyMembershipFactory(user=pro, company=CompanyFactory(), is_active=False)  # not counted
    CompanyFactory(with_member=True)  # someone else's
    choices = organization_choices(pro)
    assert len(choices) == 3
    for choice in choices:
        with django_assert_num_queries(1):
            current, count = chosen_organization(pro, choice.key)
        assert (current.key, current.role, current.organization, current.is_admin) == (
            choice.key,
            choice.role,
            choice.organization,
            choice.is_admin,
        )
        assert count == 3
    assert {c.organization for c in choices} == {company, organization, institution}
    with django_assert_num_queries(0):
        assert chosen_organization(pro, "company:abc") is None


def test_header_switcher_follows_the_number_of_organizations(client):
    pro = ProfessionalFactory()
    company = CompanyFactory(name="Les Jardins du Rhône", with_member=pro)
    acting_for(client, pro, f"company:{company.pk}")
    html = client.get(INBOX).content.decode()
    assert "Les Jardins du Rhône" in html and SWITCHER not in html

    organization = PrescriberOrganizationFactory(with_member=pro)
    html = client.get(INBOX).content.decode()
    assert SWITCHER in html
    html = client.get(DASHBOARD).content.decode()
    assert "Mes organisations" in html and organization.name in html

    organization.memberships.filter(user=pro).update(is_active=False)
    assert SWITCHER not in client.get(INBOX).content.decode()
