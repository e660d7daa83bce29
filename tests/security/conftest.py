import datetime

import pytest

from itou.users.enums import EducationLevel
from tests.companies.factories import CompanyMembershipFactory
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory, nir_for
from tests.www.apply.helpers import make_company, make_job, make_lyon


@pytest.fixture
def company():
    """An ACI with two open job descriptions, a closed one, and spontaneous applications open."""
    company = make_company(name="Les Jardins de Gerland", spontaneous=True)
    make_job(company, title="Jardinier ou jardinière")
    make_job(company, title="Maraîcher ou maraîchère", code="11998")
    make_job(company, title="Poste fermé", is_open=False)
    return company


@pytest.fixture
def jobs(company):
    return {job.display_name: job for job in company.job_descriptions.all()}


@pytest.fixture
def job_seeker():
    """A job seeker whose profile is complete."""
    return JobSeekerFactory(
        first_name="Camille",
        last_name="Martin",
        email="camille.martin@example.com",
        with_profile__nir=nir_for(1201, sex="2", year=92, month=7),
        with_profile__birthdate=datetime.date(1992, 7, 14),
        with_profile__commune=make_lyon(),
        with_profile__education_level=EducationLevel.CAP_BEP_DIPLOMA,
    )


@pytest.fixture
def prescriber():
    user = ProfessionalFactory(first_name="Sophie", last_name="Durand")
    PrescriberOrganizationFactory(authorized=True, name="France Travail Lyon 7", with_member=user)
    return user


@pytest.fixture
def employer(company):
    user = ProfessionalFactory(first_name="Karim", last_name="Benali")
    CompanyMembershipFactory(company=company, user=user, is_admin=True)
    return user
