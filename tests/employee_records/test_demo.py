from itou.demo.world import load_demo
from itou.employee_records.enums import Status
from itou.employee_records.models import EmployeeRecord
from itou.employee_records.services import hires_without_record


def test_demo_aci_has_records_in_several_statuses(demo_communes):
    load_demo()
    records = EmployeeRecord.objects.select_related("company")
    aci = records.get(company__kind="ACI").company
    assert records.get(company=aci).status == Status.REJECTED
    # Left for testers, "à créer": one hire, + the 3 past hires under control (itou/control/demo.py).
    assert hires_without_record(aci).count() == 1 + 3
    assert {Status.REJECTED, Status.PROCESSED, Status.READY, Status.NEW} <= set(
        records.values_list("status", flat=True)
    )
    assert all(r.asp_siret == r.company.siret and r.birth_country_id == "100" for r in records)
    count = records.count()
    load_demo()  # idempotent
    assert EmployeeRecord.objects.count() == count


def test_import_asp_loads_the_reference_tables_once():
    import io

    from django.core.management import call_command

    from itou.asp.models import AspCommune, Country

    call_command("import_asp", stdout=io.StringIO())
    assert Country.objects.get(code="100").group == "1"
    assert AspCommune.objects.current().get(code="67482").name == "STRASBOURG"
    assert AspCommune.objects.filter(code="01004").count() == 2
    out = io.StringIO()
    call_command("import_asp", stdout=out)
    assert "déjà à jour" in out.getvalue()
