from django.urls import reverse

from tests.companies.factories import CompanyFactory, login_as_staff


def test_company_admin_pages(client):
    company = CompanyFactory(with_member=True)
    login_as_staff(client)
    response = client.get(reverse("admin:companies_company_changelist"), {"q": company.siret})
    assert response.status_code == 200
    assert company.name in response.content.decode()
    response = client.get(reverse("admin:companies_company_change", args=[company.pk]))
    assert response.status_code == 200
    assert "Membres" in response.content.decode()
