"""Aggregate tables of the steering figures (docs/statistiques.md).

They are derived data: `itou.stats.refresh` fills them from the raw tables, either a few
days at a time (the days that PostgreSQL triggers wrote in `DirtyDay`) or entirely
(`manage.py stats_rebuild`). Nothing else writes them. Every count is a number of
applications (or PASS IAE); every delay is a whole number of days.
"""

from django.db import models

# The sender of an application as the steering figures see it (PILOTAGE.md, "origine").
SENDER_CATEGORIES = {
    "job_seeker": "Candidat (candidature autonome)",
    "authorized": "Prescripteur habilité",
    "orienteur": "Orienteur",
    "employer": "Employeur (auto-prescription)",
}

DELAY_METRICS = {
    "answer": "Délai entre la candidature et la première réponse",
    "hire": "Délai entre la candidature et l'embauche",
    "journey": "Délai entre la première orientation de la personne et son embauche",
}


class Row(models.Model):
    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class DirtyDay(Row):
    """The change log: a day (of application creation, Paris time) whose aggregates must
    be computed again. Written by triggers on the raw tables, emptied by the refresh job.

    Append-only, no unique key: a unique day would make every transaction that touches
    today's applications wait for the others to commit (INSERT … ON CONFLICT waits on
    an uncommitted duplicate). Duplicates cost nothing: the job reads distinct days."""

    day = models.DateField()
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "jour à recalculer"


class DirtyFlag(Row):
    """A whole family of aggregates to compute again ("approvals": PASS IAE changed)."""

    name = models.CharField(max_length=30)
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "agrégat à recalculer"


class ApplicationDay(Row):
    """Applications per day × department × employer kind × sender × state × refusal reason."""

    day = models.DateField()
    department = models.CharField(max_length=3, blank=True)
    company_kind = models.CharField(max_length=6)
    sender_category = models.CharField(max_length=12)
    prescriber_kind = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=20)
    refusal_reason = models.CharField(max_length=40, blank=True)
    # Applications still NEW/PROCESSING/POSTPONED: how many of them are "waiting" is
    # `count` when state is pending; kept as a state like the others.
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="stats_appday_day_idx"),
            models.Index(fields=["department", "day"], name="stats_appday_dep_idx"),
        ]


class ApplicationMonth(Row):
    """`ApplicationDay` summed per month: `day` is the first day of the month. Read instead
    of the per-day table when the period is made of whole months (national and regional
    pages scan 30 times fewer rows); recomputed from `ApplicationDay` by the same job."""

    day = models.DateField()
    department = models.CharField(max_length=3, blank=True)
    company_kind = models.CharField(max_length=6)
    sender_category = models.CharField(max_length=12)
    prescriber_kind = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=20)
    refusal_reason = models.CharField(max_length=40, blank=True)
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="stats_appmonth_day_idx"),
            models.Index(fields=["department", "day"], name="stats_appmonth_dep_idx"),
        ]


class ApplicationNationMonth(Row):
    """`ApplicationMonth` summed over the departments: the national pages (DGEFP, the public
    page for France) group by state, sender or refusal reason without reading one row per
    department. Recomputed from `ApplicationMonth` by the same job, month by month."""

    day = models.DateField()
    company_kind = models.CharField(max_length=6)
    sender_category = models.CharField(max_length=12)
    prescriber_kind = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=20)
    refusal_reason = models.CharField(max_length=40, blank=True)
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="stats_appnation_day_idx")]


class ApplicationNationStateMonth(Row):
    """`ApplicationMonth` with only the employer kind, the sender category and the state:
    the national totals, by state and month, and the waiting applications (a few hundred
    rows a month instead of thousands)."""

    day = models.DateField()
    company_kind = models.CharField(max_length=6)
    sender_category = models.CharField(max_length=12)
    state = models.CharField(max_length=20)
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="stats_appnatstate_day_idx")]


class ApplicationNationSenderMonth(Row):
    """`ApplicationMonth` per employer kind, sender category and prescriber kind: the
    national breakdown by sender."""

    day = models.DateField()
    company_kind = models.CharField(max_length=6)
    sender_category = models.CharField(max_length=12)
    prescriber_kind = models.CharField(max_length=20, blank=True)
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="stats_appnatsender_day_idx")]


class ApplicationNationReasonMonth(Row):
    """`ApplicationMonth` per employer kind, sender category, state and refusal reason: the
    national refusal reasons (of the applications and of the orientations)."""

    day = models.DateField()
    company_kind = models.CharField(max_length=6)
    sender_category = models.CharField(max_length=12)
    state = models.CharField(max_length=20)
    refusal_reason = models.CharField(max_length=40, blank=True)
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="stats_appnatreason_day_idx")]


class ApplicationNationStateDay(Row):
    """`ApplicationDay` with only the employer kind, the sender category and the state, per
    day: the national figures of periods that are not whole months, and the days of the
    current month in « waiting for more than 30 days »."""

    day = models.DateField()
    company_kind = models.CharField(max_length=6)
    sender_category = models.CharField(max_length=12)
    state = models.CharField(max_length=20)
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="stats_appnatstateday_day_idx")]


class ApplicationDepartmentMonth(Row):
    """`ApplicationMonth` without state, refusal reason nor prescriber kind: the breakdowns
    by department (table and map of the applications) of a region or of France."""

    day = models.DateField()
    department = models.CharField(max_length=3, blank=True)
    company_kind = models.CharField(max_length=6)
    sender_category = models.CharField(max_length=12)
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="stats_appdep_day_idx"),
            models.Index(fields=["department", "day"], name="stats_appdep_dep_idx"),
        ]


class ApplicationOrgDay(Row):
    """Applications per day × receiving employer × sending prescriber organization."""

    day = models.DateField()
    company_id = models.BigIntegerField()
    prescriber_org_id = models.BigIntegerField(null=True)
    sender_category = models.CharField(max_length=12)
    prescriber_kind = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=20)
    refusal_reason = models.CharField(max_length=40, blank=True)
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["company_id", "day"], name="stats_apporg_company_idx"),
            models.Index(
                fields=["prescriber_org_id", "day"],
                name="stats_apporg_prescriber_idx",
                condition=models.Q(prescriber_org_id__isnull=False),
            ),
            models.Index(fields=["day"], name="stats_apporg_day_idx"),
        ]


class DelayDay(Row):
    """Histogram of delays (in days) per day of the event that ends the delay (answer,
    hire), by territory, employer kind and sender. `created_day` is the day of the
    application, the key the refresh works by."""

    created_day = models.DateField()
    event_day = models.DateField()
    metric = models.CharField(max_length=10)
    department = models.CharField(max_length=3, blank=True)
    company_kind = models.CharField(max_length=6)
    sender_category = models.CharField(max_length=12)
    prescriber_kind = models.CharField(max_length=20, blank=True)
    days = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["created_day"], name="stats_delay_created_idx"),
            models.Index(fields=["metric", "event_day"], name="stats_delay_event_idx"),
            models.Index(fields=["department", "metric", "event_day"], name="stats_delay_dep_idx"),
        ]


class DelayMonth(Row):
    """`DelayDay` summed per month of the event: `event_day` is the first day of that
    month. Read instead of the per-day histogram for periods of whole months."""

    event_day = models.DateField()
    metric = models.CharField(max_length=10)
    department = models.CharField(max_length=3, blank=True)
    company_kind = models.CharField(max_length=6)
    sender_category = models.CharField(max_length=12)
    prescriber_kind = models.CharField(max_length=20, blank=True)
    days = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["metric", "event_day"], name="stats_delaymonth_event_idx"),
            models.Index(fields=["department", "metric", "event_day"], name="stats_delaymonth_dep_idx"),
        ]


class DelayNationMonth(Row):
    """`DelayMonth` summed over the departments and prescriber kinds: the national
    histograms (per month, employer kind, sender)."""

    event_day = models.DateField()
    metric = models.CharField(max_length=10)
    company_kind = models.CharField(max_length=6)
    sender_category = models.CharField(max_length=12)
    days = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["metric", "event_day"], name="stats_delaynation_event_idx")]


class DelayOrg(Row):
    """The same histogram per receiving employer and sending prescriber organization."""

    created_day = models.DateField()
    event_day = models.DateField()
    metric = models.CharField(max_length=10)
    company_id = models.BigIntegerField()
    prescriber_org_id = models.BigIntegerField(null=True)
    days = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["created_day"], name="stats_delayorg_created_idx"),
            models.Index(fields=["company_id", "metric", "event_day"], name="stats_delayorg_company_idx"),
            models.Index(
                fields=["prescriber_org_id", "metric", "event_day"],
                name="stats_delayorg_prescriber_idx",
                condition=models.Q(prescriber_org_id__isnull=False),
            ),
        ]


class HireDomainDay(Row):
    """Hires (applications accepted now) per hire day × territory × employer kind × ROME
    domain of the chosen job descriptions ("" : spontaneous application)."""

    created_day = models.DateField()
    event_day = models.DateField()
    department = models.CharField(max_length=3, blank=True)
    company_kind = models.CharField(max_length=6)
    rome_domain = models.CharField(max_length=1, blank=True)
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["created_day"], name="stats_hiredom_created_idx"),
            models.Index(fields=["event_day"], name="stats_hiredom_event_idx"),
        ]


class HireDomainMonth(Row):
    """`HireDomainDay` summed per month of the hire: `event_day` is the first day of that
    month. Read instead of the per-day table for periods of whole months."""

    event_day = models.DateField()
    department = models.CharField(max_length=3, blank=True)
    company_kind = models.CharField(max_length=6)
    rome_domain = models.CharField(max_length=1, blank=True)
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["event_day"], name="stats_hiredommonth_event_idx"),
            models.Index(fields=["department", "event_day"], name="stats_hiredommonth_dep_idx"),
        ]


class HireDomainNationMonth(Row):
    """`HireDomainMonth` summed over the departments: the national hires by ROME domain."""

    event_day = models.DateField()
    company_kind = models.CharField(max_length=6)
    rome_domain = models.CharField(max_length=1, blank=True)
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["event_day"], name="stats_hiredomnation_event_idx")]


class ApprovalAggregate(Row):
    """PASS IAE (not cancelled) per territory × employer kind × dates: the figures of a
    given day (in force, ending soon) are sums over date ranges."""

    department = models.CharField(max_length=3, blank=True)
    company_kind = models.CharField(max_length=6, blank=True)
    issued_day = models.DateField()
    start_at = models.DateField()
    end_at = models.DateField()
    prolonged = models.BooleanField()
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["department", "end_at"], name="stats_approval_dep_idx")]


class ApprovalToday(Row):
    """The PASS IAE of `ApprovalAggregate` on one day (`day`, the day of the last refresh)
    per territory × employer kind: in force, of which prolonged, of which ending within 3
    months. Recomputed by the refresh job when PASS IAE change and at the first run of each
    day; read only when `day` is today (else the figures are summed from the aggregate)."""

    day = models.DateField()
    department = models.CharField(max_length=3, blank=True)
    company_kind = models.CharField(max_length=6, blank=True)
    in_force = models.IntegerField()
    prolonged = models.IntegerField()
    ending_soon = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "department"], name="stats_approvaltoday_idx")]


class SuspendedToday(Row):
    """A PASS IAE (not cancelled) with a suspension in progress on `day`, once per
    territory × employer kind of the employers that suspended it (an approval suspended by
    two employers is counted once per territory, once for France: count the distinct
    `approval_id`). Kept like `ApprovalToday`."""

    day = models.DateField()
    approval_id = models.BigIntegerField()
    department = models.CharField(max_length=3, blank=True)
    company_kind = models.CharField(max_length=6, blank=True)

    class Meta:
        indexes = [models.Index(fields=["day", "department"], name="stats_suspendedtoday_idx")]


class DelayDepartmentMonth(Row):
    """`DelayMonth` without the prescriber kind: the breakdowns of the delays by department
    (DREETS, DGEFP) and the delays of a department, without one row per prescriber kind."""

    event_day = models.DateField()
    metric = models.CharField(max_length=10)
    department = models.CharField(max_length=3, blank=True)
    company_kind = models.CharField(max_length=6)
    sender_category = models.CharField(max_length=12)
    days = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["metric", "event_day"], name="stats_delaydep_event_idx"),
            models.Index(fields=["department", "metric", "event_day"], name="stats_delaydep_dep_idx"),
        ]


class DelayDepartmentAllMonth(Row):
    """`DelayDepartmentMonth` summed over employer kinds and senders: the breakdown of the
    delays by department without those filters (DGEFP, DREETS, map of the answer delays),
    a few times fewer rows than per kind and sender."""

    event_day = models.DateField()
    metric = models.CharField(max_length=10)
    department = models.CharField(max_length=3, blank=True)
    days = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["metric", "event_day"], name="stats_delaydepall_event_idx"),
            models.Index(fields=["department", "metric", "event_day"], name="stats_delaydepall_dep_idx"),
        ]


class DelayNationAllMonth(Row):
    """`DelayNationMonth` summed over employer kinds and senders: the national delays and
    their month-by-month trend without those filters."""

    event_day = models.DateField()
    metric = models.CharField(max_length=10)
    days = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["metric", "event_day"], name="stats_delaynatall_event_idx")]


class DelayPercentile(Row):
    """The median and 90th centile of the delays over a calendar quarter or year, per
    metric and per department (`breakdown` "department", from `DelayDepartmentAllMonth`),
    employer kind or sender category (France, from `DelayNationMonth`): what
    `figures.percentiles` computes from those histograms, computed by the refresh job when
    one of their months changes instead of at each display (docs/statistiques.md). A
    period is `period_start`–`period_end` (inclusive): a quarter and the year that start on
    January 1st differ by their end."""

    period_start = models.DateField()
    period_end = models.DateField()
    metric = models.CharField(max_length=10)
    breakdown = models.CharField(max_length=20)
    value = models.CharField(max_length=20, blank=True)
    count = models.IntegerField()
    median = models.IntegerField()
    p90 = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["period_start", "period_end", "breakdown"], name="stats_delaypct_period_idx")]


class JobDescriptionActivity(Row):
    """The moment of the last application that chose each job description (none: never
    chosen). « Fiches de poste en difficulté » compares it with 30 days ago instead of
    listing the applications of the last 30 days. Recomputed by the refresh job for the job
    descriptions chosen by the applications of the change log's days, and for those whose
    last application was created on one of those days (a deleted application or choice)."""

    jobdescription_id = models.BigIntegerField(unique=True)
    last_applied_at = models.DateTimeField()
    last_day = models.DateField()  # Paris day of last_applied_at: the refresh finds them by it

    class Meta:
        indexes = [models.Index(fields=["last_day"], name="stats_jobactivity_day_idx")]


class DirtyPerson(Row):
    """The change log of the follow-up groups: a job seeker whose group changed (a member
    joined, left, changed organization; an organization moved or changed kind). Written by
    triggers, emptied by the refresh job; append-only like `DirtyDay`."""

    job_seeker_id = models.BigIntegerField()
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "personne à recalculer"


class FollowedPerson(Row):
    """A job seeker followed today (active membership of their follow-up group) by an
    organization of this department and kind: one row per distinct (person, department,
    organization type, kind). `department` and `region` are "" for an organization without
    commune (counted for France only)."""

    job_seeker_id = models.BigIntegerField()
    department = models.CharField(max_length=3, blank=True)
    region = models.CharField(max_length=3, blank=True)
    org_type = models.CharField(max_length=10)  # "company" or "prescriber"
    org_kind = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["job_seeker_id"], name="stats_followed_person_idx"),
            models.Index(fields=["department"], name="stats_followed_dep_idx"),
        ]


class FollowedCount(Row):
    """Distinct people of `FollowedPerson` per territory (`level`: "N" France, "R" a region,
    "D" a department; `code`) and organization kind ("" and "": any organization)."""

    level = models.CharField(max_length=1)
    code = models.CharField(max_length=3, blank=True)
    org_type = models.CharField(max_length=10, blank=True)
    org_kind = models.CharField(max_length=20, blank=True)
    count = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "code", "org_type", "org_kind"], name="stats_followedcount_key")
        ]


class HireFollowedDay(Row):
    """Hires (as in `DelayDay`, metric "hire") whose job seeker's follow-up group has today
    active members of at least two different organizations, per day of the application,
    day of the hire, territory and employer kind."""

    created_day = models.DateField()
    event_day = models.DateField()
    department = models.CharField(max_length=3, blank=True)
    company_kind = models.CharField(max_length=6)
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["created_day"], name="stats_hirefollowed_created_idx"),
            models.Index(fields=["event_day"], name="stats_hirefollowed_event_idx"),
            models.Index(fields=["department", "event_day"], name="stats_hirefollowed_dep_idx"),
        ]
