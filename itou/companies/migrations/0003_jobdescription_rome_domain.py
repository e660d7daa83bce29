import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The ROME domain copied on each job description (the search's domain filter without
    joining the ROME tables), and partial indexes of the open job descriptions for the
    domain filter and the job title search (docs/performance.md)."""

    dependencies = [
        ("companies", "0002_jobdescription_company_convention_start_date_and_more"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="jobdescription",
            name="rome_domain",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="jobs.romedomain",
                verbose_name="grand domaine ROME",
            ),
        ),
        migrations.RunSQL(
            sql="""
                UPDATE companies_jobdescription AS jd
                SET rome_domain_id = rome.domain_id
                FROM jobs_appellation AS appellation
                JOIN jobs_rome AS rome ON rome.code = appellation.rome_id
                WHERE appellation.code = jd.appellation_id
                AND jd.rome_domain_id IS DISTINCT FROM rome.domain_id
            """,
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="jobdescription",
            index=models.Index(
                condition=models.Q(("is_open", True)),
                fields=["company", "rome_domain"],
                name="jd_open_company_domain_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="jobdescription",
            index=models.Index(
                condition=models.Q(("is_open", True)), fields=["appellation"], name="jd_open_appellation_idx"
            ),
        ),
    ]
