from html import unescape

import pytest
from django.urls import reverse

from itou.users.enums import UserKind
from itou.users.models import User

SITE_NAME = "Les emplois de l'inclusion"


def test_anonymous_sees_the_three_audiences_and_their_entry_points(client):
    response = client.get(reverse("home:index"))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert f"<title>Accueil — {SITE_NAME}</title>" in html
    assert html.count("<h1") == 1
    assert f"<h1>{SITE_NAME}</h1>" in html
    # The header's "Je suis …" links point at these anchors.
    for anchor in ("candidat", "prescripteur", "employeur"):
        assert f'id="{anchor}"' in html
        assert f'href="{reverse("home:index")}#{anchor}"' in html
    assert "Créer mon compte candidat" in html
    assert f'href="{reverse("account_signup")}"' in html
    assert f'href="{reverse("account_login")}"' in html
    assert "prescripteur habilité" in html.lower()
    assert "Orienteur" in html
    assert f'href="{reverse("signup:employer_siret")}"' in html
    assert f'href="{reverse("signup:prescriber_siret")}"' in html
    assert f'href="{reverse("dashboard:index")}"' not in html


def test_acronyms_are_spelled_out(client):
    html = unescape(client.get(reverse("home:index")).content.decode())

    for expansion in (
        "structures d'insertion par l'activité économique (SIAE)",
        "insertion par l'activité économique (IAE)",
        "Entreprise d'insertion (EI)",
        "Association intermédiaire (AI)",
        "Atelier et chantier d'insertion (ACI)",
        "Entreprise de travail temporaire d'insertion (ETTI)",
        "Entreprise d'insertion par le travail indépendant (EITI)",
        "groupements d'employeurs pour l'insertion et la qualification (GEIQ)",
        "entreprises adaptées (EA)",
    ):
        assert expansion.lower() in html.lower(), expansion


def test_key_facts_come_from_the_business_rules(client):
    html = unescape(client.get(reverse("home:index")).content.decode())

    assert "Un PASS IAE dure 2 ans" in html
    assert "Un diagnostic vaut 6 mois" in html
    assert "92 jours" in html
    assert "2 ans de délai de carence" in html


@pytest.mark.parametrize("kind", [UserKind.JOB_SEEKER, UserKind.PROFESSIONAL])
def test_logged_in_user_still_sees_the_home_page_with_a_way_to_the_dashboard(client, kind):
    user = User.objects.create_user(
        email=f"{kind}@example.com",
        password="motdepasse-solide-42",
        first_name="Camille",
        last_name="Martin",
        kind=kind,
    )
    client.force_login(user)

    response = client.get(reverse("home:index"))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Bonjour Camille" in html
    assert "Accéder à mon tableau de bord" in html
    assert f'href="{reverse("dashboard:index")}"' in html
    assert "Créer mon compte candidat" not in html
    assert f'href="{reverse("signup:employer_siret")}"' not in html
    for anchor in ("candidat", "prescripteur", "employeur"):
        assert f'id="{anchor}"' in html


def test_only_get_and_head_are_allowed(client):
    assert client.head(reverse("home:index")).status_code == 200
    assert client.post(reverse("home:index")).status_code == 405
