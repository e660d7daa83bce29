import json

import time_machine
from django.db import transaction

from itou.employee_records import transfer
from itou.employee_records.models import EmployeeRecord
from tests.employee_records.factories import bulk_records


@time_machine.travel("2026-03-02 09:55:00+00:00", tick=False)
def test_building_a_700_line_file_takes_a_constant_number_of_queries(django_assert_max_num_queries):
    bulk_records(720)
    with django_assert_max_num_queries(10) as captured, transaction.atomic():
        batch = transfer.build_record_batch()
    assert batch.line_count == 700
    assert len(captured) <= 6, [q["sql"][:80] for q in captured]
    lines = json.loads(batch.content)["lignesTelechargement"]
    assert [line["numLigne"] for line in lines] == list(range(1, 701))
    assert len(batch.content.encode()) <= transfer.MAX_BYTES
    assert EmployeeRecord.objects.filter(batch=batch).count() == 700
