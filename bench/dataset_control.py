"""France-scale dataset, control part 2: criteria certified by a State data source.

Run after the `control` step of bench/dataset.py (imported at its end): a share of the
self-prescriptions it made get their RSA criterion certified at the hiring date (as API
Particulier would answer), so that the national draw exercises the certified path of
CONTROL.md §3 (certified criteria accepted, SIAE validated at once).
"""

from psycopg import sql

from bench.dataset import Generation, register_step

T_CERTIFIED = "eligibility_certifiedcriterion"
# One self-prescription in three has its criterion certified (deterministic: the 1st, 4th…
# by identifier, so that even the smallest scale has one).
CERTIFIED_EVERY = 3


@register_step("control_certified", T_CERTIFIED)
def generate_certified_criteria(g: Generation) -> None:
    g.cursor.execute(
        sql.SQL(
            "INSERT INTO {} (diagnosis_id, administrative_criteria_id, source, certified_at, valid_from, valid_until)"
            " SELECT x.id, c.id, 'api_particulier', x.created_at,"
            " (x.hiring_start_at - interval '3 months')::date, x.hiring_start_at"
            " FROM (SELECT d.id, d.created_at, ja.hiring_start_at, row_number() OVER (ORDER BY d.id) AS rank"
            " FROM eligibility_eligibilitydiagnosis d"
            " JOIN job_applications_jobapplication ja ON ja.eligibility_diagnosis_id = d.id"
            " AND ja.to_company_id = d.author_company_id AND ja.state = 'accepted'"
            " WHERE d.author_kind = 'employer' AND ja.hiring_start_at IS NOT NULL) x"
            " JOIN eligibility_administrativecriteria c ON c.kind = 'RSA'"
            " WHERE x.rank %% %s = 1"
            " ON CONFLICT DO NOTHING"
        ).format(sql.Identifier(T_CERTIFIED)),
        [CERTIFIED_EVERY],
    )
    g.report.table(T_CERTIFIED).rows += g.cursor.rowcount
