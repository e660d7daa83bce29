"""Done-when of the employee records: a hire goes from "à créer" to PROCESSED through the
form, the upload job, the ASP simulator and the download job, on the real local SFTP server."""

import re

from playwright.sync_api import expect

from itou.employee_records import sftp, simulator, transfer
from itou.employee_records.enums import Status
from itou.employee_records.models import EmployeeRecord
from tests.browser.test_process_application import log_in
from tests.companies.factories import CompanyFactory
from tests.employee_records.conftest import sftp_server  # noqa: F401 (fixture)
from tests.employee_records.factories import asp_reference_data, hire_with_pass
from tests.users.factories import ProfessionalFactory


def test_hire_to_processed_record(ui, sftp_server):  # noqa: F811
    asp_reference_data()
    employer = ProfessionalFactory(first_name="Nathalie", last_name="Girard")
    company = CompanyFactory(kind="ACI", name="Les Jardins du Rhône", with_member=employer)
    hire = hire_with_pass(company)
    job_seeker = hire.job_application.job_seeker
    name = job_seeker.get_full_name()

    page = log_in(ui, employer.email)
    expect(page.get_by_text("1 fiche à compléter")).to_be_visible()
    page.get_by_role("link", name="Fiches salarié ASP").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiches salarié")
    ui.check()
    page.get_by_role("button", name=f"Créer la fiche salarié de {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Fiche salarié de {name}")
    ui.check()

    # 1. État civil: prefilled names and NIR; the birth place is asked.
    expect(page.get_by_role("textbox", name="Nom *")).to_have_value(job_seeker.last_name)
    page.get_by_role("combobox", name="Pays de naissance *").select_option("100")
    page.get_by_label(re.compile("^Commune de naissance")).fill("Strasbourg")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Étape « État civil » enregistrée.")).to_be_visible()
    ui.check()
    # 2. Domiciliation, with a field error first.
    page.get_by_role("textbox", name="Numéro dans la voie").fill("")
    page.get_by_role("combobox", name="Extension").select_option("B")
    page.get_by_role("combobox", name="Type de voie *").select_option("RUE")
    page.get_by_role("textbox", name=re.compile(r"^Nom de la voie")).fill("du Moulin")
    page.get_by_role("textbox", name="Code postal *").fill("67000")
    page.get_by_role("textbox", name=re.compile(r"^Commune \*")).fill("67482")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Indiquez le numéro : une extension (bis, ter…) va avec un numéro.")).to_be_visible()
    ui.check()
    page.get_by_role("textbox", name="Numéro dans la voie").fill("3")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Étape « Domiciliation » enregistrée.")).to_be_visible()
    # 3. Situation (education level prefilled from the profile).
    page.get_by_role("combobox", name=re.compile(r"^Sans emploi depuis")).select_option("03")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Étape « Situation avant l'embauche » enregistrée.")).to_be_visible()
    ui.check()
    # 4. Annexe financière: optional.
    page.get_by_role("button", name="Enregistrer et continuer").click()
    # 5. Summary and validation.
    expect(page.get_by_role("button", name="Valider la fiche salarié")).to_be_enabled()
    ui.check()
    page.get_by_role("button", name="Valider la fiche salarié").click()
    expect(page.get_by_text("elle partira à l'ASP au prochain dépôt")).to_be_visible()
    record = EmployeeRecord.objects.get()
    assert record.status == Status.READY

    # The exchange: upload job, the ASP (simulator, every line accepted), download job.
    [filename] = transfer.upload()
    record.refresh_from_db()
    assert record.status == Status.SENT
    page.reload()
    expect(page.get_by_text(f"Envoyée dans le fichier {filename}")).to_be_visible()
    with sftp.connect() as client:
        simulator.run_once(client, error_rate=0)
    transfer.download()
    record.refresh_from_db()
    assert record.status == Status.PROCESSED and record.asp_code == "0000"
    page.reload()
    expect(page.get_by_text("Intégrée par l'ASP le")).to_be_visible()
    ui.check()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_text("Fiche intégrée par l'ASP")).to_be_visible()
    ui.check()
