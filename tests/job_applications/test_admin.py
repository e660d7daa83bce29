from django.urls import reverse

from itou.job_applications import services
from tests.companies.factories import login_as_staff
from tests.job_applications.factories import JobApplicationFactory, employer_of


def test_admin_is_read_only(client):
    job_application = JobApplicationFactory(sent_by_prescriber=True)
    services.job_application_process(acting_user=employer_of(job_application), job_application=job_application)
    login_as_staff(client)
    assert client.get(reverse("admin:job_applications_jobapplication_changelist")).status_code == 200
    response = client.get(reverse("admin:job_applications_jobapplication_change", args=[job_application.pk]))
    assert response.status_code == 200
    assert "process" in response.content.decode()
    assert client.get(reverse("admin:job_applications_jobapplication_add")).status_code == 403
