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
CREATE FUNCTION stats_mark_application() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO stats_dirtyday (day, marked_at) VALUES ({PARIS_DAY.format(ts="OLD.created_at")}, now());
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF TG_OP = 'INSERT' OR {PARIS_DAY.format(ts="OLD.created_at")} <> {PARIS_DAY.format(ts="NEW.created_at")} THEN
            INSERT INTO stats_dirtyday (day, marked_at) VALUES ({PARIS_DAY.format(ts="NEW.created_at")}, now());
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER stats_mark_application
AFTER INSERT OR DELETE OR UPDATE OF created_at, state, refusal_reason, to_company_id, sender_kind,
    sender_prescriber_organization_id, job_seeker_id
ON job_applications_jobapplication
FOR EACH ROW EXECUTE FUNCTION stats_mark_application();

-- Transitions and chosen job descriptions: the day of their application.
CREATE FUNCTION stats_mark_application_child() RETURNS trigger AS $$
DECLARE
    application_id uuid;
BEGIN
    -- TG_ARGV[0]: the column holding the application id.
    IF TG_OP = 'DELETE' THEN
        application_id := (to_jsonb(OLD) ->> TG_ARGV[0])::uuid;
    ELSE
        application_id := (to_jsonb(NEW) ->> TG_ARGV[0])::uuid;
    END IF;
    INSERT INTO stats_dirtyday (day, marked_at)
    SELECT {PARIS_DAY.format(ts="created_at")}, now()
    FROM job_applications_jobapplication WHERE id = application_id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER stats_mark_transition
AFTER INSERT OR DELETE OR UPDATE OF timestamp, to_state ON job_applications_jobapplicationtransitionlog
FOR EACH ROW EXECUTE FUNCTION stats_mark_application_child('job_application_id');

CREATE TRIGGER stats_mark_selected_job
AFTER INSERT OR DELETE ON job_applications_jobapplication_selected_jobs
FOR EACH ROW EXECUTE FUNCTION stats_mark_application_child('jobapplication_id');

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
DROP TRIGGER stats_mark_selected_job ON job_applications_jobapplication_selected_jobs;
DROP TRIGGER stats_mark_transition ON job_applications_jobapplicationtransitionlog;
DROP FUNCTION stats_mark_application_child();
DROP TRIGGER stats_mark_application ON job_applications_jobapplication;
DROP FUNCTION stats_mark_application();
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
