"""Done-when of issue 12: a small campaign end to end with the demo DDETS and the demo ACI,
then the demo ACI downloads its yearly report (PDF and XLSX) whose figures match the database."""

import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from itou.control import services
from itou.control.demo import demo_period
from itou.control.enums import SiaeState
from itou.control.models import Campaign, ControlledCriterion, ControlledSiae
from itou.demo.world import DEMO_PASSWORD, load_demo
from itou.job_applications.models import JobApplication
from tests.control.factories import PDF
from tests.demo.conftest import demo_communes  # noqa: F401 (fixture)

ACI = "employeur.aci@inclusion-demo.fr"
DDETS = "inspecteur.ddets@inclusion-demo.fr"


def log_in(ui, email):
    page = ui.goto("/comptes/login/")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    return page


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").first.click()


def upload(page, criterion, path):
    page.locator(f"#proof-{criterion.pk}").set_input_files(path)
    page.locator(f"#critere-{criterion.pk}").get_by_role("button", name=re.compile("^Déposer")).click()
    expect(page.get_by_text("Justificatif déposé.")).to_be_visible()


def test_campaign_end_to_end_and_yearly_report(ui, demo_communes, tmp_path):  # noqa: F811
    load_demo()
    proof = tmp_path / "attestation-caf.pdf"
    proof.write_bytes(PDF)
    campaign = Campaign.objects.exclude(phase="archived").get(institution__name="DDETS du Rhône")
    siae = ControlledSiae.objects.get(campaign=campaign, company__kind="ACI")

    # The ACI: what is asked and by when, criteria, proofs, submission.
    page = log_in(ui, ACI)
    card = page.get_by_role("link", name="Contrôle a posteriori")
    expect(card).to_be_visible()
    ui.check()
    card.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Contrôle a posteriori")
    ui.check()
    for hire in siae.hires.order_by("pk"):
        section = page.locator(f"#embauche-{hire.pk}")
        section.locator(".fr-checkbox-group label").first.click()
        section.get_by_role("button", name=re.compile("^Enregistrer les critères")).click()
        expect(page.get_by_text("Critères enregistrés")).to_be_visible()
    criteria = list(ControlledCriterion.objects.filter(hire__controlled_siae=siae).order_by("pk"))
    assert len(criteria) == 2
    for criterion in criteria:
        upload(page, criterion, proof)
    ui.check()
    page.get_by_role("button", name="Transmettre mes justificatifs à la DDETS").click()
    expect(page.get_by_text("Justificatifs transmis !")).to_be_visible()
    log_out(page)

    # The DDETS: one refused, one accepted, validated.
    page = log_in(ui, DDETS)
    page.get_by_role("link", name="Contrôle a posteriori").click()
    expect(page.get_by_text("Comment le tirage est fait")).to_be_visible()
    ui.check()
    page.get_by_role("link", name=re.compile("Les Jardins du Rhône")).click()
    ui.check()
    refused, accepted = criteria
    block = page.locator(f"#critere-{refused.pk}")
    block.get_by_label(re.compile("^Problème constaté")).fill("L'attestation date de plus de 3 mois.")
    block.get_by_role("button", name=re.compile("^Refuser")).click()
    expect(page.get_by_text("Problème constaté enregistré.")).to_be_visible()
    page.locator(f"#critere-{accepted.pk}").get_by_role("button", name=re.compile("^Valider")).click()
    expect(page.get_by_text("Justificatif validé.")).to_be_visible()
    page.get_by_role("button", name="Valider le contrôle").click()
    expect(page.get_by_text("Résultats enregistrés !")).to_be_visible()
    log_out(page)

    # Staff: adversarial phase.
    services.start_adversarial(campaign, user=None)

    # The ACI answers: a new proof for the refused criterion.
    page = log_in(ui, ACI)
    page.get_by_role("link", name="Contrôle a posteriori").click()
    expect(page.get_by_text("L'attestation date de plus de 3 mois.")).to_be_visible()
    ui.check()
    upload(page, refused, proof)
    page.get_by_role("button", name="Transmettre mes justificatifs à la DDETS").click()
    expect(page.get_by_text("Justificatifs transmis !")).to_be_visible()
    log_out(page)

    # The DDETS accepts it; the control is final.
    page = log_in(ui, DDETS)
    ui.goto(f"/controle/ddets/structure/{siae.pk}/")
    page.locator(f"#critere-{refused.pk}").get_by_role("button", name=re.compile("^Valider")).click()
    expect(page.get_by_text("Justificatif validé.")).to_be_visible()
    page.get_by_role("button", name="Valider le contrôle").click()
    expect(page.get_by_text("Résultats enregistrés !")).to_be_visible()
    expect(page.get_by_text("État : Validé")).to_be_visible()
    log_out(page)

    # Staff: closing.
    campaign.refresh_from_db()
    services.close(campaign, user=None)
    siae.refresh_from_db()
    assert siae.final_state == SiaeState.ACCEPTED

    # The ACI downloads its yearly report; the figures are those of the database.
    year = demo_period()[0].year
    hires = JobApplication.objects.filter(to_company=siae.company, state="accepted", hiring_start_at__year=year).count()
    assert hires >= 3
    page = log_in(ui, ACI)
    ui.goto(f"/activite/rapport/{year}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapport d'activité {year}")
    ui.check()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en PDF").click()
    text = "".join(p.extract_text() for p in PdfReader(download_info.value.path()).pages)
    assert f"Rapport d'activité {year}" in text
    assert re.search(rf"Embauches dans l.année\s*{hires}\b", text), text[:800]
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en XLSX").click()
    sheet = load_workbook(io.BytesIO(download_info.value.path().read_bytes())).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Embauches dans l'année"] == hires
    assert values["Contrats terminés"] == 1
