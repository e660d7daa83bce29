from django.urls import reverse

from itou.prescribers.enums import PrescriberAuthorizationStatus
from tests.companies.factories import login_as_staff
from tests.prescribers.factories import PrescriberOrganizationFactory


def test_prescriber_organization_admin_pages(client):
    organization = PrescriberOrganizationFactory(with_member=True)
    login_as_staff(client)
    response = client.get(
        reverse("admin:prescribers_prescriberorganization_changelist"),
        {"authorization_status__exact": PrescriberAuthorizationStatus.NOT_SET},
    )
    assert response.status_code == 200
    assert organization.name in response.content.decode()
    response = client.get(reverse("admin:prescribers_prescriberorganization_change", args=[organization.pk]))
    assert response.status_code == 200
    assert "Habilitation" in response.content.decode()


def test_changing_the_authorization_in_admin_records_who_and_when(client):
    organization = PrescriberOrganizationFactory()
    staff = login_as_staff(client)
    url = reverse("admin:prescribers_prescriberorganization_change", args=[organization.pk])
    data = {
        "kind": organization.kind,
        "siret": organization.siret,
        "name": organization.name,
        "address_line": organization.address_line,
        "post_code": organization.post_code,
        "commune": "",
        "phone": "",
        "email": "",
        "authorization_status": PrescriberAuthorizationStatus.VALIDATED,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    organization.refresh_from_db()
    assert organization.is_authorized
    assert organization.authorization_updated_by == staff
    assert organization.authorization_updated_at is not None
