"""Follow-up, job description and per-department delay aggregates (docs/statistiques.md).

- `stats_delaydepartmentmonth`: `stats_delaymonth` without the prescriber kind.
- `stats_jobdescriptionactivity`: the last application of each job description.
- `stats_followedperson`, `stats_followedcount`, `stats_hirefollowedday`: the follow-up
  groups tab, kept by the refresh job; `stats_dirtyperson`: their change log, written by
  triggers on the follow-up memberships and on the organizations that move or change kind.

The new tables are filled here with the SQL of itou/stats/refresh.py at the time (an
existing database keeps exact figures without a full `stats_rebuild`).
"""

from django.db import migrations, models

PARIS_DAY = "((created_at) AT TIME ZONE 'Europe/Paris')::date"

FILL = [
    """
    INSERT INTO stats_delaydepartmentmonth
        (event_day, metric, department, company_kind, sender_category, days, count)
    SELECT event_day, metric, department, company_kind, sender_category, days, sum(count)
    FROM stats_delaymonth
    WHERE TRUE
    GROUP BY 1, 2, 3, 4, 5, 6
    """,
    """
    INSERT INTO stats_followedperson (job_seeker_id, department, region, org_type, org_kind)
    SELECT m.job_seeker_id, coalesce(com.department_id, ''), coalesce(d.region_id, ''), 'company', c.kind
    FROM followup_followupmembership m
    JOIN companies_company c ON c.id = m.company_id
    LEFT JOIN geo_commune com ON com.code = c.commune_id
    LEFT JOIN geo_department d ON d.code = com.department_id
    WHERE m.is_active AND TRUE
    UNION
    SELECT m.job_seeker_id, coalesce(com.department_id, ''), coalesce(d.region_id, ''), 'prescriber', po.kind
    FROM followup_followupmembership m
    JOIN prescribers_prescriberorganization po ON po.id = m.prescriber_organization_id
    LEFT JOIN geo_commune com ON com.code = po.commune_id
    LEFT JOIN geo_department d ON d.code = com.department_id
    WHERE m.is_active AND TRUE
     ORDER BY 2, 1
    """,
    """
    INSERT INTO stats_followedcount (level, code, org_type, org_kind, count)
    SELECT level, code, org_type, org_kind, count(*)
    FROM (
        SELECT DISTINCT p.job_seeker_id, k.level, k.code, k.org_type, k.org_kind
        FROM stats_followedperson p
        CROSS JOIN LATERAL (
            VALUES ('N', '', '', ''), ('N', '', p.org_type, p.org_kind),
                ('R', p.region, '', ''), ('R', p.region, p.org_type, p.org_kind),
                ('D', p.department, '', ''), ('D', p.department, p.org_type, p.org_kind)
        ) k (level, code, org_type, org_kind)
        WHERE (k.level = 'N' OR k.code <> '') AND TRUE
    ) x
    GROUP BY 1, 2, 3, 4
    """,
    """
    INSERT INTO stats_hirefollowedday (created_day, event_day, department, company_kind, count)
    SELECT e.day, ((e.end_at) AT TIME ZONE 'Europe/Paris')::date, e.department, e.company_kind, count(*)
    FROM (
    SELECT a.*, ev.metric, ev.end_at, ev.start_at
    FROM (
    SELECT
        ja.id,
        ((ja.created_at) AT TIME ZONE 'Europe/Paris')::date AS day,
        ja.created_at,
        ja.job_seeker_id,
        ja.state,
        ja.refusal_reason,
        ja.to_company_id AS company_id,
        CASE WHEN ja.sender_kind = 'prescriber' THEN ja.sender_prescriber_organization_id END AS prescriber_org_id,
        coalesce(com.department_id, '') AS department,
        c.kind AS company_kind,
        CASE
            WHEN ja.sender_kind <> 'prescriber' THEN ja.sender_kind
            WHEN po.authorization_status = 'VALIDATED' THEN 'authorized'
            ELSE 'orienteur'
        END AS sender_category,
        CASE WHEN ja.sender_kind = 'prescriber' THEN coalesce(po.kind, '') ELSE '' END AS prescriber_kind
    FROM job_applications_jobapplication ja
    JOIN companies_company c ON c.id = ja.to_company_id
    LEFT JOIN geo_commune com ON com.code = c.commune_id
    LEFT JOIN prescribers_prescriberorganization po ON po.id = ja.sender_prescriber_organization_id
    WHERE ja.state = 'accepted'
    ) a
    JOIN (
        SELECT job_application_id,
            min(timestamp) FILTER (WHERE to_state IN ('accepted', 'refused')) AS answered_at,
            max(timestamp) FILTER (WHERE to_state = 'accepted') AS accepted_at
        FROM job_applications_jobapplicationtransitionlog
        GROUP BY job_application_id
    ) l ON l.job_application_id = a.id
    JOIN (
        SELECT job_seeker_id, min(created_at) AS first_at FROM job_applications_jobapplication GROUP BY job_seeker_id
    ) f ON f.job_seeker_id = a.job_seeker_id
    CROSS JOIN LATERAL (
        VALUES
            ('answer', l.answered_at, a.created_at),
            ('hire', CASE WHEN a.state = 'accepted' THEN l.accepted_at END, a.created_at),
            ('journey', CASE WHEN a.state = 'accepted' THEN l.accepted_at END, f.first_at)
    ) ev (metric, end_at, start_at)
    WHERE ev.end_at IS NOT NULL
    ) e
    WHERE e.metric = 'hire' AND e.job_seeker_id IN (
        SELECT m.job_seeker_id FROM followup_followupmembership m WHERE m.is_active
        GROUP BY m.job_seeker_id HAVING count(DISTINCT coalesce(m.company_id, -m.prescriber_organization_id)) >= 2
    )
    GROUP BY 1, 2, 3, 4
     ORDER BY 3, 2
    """,
    """
    INSERT INTO stats_jobdescriptionactivity (jobdescription_id, last_applied_at, last_day)
    SELECT sj.jobdescription_id, max(ja.created_at), ((max(ja.created_at)) AT TIME ZONE 'Europe/Paris')::date
    FROM job_applications_jobapplication_selected_jobs sj
    JOIN job_applications_jobapplication ja ON ja.id = sj.jobapplication_id
    WHERE TRUE
    GROUP BY 1
    """,
]

TRIGGERS = f"""
-- Follow-up memberships: the job seekers whose group changed (statement level, with
-- transition tables; an update counts only when it changes who follows, or whether).
CREATE FUNCTION stats_mark_followups() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO stats_dirtyperson (job_seeker_id, marked_at)
        SELECT DISTINCT job_seeker_id, now() FROM new_rows WHERE is_active;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO stats_dirtyperson (job_seeker_id, marked_at)
        SELECT DISTINCT job_seeker_id, now() FROM old_rows WHERE is_active;
    ELSE
        INSERT INTO stats_dirtyperson (job_seeker_id, marked_at)
        SELECT DISTINCT x.job_seeker_id, now()
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (o.job_seeker_id), (n.job_seeker_id)) x (job_seeker_id)
        WHERE (o.is_active, o.job_seeker_id, o.company_id, o.prescriber_organization_id)
            IS DISTINCT FROM (n.is_active, n.job_seeker_id, n.company_id, n.prescriber_organization_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER stats_mark_followups_insert AFTER INSERT ON followup_followupmembership
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_followups();
CREATE TRIGGER stats_mark_followups_update AFTER UPDATE ON followup_followupmembership
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_followups();
CREATE TRIGGER stats_mark_followups_delete AFTER DELETE ON followup_followupmembership
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_followups();

-- An employer moving or changing kind: also the people its members follow.
CREATE OR REPLACE FUNCTION stats_mark_company() RETURNS trigger AS $$
BEGIN
    IF OLD.kind IS DISTINCT FROM NEW.kind OR OLD.commune_id IS DISTINCT FROM NEW.commune_id THEN
        INSERT INTO stats_dirtyday (day, marked_at)
        SELECT DISTINCT {PARIS_DAY}, now()
        FROM job_applications_jobapplication WHERE to_company_id = NEW.id;
        INSERT INTO stats_dirtyflag (name, marked_at) VALUES ('approvals', now());
        INSERT INTO stats_dirtyperson (job_seeker_id, marked_at)
        SELECT DISTINCT job_seeker_id, now() FROM followup_followupmembership WHERE company_id = NEW.id AND is_active;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- A prescriber organization: authorization or kind (its applications), commune or kind
-- (the people its members follow).
CREATE OR REPLACE FUNCTION stats_mark_prescriber() RETURNS trigger AS $$
BEGIN
    IF OLD.kind IS DISTINCT FROM NEW.kind OR OLD.authorization_status IS DISTINCT FROM NEW.authorization_status THEN
        INSERT INTO stats_dirtyday (day, marked_at)
        SELECT DISTINCT {PARIS_DAY}, now()
        FROM job_applications_jobapplication WHERE sender_prescriber_organization_id = NEW.id;
    END IF;
    IF OLD.kind IS DISTINCT FROM NEW.kind OR OLD.commune_id IS DISTINCT FROM NEW.commune_id THEN
        INSERT INTO stats_dirtyperson (job_seeker_id, marked_at)
        SELECT DISTINCT job_seeker_id, now() FROM followup_followupmembership
        WHERE prescriber_organization_id = NEW.id AND is_active;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER stats_mark_prescriber ON prescribers_prescriberorganization;
CREATE TRIGGER stats_mark_prescriber
AFTER UPDATE OF kind, authorization_status, commune_id ON prescribers_prescriberorganization
FOR EACH ROW EXECUTE FUNCTION stats_mark_prescriber();
"""

TRIGGERS_BACKWARD = f"""
DROP TRIGGER stats_mark_followups_delete ON followup_followupmembership;
DROP TRIGGER stats_mark_followups_update ON followup_followupmembership;
DROP TRIGGER stats_mark_followups_insert ON followup_followupmembership;
DROP FUNCTION stats_mark_followups();

CREATE OR REPLACE FUNCTION stats_mark_company() RETURNS trigger AS $$
BEGIN
    IF OLD.kind IS DISTINCT FROM NEW.kind OR OLD.commune_id IS DISTINCT FROM NEW.commune_id THEN
        INSERT INTO stats_dirtyday (day, marked_at)
        SELECT DISTINCT {PARIS_DAY}, now()
        FROM job_applications_jobapplication WHERE to_company_id = NEW.id;
        INSERT INTO stats_dirtyflag (name, marked_at) VALUES ('approvals', now());
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION stats_mark_prescriber() RETURNS trigger AS $$
BEGIN
    IF OLD.kind IS DISTINCT FROM NEW.kind OR OLD.authorization_status IS DISTINCT FROM NEW.authorization_status THEN
        INSERT INTO stats_dirtyday (day, marked_at)
        SELECT DISTINCT {PARIS_DAY}, now()
        FROM job_applications_jobapplication WHERE sender_prescriber_organization_id = NEW.id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER stats_mark_prescriber ON prescribers_prescriberorganization;
CREATE TRIGGER stats_mark_prescriber
AFTER UPDATE OF kind, authorization_status ON prescribers_prescriberorganization
FOR EACH ROW EXECUTE FUNCTION stats_mark_prescriber();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('stats', '0005_national_narrow_aggregates'),
        ('followup', '0002_milestones'),
    ]

    operations = [
        migrations.CreateModel(
            name='DirtyPerson',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('job_seeker_id', models.BigIntegerField()),
                ('marked_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'personne à recalculer',
            },
        ),
        migrations.CreateModel(
            name='DelayDepartmentMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_day', models.DateField()),
                ('metric', models.CharField(max_length=10)),
                ('department', models.CharField(blank=True, max_length=3)),
                ('company_kind', models.CharField(max_length=6)),
                ('sender_category', models.CharField(max_length=12)),
                ('days', models.IntegerField()),
                ('count', models.IntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['metric', 'event_day'], name='stats_delaydep_event_idx'), models.Index(fields=['department', 'metric', 'event_day'], name='stats_delaydep_dep_idx')],
            },
        ),
        migrations.CreateModel(
            name='FollowedCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(max_length=1)),
                ('code', models.CharField(blank=True, max_length=3)),
                ('org_type', models.CharField(blank=True, max_length=10)),
                ('org_kind', models.CharField(blank=True, max_length=20)),
                ('count', models.IntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('level', 'code', 'org_type', 'org_kind'), name='stats_followedcount_key')],
            },
        ),
        migrations.CreateModel(
            name='FollowedPerson',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('job_seeker_id', models.BigIntegerField()),
                ('department', models.CharField(blank=True, max_length=3)),
                ('region', models.CharField(blank=True, max_length=3)),
                ('org_type', models.CharField(max_length=10)),
                ('org_kind', models.CharField(blank=True, max_length=20)),
            ],
            options={
                'indexes': [models.Index(fields=['job_seeker_id'], name='stats_followed_person_idx'), models.Index(fields=['department'], name='stats_followed_dep_idx')],
            },
        ),
        migrations.CreateModel(
            name='HireFollowedDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_day', models.DateField()),
                ('event_day', models.DateField()),
                ('department', models.CharField(blank=True, max_length=3)),
                ('company_kind', models.CharField(max_length=6)),
                ('count', models.IntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['created_day'], name='stats_hirefollowed_created_idx'), models.Index(fields=['event_day'], name='stats_hirefollowed_event_idx'), models.Index(fields=['department', 'event_day'], name='stats_hirefollowed_dep_idx')],
            },
        ),
        migrations.CreateModel(
            name='JobDescriptionActivity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('jobdescription_id', models.BigIntegerField(unique=True)),
                ('last_applied_at', models.DateTimeField()),
                ('last_day', models.DateField()),
            ],
            options={
                'indexes': [models.Index(fields=['last_day'], name='stats_jobactivity_day_idx')],
            },
        ),
        migrations.RunSQL(TRIGGERS, TRIGGERS_BACKWARD),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
