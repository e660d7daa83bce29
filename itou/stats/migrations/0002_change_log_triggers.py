"""Triggers that write the change log of the steering figures (docs/statistiques.md).

Every change to an application, its transitions or chosen job descriptions, and the
changes of an employer or a prescriber organization that move its applications to
another department, kind or sender category, append the days concerned to
stats_dirtyday, in the same transaction. PASS IAE changes append a flag. The refresh
job (itou/stats/tasks.py) recomputes those days a minute later at most.
"""

from django.db import migrations

PARIS_DAY = "(({ts}) AT TIME ZONE 'Europe/Paris')::date"

FORWARD = f"""
-- Statement-level triggers with transition tables: one INSERT … SELECT DISTINCT per
-- statement, however many rows it touched (a bulk COPY of millions of applications costs
-- one hash aggregate, not one insert per row).
CREATE FUNCTION stats_mark_applications() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO stats_dirtyday (day, marked_at)
        SELECT DISTINCT {PARIS_DAY.format(ts="created_at")}, now() FROM new_rows;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO stats_dirtyday (day, marked_at)
        SELECT DISTINCT {PARIS_DAY.format(ts="created_at")}, now() FROM old_rows;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER stats_mark_applications_insert AFTER INSERT ON job_applications_jobapplication
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_applications();
CREATE TRIGGER stats_mark_applications_update AFTER UPDATE ON job_applications_jobapplication
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_applications();
CREATE TRIGGER stats_mark_applications_delete AFTER DELETE ON job_applications_jobapplication
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_applications();

-- Transitions and chosen job descriptions: the days of their applications.
-- TG_ARGV[0]: the column holding the application id.
CREATE FUNCTION stats_mark_application_children() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE format(
            $q$INSERT INTO stats_dirtyday (day, marked_at) SELECT DISTINCT {PARIS_DAY.format(ts="ja.created_at")}, now()
            FROM job_applications_jobapplication ja WHERE ja.id IN (SELECT %I FROM new_rows)$q$, TG_ARGV[0]);
    ELSE
        EXECUTE format(
            $q$INSERT INTO stats_dirtyday (day, marked_at) SELECT DISTINCT {PARIS_DAY.format(ts="ja.created_at")}, now()
            FROM job_applications_jobapplication ja WHERE ja.id IN (SELECT %I FROM old_rows)$q$, TG_ARGV[0]);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER stats_mark_transitions_insert AFTER INSERT ON job_applications_jobapplicationtransitionlog
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_application_children('job_application_id');
CREATE TRIGGER stats_mark_transitions_delete AFTER DELETE ON job_applications_jobapplicationtransitionlog
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_application_children('job_application_id');
CREATE TRIGGER stats_mark_selected_jobs_insert AFTER INSERT ON job_applications_jobapplication_selected_jobs
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_application_children('jobapplication_id');
CREATE TRIGGER stats_mark_selected_jobs_delete AFTER DELETE ON job_applications_jobapplication_selected_jobs
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_application_children('jobapplication_id');

-- An employer moving (commune) or changing kind: every day it received applications.
CREATE FUNCTION stats_mark_company() RETURNS trigger AS $$
BEGIN
    IF OLD.kind IS DISTINCT FROM NEW.kind OR OLD.commune_id IS DISTINCT FROM NEW.commune_id THEN
        INSERT INTO stats_dirtyday (day, marked_at)
        SELECT DISTINCT {PARIS_DAY.format(ts="created_at")}, now()
        FROM job_applications_jobapplication WHERE to_company_id = NEW.id;
        INSERT INTO stats_dirtyflag (name, marked_at) VALUES ('approvals', now());
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER stats_mark_company
AFTER UPDATE OF kind, commune_id ON companies_company
FOR EACH ROW EXECUTE FUNCTION stats_mark_company();

-- A prescriber organization authorized (or not any more), or changing kind.
CREATE FUNCTION stats_mark_prescriber() RETURNS trigger AS $$
BEGIN
    IF OLD.kind IS DISTINCT FROM NEW.kind OR OLD.authorization_status IS DISTINCT FROM NEW.authorization_status THEN
        INSERT INTO stats_dirtyday (day, marked_at)
        SELECT DISTINCT {PARIS_DAY.format(ts="created_at")}, now()
        FROM job_applications_jobapplication WHERE sender_prescriber_organization_id = NEW.id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER stats_mark_prescriber
AFTER UPDATE OF kind, authorization_status ON prescribers_prescriberorganization
FOR EACH ROW EXECUTE FUNCTION stats_mark_prescriber();

-- PASS IAE: one statement-level flag (the approvals aggregate is small and rebuilt whole).
CREATE FUNCTION stats_mark_approvals() RETURNS trigger AS $$
BEGIN
    INSERT INTO stats_dirtyflag (name, marked_at) VALUES ('approvals', now());
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER stats_mark_approval AFTER INSERT OR UPDATE OR DELETE ON approvals_approval
FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_approvals();
CREATE TRIGGER stats_mark_approval_hire AFTER INSERT OR UPDATE OR DELETE ON approvals_approvalhire
FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_approvals();
CREATE TRIGGER stats_mark_prolongation AFTER INSERT OR UPDATE OR DELETE ON approvals_prolongation
FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_approvals();
"""

BACKWARD = """
DROP TRIGGER stats_mark_prolongation ON approvals_prolongation;
DROP TRIGGER stats_mark_approval_hire ON approvals_approvalhire;
DROP TRIGGER stats_mark_approval ON approvals_approval;
DROP FUNCTION stats_mark_approvals();
DROP TRIGGER stats_mark_prescriber ON prescribers_prescriberorganization;
DROP FUNCTION stats_mark_prescriber();
DROP TRIGGER stats_mark_company ON companies_company;
DROP FUNCTION stats_mark_company();
DROP TRIGGER stats_mark_selected_jobs_delete ON job_applications_jobapplication_selected_jobs;
DROP TRIGGER stats_mark_selected_jobs_insert ON job_applications_jobapplication_selected_jobs;
DROP TRIGGER stats_mark_transitions_delete ON job_applications_jobapplicationtransitionlog;
DROP TRIGGER stats_mark_transitions_insert ON job_applications_jobapplicationtransitionlog;
DROP FUNCTION stats_mark_application_children();
DROP TRIGGER stats_mark_applications_delete ON job_applications_jobapplication;
DROP TRIGGER stats_mark_applications_update ON job_applications_jobapplication;
DROP TRIGGER stats_mark_applications_insert ON job_applications_jobapplication;
DROP FUNCTION stats_mark_applications();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_initial"),
        ("job_applications", "0005_new_application_opt_out"),
        ("companies", "0003_jobdescription_rome_domain"),
        ("prescribers", "0002_prescriberorganization_created_by_and_more"),
        ("approvals", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
