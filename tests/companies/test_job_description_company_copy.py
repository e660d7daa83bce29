"""The employer's kind, visibility and convention end copied on its job descriptions
(JobDescription.company_*), kept by the database's triggers (companies migration 0004)
whatever path writes the employer or the job description. The public search reads only
these columns (docs/recherche.md): each path that can change them is checked here."""

import datetime
import io

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from itou.companies.enums import SEARCHABLE_COMPANY_KINDS, CompanyKind, ContractType
from itou.companies.job_descriptions import (
    job_description_create,
    job_descriptions_repair_company_copy,
    job_descriptions_with_stale_company_copy,
)
from itou.companies.models import Company, JobDescription
from itou.companies.queries import searchable_companies
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory, login_as_staff


def copy_of(job_description: JobDescription) -> tuple:
    return tuple(
        JobDescription.objects.filter(pk=job_description.pk).values_list(
            "company_kind", "company_searchable", "company_convention_end_date"
        )[0]
    )


def expected_copy(company: Company) -> tuple:
    company.refresh_from_db()
    return (
        company.kind,
        company.is_active and company.kind in SEARCHABLE_COMPANY_KINDS,
        company.convention_end_date,
    )


def make_job(company: Company, appellation, **kwargs) -> JobDescription:
    kwargs.setdefault("contract_type", ContractType.FIXED_TERM_I)
    return JobDescription.objects.create(company=company, appellation=appellation, **kwargs)


def assert_in_step(*job_descriptions: JobDescription) -> None:
    for job_description in job_descriptions:
        job_description.refresh_from_db(fields=["company"])
        assert copy_of(job_description) == expected_copy(Company.objects.get(pk=job_description.company_id))
    assert job_descriptions_with_stale_company_copy() == []


def test_every_kind_matches_the_searchable_employers(boulanger):
    """The kinds frozen in the triggers are SEARCHABLE_COMPANY_KINDS: the copied visibility
    selects exactly the job descriptions of searchable_companies(), for every kind."""
    end = timezone.localdate() + datetime.timedelta(days=100)
    jobs = []
    for kind in CompanyKind:
        for is_active in (True, False):
            company = CompanyFactory(kind=kind, is_active=is_active, convention_end_date=end)
            contract = ContractType.PERMANENT if kind == CompanyKind.OPCS else ContractType.FIXED_TERM_I
            jobs.append(make_job(company, boulanger, contract_type=contract))
    assert_in_step(*jobs)
    assert set(JobDescription.objects.searchable().values_list("pk", flat=True)) == set(
        JobDescription.objects.filter(is_open=True, company__in=searchable_companies()).values_list("pk", flat=True)
    )
    # The instance saved with its employer loaded holds the same values as its row.
    job = jobs[0]
    assert (job.company_kind, job.company_searchable, job.company_convention_end_date) == copy_of(job)


def test_grace_period_read_from_the_copied_end_date(boulanger):
    today = timezone.localdate()
    in_grace = make_job(CompanyFactory(convention_end_date=today - datetime.timedelta(days=30)), boulanger)
    expired = make_job(CompanyFactory(convention_end_date=today - datetime.timedelta(days=31)), boulanger)
    no_end = make_job(CompanyFactory(convention_end_date=None), boulanger)
    assert set(JobDescription.objects.searchable().values_list("pk", flat=True)) == {in_grace.pk, no_end.pk}
    assert set(
        JobDescription.objects.searchable(today=today + datetime.timedelta(days=1)).values_list("pk", flat=True)
    ) == {no_end.pk}
    # An active employer of a visible kind: only the copied end date hides its job description.
    assert copy_of(expired) == (CompanyKind.ACI, True, today - datetime.timedelta(days=31))


def test_employer_saved_or_updated_in_bulk(boulanger):
    """Model save (services, admin forms), queryset update (import_structures' closing,
    daily job), bulk_update: the job descriptions follow in the same statement."""
    company = CompanyFactory(kind=CompanyKind.ACI)
    other = CompanyFactory(kind=CompanyKind.EI)
    jobs = [make_job(company, boulanger), make_job(company, boulanger, is_open=False), make_job(other, boulanger)]
    assert_in_step(*jobs)

    company.is_active = False
    company.save()
    assert copy_of(jobs[0])[1] is False
    assert_in_step(*jobs)

    Company.objects.filter(pk__in=[company.pk, other.pk]).update(
        is_active=True, convention_end_date=timezone.localdate() - datetime.timedelta(days=400)
    )
    assert copy_of(jobs[2])[2] == timezone.localdate() - datetime.timedelta(days=400)
    assert_in_step(*jobs)

    company.refresh_from_db()
    company.kind = CompanyKind.OPCS
    Company.objects.bulk_update([company], ["kind"])
    assert copy_of(jobs[0]) == (CompanyKind.OPCS, False, company.convention_end_date)
    assert_in_step(*jobs)


def test_job_description_written_by_any_path(boulanger):
    """Create, bulk_create, a move to another employer by queryset update, and a writer that
    puts anything in the copied columns: the row ends with its employer's values."""
    visible = CompanyFactory(kind=CompanyKind.ACI)
    hidden = CompanyFactory(kind=CompanyKind.GEIQ, is_active=False)
    created = make_job(visible, boulanger)
    [bulk] = JobDescription.objects.bulk_create(
        [JobDescription(company_id=hidden.pk, appellation=boulanger, contract_type=ContractType.FIXED_TERM_I)]
    )
    assert copy_of(bulk) == (CompanyKind.GEIQ, False, None)
    JobDescription.objects.filter(pk=created.pk).update(company=hidden)
    assert copy_of(created)[:2] == (CompanyKind.GEIQ, False)
    JobDescription.objects.filter(pk=created.pk).update(company_searchable=True, company_kind="EI")
    assert copy_of(created)[:2] == (CompanyKind.GEIQ, False)
    # A stale instance saved whole does not write its stale copy.
    stale = JobDescription.objects.get(pk=bulk.pk)
    hidden.is_active = True
    hidden.save()
    stale.custom_title = "Nouveau titre"
    stale.save()
    assert copy_of(stale) == (CompanyKind.GEIQ, True, None)
    assert_in_step(created, bulk)


def test_copy_rows_and_employer_inserted_after_its_jobs(boulanger):
    """COPY (bench/dataset.py, tests/www/search/test_scale.py) fills nothing of the copy;
    and with the deferred foreign key a job description may come before its employer in
    a transaction: the employer's insert fills it."""
    company = CompanyFactory(kind=CompanyKind.EA)
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy(
            "COPY companies_jobdescription (custom_title, description, profile_sought, contract_type,"
            " other_contract_type, open_positions, is_cv_required, is_open, ui_rank, created_at, updated_at,"
            " appellation_id, company_id) FROM STDIN"
        ) as copy:
            now = timezone.now()
            copy.write_row(["Copié", "", "", "PERMANENT", "", 1, False, True, 0, now, now, boulanger.pk, company.pk])
        cursor.execute("SELECT nextval(pg_get_serial_sequence('companies_company', 'id'))")
        (future_id,) = cursor.fetchone()
        early = JobDescription.objects.create(
            company_id=future_id, appellation=boulanger, contract_type=ContractType.FIXED_TERM_I
        )
        assert copy_of(early) == ("", False, None)
        CompanyFactory(id=future_id, kind=CompanyKind.AI)
    copied = JobDescription.objects.get(custom_title="Copié")
    assert copy_of(copied) == (CompanyKind.EA, True, None)
    assert copy_of(early) == (CompanyKind.AI, True, None)
    assert_in_step(copied, early)


def test_company_services_and_admin(client, boulanger, lyon):
    """The job description service, then the admin's change form closing the employer."""
    member = CompanyMembershipFactory(is_admin=True)
    company = member.company
    created = job_description_create(
        acting_user=member.user,
        company=company,
        appellation_code=boulanger.code,
        contract_type=ContractType.FIXED_TERM_I,
    )
    assert copy_of(created) == (company.kind, True, company.convention_end_date)

    # The admin's change form, on an employer without members (no inline rows to post).
    closed = CompanyFactory(kind=CompanyKind.ETTI)
    job = make_job(closed, boulanger)
    login_as_staff(client)
    data = {
        "kind": closed.kind,
        "siret": closed.siret,
        "name": closed.name,
        "source": closed.source,
        "is_active": "",
        "convention_end_date": "2020-01-31",
        "address_line": closed.address_line,
        "post_code": closed.post_code,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("admin:companies_company_change", args=[closed.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert copy_of(job) == (CompanyKind.ETTI, False, datetime.date(2020, 1, 31))
    assert_in_step(created, job)


def test_import_structures_closing(boulanger, lyon, tmp_path):
    """import_structures closes an employer whose convention is over (queryset update)."""
    from django.core.management import call_command

    over = timezone.localdate() - datetime.timedelta(days=45)
    company = CompanyFactory(siret="61234561100018", kind=CompanyKind.EI, name="À fermer")
    job = make_job(company, boulanger)
    path = tmp_path / "structures.csv"
    path.write_text(
        "siret,kind,name,address_line,post_code,insee_code,official_email,convention_start_date,convention_end_date\n"
        f"61234561100018,EI,À fermer,,69003,69123,,2020-01-01,{over.isoformat()}\n",
        encoding="utf-8",
    )
    call_command("import_structures", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    company.refresh_from_db()
    assert not company.is_active
    assert copy_of(job) == (CompanyKind.EI, False, over)
    assert_in_step(job)


def test_consistency_check_finds_and_repairs(boulanger, caplog):
    company = CompanyFactory(kind=CompanyKind.ACI)
    job = make_job(company, boulanger)
    assert job_descriptions_repair_company_copy() == 0
    with connection.cursor() as cursor:
        # What a writer bypassing the triggers would leave (the test's transaction undoes it).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE companies_jobdescription DISABLE TRIGGER companies_jobdescription_copy_company")
        cursor.execute("UPDATE companies_jobdescription SET company_searchable = false WHERE id = %s", [job.pk])
        cursor.execute("ALTER TABLE companies_jobdescription ENABLE TRIGGER companies_jobdescription_copy_company")
    assert job_descriptions_with_stale_company_copy() == [job.pk]
    assert job_descriptions_repair_company_copy() == 1
    assert "1 fiche(s) de poste avaient une copie périmée" in caplog.text
    assert_in_step(job)
