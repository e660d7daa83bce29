from django.urls import reverse

from tests.companies.factories import login_as_staff
from tests.institutions.factories import InstitutionFactory


def test_institution_admin_pages(client):
    institution = InstitutionFactory(with_member=True)
    login_as_staff(client)
    response = client.get(reverse("admin:institutions_institution_changelist"), {"q": "Rhône"})
    assert response.status_code == 200
    assert institution.name in response.content.decode()
    response = client.get(reverse("admin:institutions_institution_change", args=[institution.pk]))
    assert response.status_code == 200
    assert "Membres" in response.content.decode()
