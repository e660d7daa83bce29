from django.db import migrations, models

# Frozen here: the kinds shown to the public when this migration was written
# (itou.companies.enums.SEARCHABLE_COMPANY_KINDS; a test compares them). A change of that
# list needs a migration that replaces companies_searchable().
SEARCHABLE_KINDS = "'EI', 'AI', 'ACI', 'ETTI', 'EITI', 'GEIQ', 'EA', 'EATT'"

BACKFILL = f"""
UPDATE companies_jobdescription AS jd
SET company_kind = c.kind,
    company_searchable = c.is_active AND c.kind IN ({SEARCHABLE_KINDS}),
    company_convention_end_date = c.convention_end_date
FROM companies_company AS c
WHERE c.id = jd.company_id
"""

FORWARD = f"""
-- Whether an employer is shown to the public, minus the convention's grace period (which
-- depends on the day: its end date is copied as it is).
CREATE FUNCTION companies_searchable(is_active boolean, kind varchar) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT is_active AND kind IN ({SEARCHABLE_KINDS}) $$;

-- A job description written (insert, new employer, or any write of the copied columns):
-- the copied columns come from its employer, whatever the writer put there.
CREATE FUNCTION companies_jobdescription_copy_company() RETURNS trigger AS $$
DECLARE
    company companies_company%ROWTYPE;
BEGIN
    IF TG_OP = 'INSERT' OR NEW.company_id IS DISTINCT FROM OLD.company_id THEN
        -- A row the employer's own trigger cannot see before this commits: FOR SHARE waits
        -- for an employer being changed by another transaction, and keeps it from changing
        -- until this commits.
        SELECT * INTO company FROM companies_company WHERE id = NEW.company_id FOR SHARE;
    ELSE
        -- The same employer: no lock (this row's own lock already makes the employer's
        -- trigger wait for this transaction, then copy again; a lock here could deadlock).
        SELECT * INTO company FROM companies_company WHERE id = NEW.company_id;
    END IF;
    IF FOUND THEN
        NEW.company_kind := company.kind;
        NEW.company_searchable := companies_searchable(company.is_active, company.kind);
        NEW.company_convention_end_date := company.convention_end_date;
    ELSE
        -- The employer is inserted later in the transaction (deferred foreign key): its
        -- insert trigger fills the row then.
        NEW.company_kind := '';
        NEW.company_searchable := false;
        NEW.company_convention_end_date := NULL;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER companies_jobdescription_copy_company
BEFORE INSERT OR UPDATE OF company_id, company_kind, company_searchable, company_convention_end_date
ON companies_jobdescription
FOR EACH ROW EXECUTE FUNCTION companies_jobdescription_copy_company();

-- An employer inserted or changed (any statement: services, admin, imports, queryset
-- updates): its job descriptions whose copy differs, in one UPDATE per statement.
CREATE FUNCTION companies_company_copy_to_job_descriptions() RETURNS trigger AS $$
BEGIN
    UPDATE companies_jobdescription AS jd
    SET company_kind = c.kind,
        company_searchable = companies_searchable(c.is_active, c.kind),
        company_convention_end_date = c.convention_end_date
    FROM new_rows AS c
    WHERE jd.company_id = c.id
    AND (
        jd.company_kind IS DISTINCT FROM c.kind
        OR jd.company_searchable IS DISTINCT FROM companies_searchable(c.is_active, c.kind)
        OR jd.company_convention_end_date IS DISTINCT FROM c.convention_end_date
    );
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER companies_company_copy_insert AFTER INSERT ON companies_company
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION companies_company_copy_to_job_descriptions();
CREATE TRIGGER companies_company_copy_update AFTER UPDATE ON companies_company
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION companies_company_copy_to_job_descriptions();
"""

BACKWARD = """
DROP TRIGGER companies_company_copy_update ON companies_company;
DROP TRIGGER companies_company_copy_insert ON companies_company;
DROP FUNCTION companies_company_copy_to_job_descriptions();
DROP TRIGGER companies_jobdescription_copy_company ON companies_jobdescription;
DROP FUNCTION companies_jobdescription_copy_company();
DROP FUNCTION companies_searchable(boolean, varchar);
"""


class Migration(migrations.Migration):
    """The employer's kind, visibility and convention end copied on each job description and
    kept in step by triggers (every writer, same transaction), then one covering partial
    index of the open job descriptions of searchable employers: the public search reads
    that index only (docs/recherche.md, docs/performance.md « 7 décembre 2026, 5e session »).
    """

    dependencies = [
        ("companies", "0003_jobdescription_rome_domain"),
        ("geo", "0001_initial"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="jobdescription",
            name="jd_open_coords_idx",
        ),
        migrations.AddField(
            model_name="jobdescription",
            name="company_convention_end_date",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="fin de la convention de l'employeur"
            ),
        ),
        migrations.AddField(
            model_name="jobdescription",
            name="company_kind",
            field=models.CharField(blank=True, editable=False, max_length=6, verbose_name="type de l'employeur"),
        ),
        migrations.AddField(
            model_name="jobdescription",
            name="company_searchable",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="employeur visible dans la recherche"
            ),
        ),
        # Before the triggers: one hash join, not one trigger call per row.
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AddIndex(
            model_name="jobdescription",
            index=models.Index(
                condition=models.Q(("company_searchable", True), ("is_open", True)),
                fields=["latitude", "longitude"],
                include=(
                    "updated_at",
                    "id",
                    "company_convention_end_date",
                    "company_kind",
                    "contract_type",
                    "rome_domain",
                    "appellation",
                ),
                name="jd_searchable_coords_idx",
            ),
        ),
    ]
