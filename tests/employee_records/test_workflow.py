import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from itou.employee_records import services, workflow
from itou.employee_records.enums import Status
from itou.utils.state_machine import TransitionNotAllowed
from tests.companies.factories import CompanyFactory
from tests.employee_records.factories import complete_record, member_of


@pytest.mark.parametrize(
    "status,name,allowed",
    [
        (Status.NEW, "ready", True),
        (Status.REJECTED, "ready", True),
        (Status.DISABLED, "ready", True),
        (Status.PROCESSED, "ready", True),
        (Status.READY, "ready", False),
        (Status.SENT, "ready", False),
        (Status.READY, "wait_for_asp_response", True),
        (Status.NEW, "wait_for_asp_response", False),
        (Status.SENT, "process", True),
        (Status.SENT, "reject", True),
        (Status.READY, "process", False),
        (Status.NEW, "disable", True),
        (Status.READY, "disable", False),
        (Status.SENT, "disable", False),
        (Status.DISABLED, "enable", True),
        (Status.NEW, "enable", False),
        (Status.SENT, "archive", False),
        (Status.ARCHIVED, "unarchive_new", True),
    ],
)
def test_declared_transitions(status, name, allowed):
    record = complete_record(status=status)
    assert workflow.RECORD_MACHINE.can(name, record) is allowed


def test_every_transition_is_logged_with_its_author():
    record = complete_record()
    user = member_of(record.company)
    workflow.fire_record(record, "ready", user=user)
    log = record.logs.get()
    assert (log.transition, log.from_status, log.to_status, log.user) == ("ready", Status.NEW, Status.READY, user)


def test_guard_refuses_an_incomplete_record_with_the_missing_fields():
    record = complete_record(lane_type="", civility="")
    with pytest.raises(TransitionNotAllowed) as error:
        workflow.fire_record(record, "ready")
    assert error.value.message == "La fiche salarié est incomplète : civilité, type de voie."
    record.refresh_from_db()
    assert record.status == Status.NEW and not record.logs.exists()


def test_services_check_the_company():
    record = complete_record()
    outsider = CompanyFactory(with_member=True)
    with pytest.raises(PermissionDenied):
        services.employee_record_ready(acting_user=member_of(outsider), company=record.company, record=record)
    with pytest.raises(PermissionDenied):
        services.employee_record_disable(acting_user=member_of(outsider), company=outsider, record=record)


def test_duplicate_record_is_refused():
    record = complete_record()
    hire = record.approval.hires.get()
    with pytest.raises(ValidationError, match="existe déjà"):
        services.employee_record_create(acting_user=member_of(record.company), company=record.company, hire=hire)


def test_parse_address_line():
    assert services.parse_address_line("12 ter, avenue des Lilas") == {
        "lane_number": "12", "lane_extension": "T", "lane_type": "AV", "lane_name": "des Lilas",
    }  # fmt: skip
    assert services.parse_address_line("Lieu-dit Les Granges")["lane_type"] == "LD"
    assert services.parse_address_line("")["lane_name"] == ""
