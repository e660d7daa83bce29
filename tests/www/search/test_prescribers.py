"""search:prescribers — authorized prescriber organizations near a job seeker ("Trouver un accompagnement")."""

import html
import re

from django.urls import reverse

from itou.prescribers.enums import PrescriberAuthorizationStatus, PrescriberOrganizationKind
from tests.www.search.conftest import LYON, prescriber_near

URL = reverse("search:prescribers")


def names(response) -> list[str]:
    return [
        html.unescape(name)
        for name in re.findall(r'<h3 class="fr-card__title">([^<]+)</h3>', response.content.decode())
    ]


def test_page_without_search(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(URL)
    content = response.content.decode()
    assert "<h1>Trouver un accompagnement</h1>" in content
    assert "Indiquez votre commune pour voir les prescripteurs habilités" in content
    # Default radius: 5 km.
    assert '<option value="5" selected>5 km</option>' in content


def test_authorized_organizations_nearest_first(client, django_assert_num_queries):
    prescriber_near(north_km=3, name="France Travail Lyon Est", phone="04 72 00 00 00", email="lyon-est@example.org")
    prescriber_near(north_km=1, name="Mission locale de Lyon", kind=PrescriberOrganizationKind.ML)
    prescriber_near(north_km=2, name="CHRS habilité", kind=PrescriberOrganizationKind.CHRS)
    prescriber_near(north_km=1, name="Orienteur", authorized=False)
    prescriber_near(
        north_km=1,
        name="Habilitation refusée",
        kind=PrescriberOrganizationKind.CCAS,
        authorization_status=PrescriberAuthorizationStatus.REFUSED,
    )
    prescriber_near(north_km=6, name="Trop loin")

    with django_assert_num_queries(3):  # commune, COUNT, page
        response = client.get(URL, {"commune_code": LYON})

    assert names(response) == ["Mission locale de Lyon", "CHRS habilité", "France Travail Lyon Est"]
    content = html.unescape(response.content.decode())
    assert "3 prescripteurs habilités trouvés" in content
    assert "à moins de 5 km de Lyon (69)" in content
    assert '<a href="tel:0472000000">04 72 00 00 00</a>' in content
    assert "mailto:lyon-est@example.org" in content
    assert "Centre d'hébergement et de réinsertion sociale (CHRS)" in content

    assert "Trop loin" in names(client.get(URL, {"commune_code": LYON, "radius": "10"}))


def test_query_count_does_not_grow(client, django_assert_num_queries):
    for i in range(45):
        prescriber_near(north_km=i * 0.05, name=f"Agence {i:02d}")
    with django_assert_num_queries(3):
        response = client.get(URL, {"commune_code": LYON, "page": "2"})
    assert names(response) == [f"Agence {i:02d}" for i in range(20, 40)]


def test_bad_input(client):
    prescriber_near(name="Agence")
    response = client.get(URL, {"commune_code": LYON, "radius": "1000"})
    assert response.status_code == 200
    assert "Choisissez une distance dans la liste." in response.content.decode()
    assert names(response) == []
    response = client.get(URL, {"commune": "Nulle part sur terre"})
    assert "Cette commune est inconnue : choisissez-la dans la liste proposée." in response.content.decode()


def test_filter_by_kind_and_what_each_organization_does(client, django_assert_num_queries):
    prescriber_near(north_km=3, name="France Travail Lyon Est")
    prescriber_near(north_km=1, name="Mission locale de Lyon", kind=PrescriberOrganizationKind.ML)
    prescriber_near(
        north_km=2,
        name="CHRS habilité",
        kind=PrescriberOrganizationKind.CHRS,
        description="Accueil de jour, hébergement et ateliers de recherche d'emploi.",
    )

    with django_assert_num_queries(3):  # commune, COUNT, page
        response = client.get(URL, {"commune_code": LYON, "kinds": ["ML", "CHRS"]})

    assert names(response) == ["Mission locale de Lyon", "CHRS habilité"]
    content = html.unescape(response.content.decode())
    assert "Accompagne les jeunes de 16 à 25 ans" in content
    assert "Héberge et accompagne vers l'autonomie" in content
    assert "Accueil de jour, hébergement et ateliers de recherche d'emploi." in content
    # The choice is kept: ticked boxes, and in the pagination links' query.
    assert re.search(r'value="CHRS"[^>]*checked', content)
    assert 'value="FT" id' in content and not re.search(r'value="FT"[^>]*checked', content)
    # A forged kind: a French message, no results list.
    content = html.unescape(client.get(URL, {"commune_code": LYON, "kinds": ["XYZ"]}).content.decode())
    assert "Choisissez un type d'organisation dans la liste." in content
