"""France-scale dataset step for the exchanges (docs/echanges.md): follow-up groups, messages
on applications, support requests. Registered after the steps of bench/dataset.py (imported
at its end).

Set-based: every row is computed by PostgreSQL from the applications the earlier steps
wrote (INSERT … SELECT), with a deterministic pseudo-random draw per row (a hash of its
identifiers and of the seed), so the same seed gives the same rows:
- follow-up groups fill themselves as in the product: the prescriber who sent an
  application follows the person, and so does a member of the employer who hired them;
  memberships without activity for 12 months are ended ("inactive");
- about one application in eight has a thread of 1 to 6 messages between its sender and
  the employer (a fifth of the professionals' messages "between professionals");
- one support request per 2,500 applications, from professionals, most of them answered
  and closed within hours or days, with the user's message and the staff's reply.
"""

from bench.dataset import Generation, register_step

T_MEMBERSHIP = "followup_followupmembership"
T_MESSAGE = "exchanges_applicationmessage"
T_THREAD = "exchanges_threadstate"
T_MILESTONE = "followup_followupmilestone"
T_SUPPORT = "support_supportrequest"
T_SUPPORT_MESSAGE = "support_supportmessage"

# A draw in [0, 1) from a text key and the seed, the same on every run.
DRAW = "(('x' || substr(md5({key} || ':' || %(seed)s::text), 1, 8))::bit(32)::bigint / 4294967296.0)"

MEMBERSHIPS = f"""
WITH employer_member AS (
    SELECT DISTINCT ON (company_id) company_id, user_id
    FROM companies_companymembership WHERE is_active ORDER BY company_id, is_admin DESC, id
), links AS (
    SELECT ja.job_seeker_id, ja.sender_id AS member_id, NULL::bigint AS company_id,
        ja.sender_prescriber_organization_id AS prescriber_organization_id, ja.created_at AS at
    FROM job_applications_jobapplication ja
    WHERE ja.sender_kind = 'prescriber' AND ja.sender_id IS NOT NULL
    UNION ALL
    SELECT ja.job_seeker_id, m.user_id, ja.to_company_id, NULL, coalesce(ja.processed_at, ja.created_at)
    FROM job_applications_jobapplication ja
    JOIN employer_member m ON m.company_id = ja.to_company_id
    WHERE ja.state = 'accepted'
), grouped AS (
    SELECT job_seeker_id, member_id, min(company_id) AS company_id,
        min(prescriber_organization_id) AS prescriber_organization_id, min(at) AS started_at, max(at) AS last_at
    FROM links GROUP BY job_seeker_id, member_id
)
INSERT INTO {T_MEMBERSHIP} (role, is_active, started_at, last_activity_at, ended_at, end_reason,
    removal_requested_at, company_id, job_seeker_id, member_id, prescriber_organization_id)
SELECT
    CASE WHEN company_id IS NOT NULL THEN 'employer'
        ELSE (ARRAY['referent', 'referent', 'referent', 'social', 'employment', 'training', 'health', 'housing'])[
            1 + floor(8 * {DRAW.format(key="job_seeker_id::text || member_id::text")})::int]
    END,
    last_at >= %(now)s - interval '365 days',
    started_at, last_at,
    CASE WHEN last_at < %(now)s - interval '365 days' THEN last_at + interval '365 days' END,
    CASE WHEN last_at < %(now)s - interval '365 days' THEN 'inactive' ELSE '' END,
    NULL, company_id, job_seeker_id, member_id, prescriber_organization_id
FROM grouped
"""

MESSAGE_BODIES = [
    "Bonjour, pouvez-vous me dire où en est cette candidature ?",
    "Bonjour, nous avons bien reçu la candidature, un entretien est prévu la semaine prochaine.",
    "Merci pour votre retour. La personne est disponible dès lundi.",
    "Pouvez-vous nous transmettre un CV à jour ?",
    "L'entretien s'est bien passé, nous revenons vers vous rapidement.",
    "La personne a besoin d'un accompagnement pour la mobilité, pouvons-nous en parler ?",
    "Bien noté, je préviens la personne.",
    "Nous avons un poste qui correspond mieux à son projet, je vous propose d'en discuter.",
]

MESSAGES = f"""
WITH employer_member AS (
    SELECT DISTINCT ON (company_id) company_id, user_id
    FROM companies_companymembership WHERE is_active ORDER BY company_id, is_admin DESC, id
), threads AS (
    SELECT ja.id, ja.created_at, ja.to_company_id, ja.sender_kind, ja.sender_id, ja.job_seeker_id,
        ja.sender_prescriber_organization_id, m.user_id AS employer_user_id,
        1 + floor(6 * {DRAW.format(key="ja.id::text || 'n'")})::int AS messages
    FROM job_applications_jobapplication ja
    JOIN employer_member m ON m.company_id = ja.to_company_id
    WHERE ja.sender_kind IN ('prescriber', 'job_seeker') AND {DRAW.format(key="ja.id::text")} < 0.125
)
INSERT INTO {T_MESSAGE} (id, author_side, body, between_professionals, attachment, created_at, author_id,
    author_company_id, author_prescriber_organization_id, job_application_id)
SELECT
    md5(t.id::text || ':' || k)::uuid,
    CASE WHEN k %% 2 = 1 THEN (CASE WHEN t.sender_kind = 'job_seeker' THEN 'job_seeker' ELSE 'sender' END)
        ELSE 'employer' END,
    (%(bodies)s::text[])[1 + floor(cardinality(%(bodies)s::text[]) * {DRAW.format(key="t.id::text || k")})::int],
    t.sender_kind = 'prescriber' AND {DRAW.format(key="t.id::text || 'p' || k")} < 0.2,
    '',
    least(t.created_at + k * interval '26 hours', %(now)s),
    CASE WHEN k %% 2 = 1 THEN coalesce(t.sender_id, t.job_seeker_id) ELSE t.employer_user_id END,
    CASE WHEN k %% 2 = 0 THEN t.to_company_id END,
    CASE WHEN k %% 2 = 1 THEN t.sender_prescriber_organization_id END,
    t.id
FROM threads t
CROSS JOIN LATERAL generate_series(1, t.messages) k
"""

SUPPORT_CATEGORIES = ["account", "application", "eligibility", "pass", "organization", "other"]

SUPPORT = f"""
WITH professionals AS (
    SELECT id, email, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total
    FROM users_user WHERE kind = 'professional'
), requests AS (
    SELECT i,
        %(start)s + (%(now)s - %(start)s) * {DRAW.format(key="i::text || 't'")} AS created_at,
        {DRAW.format(key="i::text || 's'")} AS s,
        -- First answer after 10 minutes to ~6 days (most within a day), closing up to ~12 days later.
        interval '10 minutes' + interval '1 hour' * power(144, {DRAW.format(key="i::text || 'a'")}) AS answer,
        interval '1 hour' * power(300, {DRAW.format(key="i::text || 'c'")}) AS close,
        floor((SELECT max(total) FROM professionals) * {DRAW.format(key="i::text || 'u'")})::bigint AS user_n
    FROM generate_series(1, %(count)s) i
)
INSERT INTO {T_SUPPORT} (id, access_token, category, subject, status, email, user_role, organization_label,
    page, ip_address, created_at, updated_at, first_response_at, closed_at, approval_id, assigned_to_id,
    job_application_id, user_id)
SELECT
    md5('support:' || r.i)::uuid,
    md5('token:' || r.i || ':' || %(seed)s::text),
    (%(categories)s::text[])[1 + floor(cardinality(%(categories)s::text[]) * {DRAW.format(key="r.i::text || 'k'")})::int],
    'Question sur la plateforme',
    CASE WHEN r.created_at + r.answer > %(now)s OR r.s < 0.04 THEN 'new'
        WHEN r.created_at + r.answer + r.close > %(now)s OR r.s < 0.10 THEN 'waiting_for_user'
        ELSE 'closed' END,
    p.email, 'Professionnel', '', '/tableau-de-bord/', NULL, r.created_at, r.created_at,
    CASE WHEN NOT (r.created_at + r.answer > %(now)s OR r.s < 0.04) THEN r.created_at + r.answer END,
    CASE WHEN NOT (r.created_at + r.answer + r.close > %(now)s OR r.s < 0.10)
        THEN r.created_at + r.answer + r.close END,
    NULL, NULL, NULL, p.id
FROM requests r JOIN professionals p ON p.n = r.user_n
"""

SUPPORT_MESSAGES = f"""
INSERT INTO {T_SUPPORT_MESSAGE} (id, from_staff, internal_note, body, attachment, created_at, author_id, request_id)
SELECT md5(r.id::text || 'u')::uuid, false, false, 'Bonjour, je n''arrive pas à terminer ma démarche.', '',
    r.created_at, r.user_id, r.id
FROM {T_SUPPORT} r
UNION ALL
SELECT md5(r.id::text || 's')::uuid, true, false, 'Bonjour, voici comment faire : …', '', r.first_response_at,
    NULL, r.id
FROM {T_SUPPORT} r WHERE r.first_response_at IS NOT NULL
"""


@register_step("exchanges", T_MEMBERSHIP, T_MILESTONE, T_MESSAGE, T_THREAD, T_SUPPORT, T_SUPPORT_MESSAGE)
def generate_exchanges(g: Generation) -> None:
    g.cursor.execute("SELECT to_timestamp(%s), to_timestamp(%s)", [g.now, g.start])
    now, start = g.cursor.fetchone()
    params = {"seed": g.seed, "now": now, "start": start}
    for table, statement, extra in [
        (T_MEMBERSHIP, MEMBERSHIPS, {}),
        (T_MESSAGE, MESSAGES, {"bodies": MESSAGE_BODIES}),
        (T_SUPPORT, SUPPORT, {"categories": SUPPORT_CATEGORIES, "count": max(20, g.scale.applications // 2500)}),
        (T_SUPPORT_MESSAGE, SUPPORT_MESSAGES, {}),
    ]:
        g.cursor.execute(statement, {**params, **extra})
        g.report.table(table).rows += g.cursor.rowcount

    # The follow-up figures of the steering pages (docs/statistiques.md) from the groups just
    # written, by the SQL of `stats_rebuild --rollups`; their change log is emptied.
    from itou.stats.refresh import followup_statements

    for statement in followup_statements():
        g.cursor.execute(statement)
