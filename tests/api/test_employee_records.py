from django.db import connection
from django.test.utils import CaptureQueriesContext

from itou.api.enums import TokenKind
from itou.api.models import ApiAccessLog
from itou.employee_records.enums import Status
from itou.employee_records.models import UpdateNotification
from itou.employee_records.serializers import record_line
from tests.api.conftest import auth, employer_token, staff_token
from tests.employee_records.factories import complete_record


def test_employer_reads_its_employee_records_with_the_asp_line(api_client):
    record = complete_record(status=Status.READY)
    other = complete_record(status=Status.READY)
    auth(api_client, employer_token(record.company))
    api_client.get("/api/v1/employeur/fiches-salarie/")  # first use: last_used_at written
    with CaptureQueriesContext(connection) as one:
        body = api_client.get("/api/v1/employeur/fiches-salarie/").json()
    assert [row["id"] for row in body["results"]] == [record.pk]
    row = body["results"][0]
    assert row["statut"] == "READY" and row["numero_pass"] == record.approval_number
    assert row["ligne_asp"] == record_line(record, 0)
    assert row["ligne_asp"]["personnePhysique"]["passIae"] == record.approval_number
    for _ in range(3):
        complete_record(company=record.company, status=Status.NEW)
    with CaptureQueriesContext(connection) as four:
        assert len(api_client.get("/api/v1/employeur/fiches-salarie/").json()["results"]) == 4
    assert len(one) == len(four)
    assert api_client.get("/api/v1/employeur/fiches-salarie/?statut=READY").json()["results"][0]["id"] == record.pk
    assert api_client.get(f"/api/v1/employeur/fiches-salarie/{record.pk}/").status_code == 200
    assert api_client.get(f"/api/v1/employeur/fiches-salarie/{other.pk}/").status_code == 404
    assert api_client.get("/api/v1/employeur/fiches-salarie/?statut=NIMPORTE").status_code == 400
    assert ApiAccessLog.objects.filter(path="/api/v1/employeur/fiches-salarie/").exists()


def test_update_notifications_of_the_structure_only(api_client):
    record = complete_record(status=Status.PROCESSED)
    other = complete_record(status=Status.PROCESSED)
    mine = UpdateNotification.objects.create(employee_record=record)
    UpdateNotification.objects.create(employee_record=other)
    auth(api_client, employer_token(record.company))
    body = api_client.get("/api/v1/employeur/fiches-salarie/notifications/").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]


def test_employee_records_need_an_employer_token(api_client):
    assert api_client.get("/api/v1/employeur/fiches-salarie/").status_code == 401
    auth(api_client, staff_token(TokenKind.PARTNER))
    assert api_client.get("/api/v1/employeur/fiches-salarie/").status_code == 403
