"""The help center: guides from Markdown, sanitized, indexed at migrate, searchable in French, feedback."""

import pytest
from django.urls import reverse

from itou.companies.enums import CompanyKind
from itou.help.models import HelpFeedback, HelpPage
from itou.help.pages import CONTENT_DIR, all_guides, index_pages, render
from itou.help.search import search
from tests.approvals.factories import ApprovalFactory, days_from_today, hire, member_of
from tests.companies.factories import CompanyFactory
from tests.eligibility.factories import cast_without_diagnosis, criteria
from tests.helpers import freeze_time
from tests.www.applications.conftest import login


@pytest.fixture(autouse=True)
def _frozen_time(time_machine):
    freeze_time(time_machine)


def test_pages_are_indexed_at_migrate():
    # The test database was built by `migrate`: its post_migrate signal indexed the files.
    slugs = set(HelpPage.objects.values_list("slug", flat=True))
    assert slugs == {path.stem for path in CONTENT_DIR.glob("*.md")}
    assert {"postuler", "traiter-les-candidatures", "criteres-eligibilite", "pass-iae", "fiches-salarie"} <= slugs
    assert {"controle-a-posteriori", "nouveautes"} <= slugs
    assert not HelpPage.objects.filter(search_vector__isnull=True).exists()


def test_index_removes_pages_whose_file_is_gone():
    HelpPage.objects.create(slug="ancienne-page", title="Ancienne", text="x")
    assert index_pages() == len(all_guides())
    assert not HelpPage.objects.filter(slug="ancienne-page").exists()


def test_french_search():
    # Plural/singular and accents: French stemming.
    results = search("justificatif critère")
    assert results[0].slug == "criteres-eligibilite"
    assert "«" in results[0].excerpt
    assert search("suspensions")[0].slug == "pass-iae"
    assert search("fiche salarié rejetée")[0].slug == "fiches-salarie"
    assert search("xylophone") == []
    assert search("   ") == []
    # Operators and quotes typed by users never break the query.
    assert isinstance(search('"RSA" OR -!&|(): \''), list)


def test_markdown_is_sanitized():
    html = render(
        "<script>alert(1)</script>\n\n[lien](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n## Titre {#ancre}"
    )
    assert "<script" not in html and "javascript:" not in html and "<img" not in html and "onerror" not in html
    assert '<h2 id="ancre">Titre</h2>' in html


def test_anchors_linked_from_forms_exist():
    assert 'id="niveau-1"' in all_guides()["criteres-eligibilite"].html
    assert 'id="niveau-2"' in all_guides()["criteres-eligibilite"].html
    assert 'id="justificatifs"' in all_guides()["criteres-eligibilite"].html
    assert 'id="motifs-suspension"' in all_guides()["pass-iae"].html


def test_index_search_and_page(client):
    response = client.get(reverse("help:index"))
    assert response.status_code == 200
    assert "Les critères d&#x27;éligibilité à l&#x27;IAE" in response.text
    response = client.get(reverse("help:index"), {"q": "<script>justificatifs</script>"})
    assert "<script>justificatifs" not in response.text
    response = client.get(reverse("help:index"), {"q": "justificatifs"})
    assert reverse("help:page", args=["criteres-eligibilite"]) in response.text
    page = client.get(reverse("help:page", args=["criteres-eligibilite"]))
    assert page.status_code == 200
    assert "Critères de niveau 1" in page.text
    assert "Cette page vous a-t-elle aidé ?" in page.text
    assert client.get(reverse("help:page", args=["inconnue"])).status_code == 404
    news = client.get(reverse("help:page", args=["nouveautes"]))
    assert "7 décembre 2026" in news.text


def test_footer_links_to_help(client):
    assert f'href="{reverse("help:index")}"' in client.get(reverse("home:index")).text


def test_feedback_is_stored(client):
    url = reverse("help:feedback", args=["pass-iae"])
    response = client.post(url, {"helpful": "non", "comment": "<b>Il manque</b> la prolongation RQTH."})
    assert response.status_code == 302
    feedback = HelpFeedback.objects.get()
    assert (feedback.page_slug, feedback.helpful, feedback.user) == ("pass-iae", False, None)
    assert feedback.comment == "<b>Il manque</b> la prolongation RQTH."


def test_feedback_bad_input(client):
    url = reverse("help:feedback", args=["pass-iae"])
    response = client.post(url, {"comment": "x"})
    assert response.status_code == 200
    assert "Dites-nous si cette page vous a aidé." in response.text
    response = client.post(url, {"helpful": "oui", "comment": "x" * 1001})
    assert "1 000 caractères au plus." in response.text
    assert client.post(reverse("help:feedback", args=["inconnue"]), {"helpful": "oui"}).status_code == 404
    assert not HelpFeedback.objects.exists()


def test_diagnosis_form_links_to_the_criteria_guide(client):
    criteria()  # the referential the form lists
    cast = cast_without_diagnosis(company_kind=CompanyKind.ACI)
    login(client, cast.employer)
    page = client.get(reverse("eligibility:accept", args=[cast.job_application.pk])).text
    guide = reverse("help:page", args=["criteres-eligibilite"])
    assert f'href="{guide}#niveau-1"' in page
    assert f'href="{guide}#niveau-2"' in page
    assert f'href="{guide}#justificatifs"' in page


def test_suspension_form_links_to_the_reasons(client):
    approval = ApprovalFactory(start_at=days_from_today(-100))
    company = hire(approval, CompanyFactory(kind=CompanyKind.ACI, with_member=True)).company
    login(client, member_of(company), company)
    page = client.get(reverse("approvals:suspend", args=[approval.pk])).text
    assert f'href="{reverse("help:page", args=["pass-iae"])}#motifs-suspension"' in page
