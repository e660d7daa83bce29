"""The employer copied on its job descriptions stays right when a job description and its
employer are written at the same time by two transactions (committed data, threads)."""

import threading
import time

import pytest
from django.db import connection, transaction

from itou.companies.enums import CompanyKind, ContractType
from itou.companies.job_descriptions import job_descriptions_with_stale_company_copy
from itou.companies.models import Company, JobDescription
from tests.companies.factories import CompanyFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Long enough for the other transaction to reach its write and wait on a lock.
HOLD_SECONDS = 0.5


def run_both(first, second):
    """`first` runs in a transaction held open HOLD_SECONDS after its write; `second`
    starts its own once `first` has written. Return the exceptions raised, if any."""
    written = threading.Event()
    errors = []

    def run_first():
        try:
            with transaction.atomic():
                first()
                written.set()
                time.sleep(HOLD_SECONDS)
        except Exception as error:  # noqa: BLE001 (reported to the test)
            errors.append(error)
            written.set()
        finally:
            connection.close()

    def run_second():
        try:
            written.wait(timeout=10)
            with transaction.atomic():
                second()
        except Exception as error:  # noqa: BLE001 (reported to the test)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def close(company):
    return lambda: Company.objects.filter(pk=company.pk).update(is_active=False)


def test_new_job_description_while_its_employer_closes(boulanger):
    """The insert locks the employer (FOR SHARE): the closing waits for it, then its trigger
    sees the new job description."""
    company = CompanyFactory(kind=CompanyKind.ACI)

    def create():
        JobDescription.objects.create(company=company, appellation=boulanger, contract_type=ContractType.FIXED_TERM_I)

    assert run_both(create, close(company)) == []
    assert list(JobDescription.objects.values_list("company_searchable", flat=True)) == [False]
    assert job_descriptions_with_stale_company_copy() == []


def test_employer_closes_while_a_job_description_is_created(boulanger):
    """The other order: the insert waits for the closing, then reads the closed employer."""
    company = CompanyFactory(kind=CompanyKind.ACI)

    def create():
        JobDescription.objects.create(company=company, appellation=boulanger, contract_type=ContractType.FIXED_TERM_I)

    assert run_both(close(company), create) == []
    assert list(JobDescription.objects.values_list("company_searchable", flat=True)) == [False]
    assert job_descriptions_with_stale_company_copy() == []


def test_job_description_saved_while_its_employer_closes(boulanger):
    """A job description saved whole (its row locked, its employer not): the closing's
    trigger waits for that row, then copies again; no deadlock."""
    company = CompanyFactory(kind=CompanyKind.ACI)
    job = JobDescription.objects.create(company=company, appellation=boulanger, contract_type=ContractType.FIXED_TERM_I)

    def save():
        stale = JobDescription.objects.get(pk=job.pk)
        stale.custom_title = "Nouveau titre"
        stale.save()

    assert run_both(save, close(company)) == []
    assert JobDescription.objects.get(pk=job.pk).company_searchable is False
    assert job_descriptions_with_stale_company_copy() == []
