"""The cast of the apply journey (an ACI with job descriptions, a job seeker, a prescriber,
an employer): the same fixtures as tests/www/apply/conftest.py."""

from tests.www.apply.conftest import company, employer, job_seeker, jobs, prescriber  # noqa: F401 (fixtures)
