"""The marketplace step of the France-scale dataset (docs/marche.md): a commercial profile
for each generated employer (10 k at France scale), 1 to 3 sectors each, most of them
published, their area a radius (most), their departments or all France.

Then `marketplace_needs`: buyer organizations (3 000 at France scale, public buyers and
companies) and their buyer accounts (5 000, one admin each, some waiting for an admin),
needs over the last two years in every state (20 000), the employers each need reached
(computed in SQL with the rules of itou.marketplace.matching.matching_profiles), their
answers, the winners of the needs closed as won, and a few lists of employers.

Imported at the end of bench/dataset.py, which registers the steps after the others."""

import dataclasses
import datetime
import math

from bench.dataset import (
    DAY,
    FRANCE,
    NULL,
    CompanyRow,
    Generation,
    Picker,
    copy_text,
    date_text,
    day_of,
    de,
    load_reference_data,
    register_step,
    ts,
)
from itou.companies.models import SIAE_CONVENTION_GRACE_PERIOD
from itou.companies.queries import SEARCHABLE_COMPANY_KINDS
from itou.demo.world import make_siret
from itou.geo.distance import EARTH_RADIUS_KM
from itou.marketplace.enums import AreaKind, BuyerKind, NeedKind, NeedOutcome, NeedStatus
from itou.marketplace.models import (
    BuyerList,
    BuyerListItem,
    BuyerMembership,
    BuyerOrganization,
    CommercialProfile,
    MarketplaceEvent,
    Need,
    NeedAttachment,
    NeedRecipient,
    Sector,
)
from itou.marketplace.sectors import read_sectors
from itou.users.enums import UserKind

T_PROFILE = CommercialProfile._meta.db_table
T_PROFILE_SECTORS = CommercialProfile.sectors.through._meta.db_table
T_SECTOR = Sector._meta.db_table

PUBLISHED_SHARE = 0.8
RADII_KM = (10, 20, 30, 50, 80, 100)
OFFERS = (
    "Prestations réalisées par des équipes en insertion, encadrées par des professionnels.",
    "Devis sous 48 heures, interventions ponctuelles ou contrats à l'année.",
    "Nous travaillons pour des collectivités, des bailleurs et des entreprises.",
)


def _sector_ids(g: Generation) -> list[int]:
    """The sectors of the reference list (loaded by the migration; again here if the table was emptied)."""
    g.cursor.execute(f"SELECT id FROM {T_SECTOR} ORDER BY id")
    ids = [row[0] for row in g.cursor.fetchall()]
    if not ids:
        for row in read_sectors():
            g.cursor.execute(
                f"INSERT INTO {T_SECTOR} (code, family, name) VALUES (%s, %s, %s) ON CONFLICT (code) DO NOTHING",
                [row["code"], row["family"], row["name"]],
            )
        g.cursor.execute(f"SELECT id FROM {T_SECTOR} ORDER BY id")
        ids = [row[0] for row in g.cursor.fetchall()]
    return ids


@register_step("marketplace", T_PROFILE, T_PROFILE_SECTORS)
def generate_marketplace(g: Generation) -> None:
    rng = g.rng("marketplace")
    sector_ids = _sector_ids(g)
    companies = g.companies
    first_id = g.reserve_ids(T_PROFILE, len(companies))
    links = []
    now = ts(g.now)

    def profile_lines():
        for i, company in enumerate(companies):
            profile_id = first_id + i
            for sector_id in rng.sample(sector_ids, rng.randint(1, 3)):
                links.append((profile_id, sector_id))
            draw = rng.random()
            if draw < 0.8:
                area, departments = "radius", "{}"
            elif draw < 0.95:
                area, departments = "departments", "{" + company.department + "}"
            else:
                area, departments = "france", "{}"
            published = "t" if rng.random() < PUBLISHED_SHARE else "f"
            mode = rng.choice(("instant", "instant", "digest", "paused"))
            yield (
                f"{profile_id}\t{company.id}\t{copy_text(rng.choice(OFFERS))}\t{area}\t{rng.choice(RADII_KM)}\t"
                f"{departments}\t{rng.randint(3, 250)}\t\t\t\tContact commercial\t"
                f"vente{company.id}@bench.example\t\t{'t' if rng.random() < 0.4 else 'f'}\t\t{published}\t{mode}\t"
                f"{now}\t{now}\n"
            )

    g.copy(
        T_PROFILE,
        [
            "id",
            "company_id",
            "offer",
            "area_kind",
            "radius_km",
            "departments",
            "staff_count",
            "turnover_band",
            "labels",
            "references",
            "contact_name",
            "contact_email",
            "contact_phone",
            "can_cocontract",
            "image",
            "is_published",
            "notification_mode",
            "created_at",
            "updated_at",
        ],
        profile_lines(),
        total=len(companies),
    )
    first_link = g.reserve_ids(T_PROFILE_SECTORS, len(links))
    g.copy(
        T_PROFILE_SECTORS,
        ["id", "commercialprofile_id", "sector_id"],
        (f"{first_link + i}\t{profile}\t{sector}\n" for i, (profile, sector) in enumerate(links)),
        total=len(links),
    )


# --- Buyers and their needs ---------------------------------------------------------------

T_BUYER_ORG = BuyerOrganization._meta.db_table
T_BUYER_MEMBERSHIP = BuyerMembership._meta.db_table
T_NEED = Need._meta.db_table
T_NEED_SECTORS = Need.sectors.through._meta.db_table
T_ATTACHMENT = NeedAttachment._meta.db_table
T_RECIPIENT = NeedRecipient._meta.db_table
T_LIST = BuyerList._meta.db_table
T_LIST_ITEM = BuyerListItem._meta.db_table
T_EVENT = MarketplaceEvent._meta.db_table
NEEDS_TABLES = (
    T_BUYER_ORG,
    T_BUYER_MEMBERSHIP,
    T_NEED,
    T_NEED_SECTORS,
    T_ATTACHMENT,
    T_RECIPIENT,
    T_LIST,
    T_LIST_ITEM,
    T_EVENT,
)

# At France scale (10 000 employers); other scales in proportion of their employers.
BUYER_ORGANIZATIONS = 3_000
BUYERS = 5_000
NEEDS = 20_000
NEEDS_YEARS = 2
PENDING_MEMBER_EVERY = 7  # one in 7 buyers who are not their organization's first waits for an admin
PUBLIC_SHARE = 0.6
REVIEW_WINDOW_DAYS = 14  # needs waiting for staff review were posted in the last days…
PENDING_REVIEW_SHARE = 0.002  # …this share of all needs (the first need of a new buyer is held)
REJECTED_SHARE = 0.01
CLOSED_SHARE = 0.85  # of the needs past their deadline (the others: not closed yet)
OUTCOMES = ((NeedOutcome.WON, 0.45), (NeedOutcome.OTHER_SUPPLIER, 0.30), (NeedOutcome.ABANDONED, 0.25))
# Answers of the employers told, once the need's deadline has passed (less before it).
INTERESTED_SHARE = 0.12
DECLINED_SHARE = 0.28
LIST_SHARE = 0.2  # of the organizations keep a list of employers

PUBLIC_NAMES = (
    "Mairie {de}",
    "Communauté d'agglomération {de}",
    "Centre hospitalier {de}",
    "Office public de l'habitat {de}",
    "Centre communal d'action sociale {de}",
    "Lycée professionnel {de}",
)
PRIVATE_NAMES = (
    "Groupe Services {name}",
    "{name} Industrie",
    "Transports {name}",
    "Clinique {de}",
    "Coopérative agricole {de}",
    "{name} Immobilier",
)
JOB_TITLES = ("Acheteur", "Acheteuse", "Responsable des achats", "Chargée de la commande publique", "Directeur RSE")
NEED_TITLES = (
    "{sector} : {place}",
    "{sector} pour nos sites {de}",
    "Marché de {lower} ({place})",
    "Recherche d'un partenaire en {lower} {de}",
)
NEED_DESCRIPTIONS = (
    "Prestation récurrente sur un an renouvelable, démarrage dans deux mois. Merci de préciser vos références.",
    "Besoin ponctuel, à réaliser avant la fin du trimestre. Une visite du site est possible sur rendez-vous.",
    "Lot réservé aux structures d'insertion et aux entreprises adaptées. Cahier des charges sur demande.",
)
INTERESTED_MESSAGES = (
    "Nous sommes disponibles et avons déjà réalisé des prestations similaires : devis sous 48 heures.",
    "Intéressés : nous pouvons mobiliser une équipe de quatre personnes encadrées.",
    "Nous pouvons répondre seuls ou en groupement avec une structure voisine.",
)
BUDGET_AMOUNTS = {  # budget band → range of the amount of a won need (€ HT)
    "unknown": (2_000, 60_000),
    "lt5k": (800, 5_000),
    "lt40k": (5_000, 40_000),
    "lt90k": (40_000, 90_000),
    "lt220k": (90_000, 220_000),
    "gt220k": (220_000, 900_000),
}
BUDGET_BANDS = ("unknown", "lt5k", "lt40k", "lt40k", "lt90k", "lt220k", "gt220k")
NEED_KINDS = (NeedKind.QUOTE, NeedKind.QUOTE, NeedKind.QUOTE, NeedKind.TENDER, NeedKind.PARTNER)


def _draw_outcome(draw: float) -> str:
    for outcome, share in OUTCOMES:
        if draw < share:
            return outcome.value
        draw -= share
    return OUTCOMES[-1][0].value


def needs_counts(g: Generation) -> tuple[int, int, int]:
    """(buyer organizations, buyers, needs) for the scale, in proportion of its employers."""
    ratio = g.scale.companies / FRANCE.companies
    organizations = max(3, round(BUYER_ORGANIZATIONS * ratio))
    buyers = max(organizations + 2, round(BUYERS * ratio))
    needs = max(24, round(NEEDS * ratio))
    return organizations, buyers, needs


@register_step("marketplace_needs", *NEEDS_TABLES)
def generate_marketplace_needs(g: Generation) -> None:
    rng = g.rng("marketplace_needs")
    communes = g.communes
    n_orgs, n_buyers, n_needs = needs_counts(g)
    start = g.now - int(NEEDS_YEARS * 365.25 * DAY)

    # Organizations: a commune weighted by population, a size (how many needs they post).
    org_first = g.reserve_ids(T_BUYER_ORG, n_orgs)
    orgs = []  # (id, commune index, created, weight)
    org_lines = []
    for i in range(n_orgs):
        commune = communes.pick(rng)
        created = start - 180 * DAY + int(rng.random() * (g.now - start))
        public = rng.random() < PUBLIC_SHARE
        place = communes.names[commune]
        template = rng.choice(PUBLIC_NAMES if public else PRIVATE_NAMES)
        name = template.format(de=de(place), name=place)
        base = (21_000_000 if public else 80_000_000) + i
        orgs.append((org_first + i, commune, created, rng.lognormvariate(0, 1.2)))
        kind = BuyerKind.PUBLIC.value if public else BuyerKind.PRIVATE.value
        org_lines.append(
            f"{org_first + i}\t{make_siret(f'{base:08d}')}\t{copy_text(name)}\t{kind}\t{communes.codes[commune]}\t"
            f"{NULL}\t{ts(created)}\n"
        )
    g.copy(T_BUYER_ORG, ["id", "siret", "name", "kind", "commune_id", "suspended_at", "created_at"], org_lines)

    # Buyers: the first of each organization is its admin; the others join later, some
    # still waiting for an admin's decision.
    member_of = [i % n_orgs if i < n_orgs else rng.randrange(n_orgs) for i in range(n_buyers)]
    joined = [orgs[o][2] + (0 if i < n_orgs else rng.randrange(DAY, 200 * DAY)) for i, o in enumerate(member_of)]
    joined = [min(moment, g.now - DAY) for moment in joined]
    user_ids = g.add_professionals("acheteur", joined, rng, kind=UserKind.BUYER.value)
    active_members: dict[int, list[int]] = {}
    membership_first = g.reserve_ids(T_BUYER_MEMBERSHIP, n_buyers)
    membership_lines = []
    for i, (o, user_id, moment) in enumerate(zip(member_of, user_ids, joined, strict=True)):
        admin = i < n_orgs
        active = admin or (i - n_orgs) % PENDING_MEMBER_EVERY != 0
        if active:
            active_members.setdefault(o, []).append(user_id)
        membership_lines.append(
            f"{membership_first + i}\t{'t' if admin else 'f'}\t{'t' if active else 'f'}\t{ts(moment)}\t"
            f"{orgs[o][0]}\t{user_id}\t{rng.choice(JOB_TITLES)}\n"
        )
    g.copy(
        T_BUYER_MEMBERSHIP,
        ["id", "is_admin", "is_active", "joined_at", "organization_id", "user_id", "job_title"],
        membership_lines,
    )

    # Needs: more and more over the two years; sectors drawn from the published profiles
    # (what buyers look for is what employers sell), the place near the organization.
    g.cursor.execute(
        f"SELECT ps.sector_id, s.name FROM {T_PROFILE_SECTORS} ps JOIN {T_PROFILE} p ON p.id = ps.commercialprofile_id"
        f" JOIN {T_SECTOR} s ON s.id = ps.sector_id WHERE p.is_published ORDER BY ps.id"
    )
    offered = g.cursor.fetchall() or [(sector_id, "") for sector_id in _sector_ids(g)]
    sector_names = dict(offered)
    sector_pool = [sector_id for sector_id, _name in offered]
    org_picker = Picker(list(range(n_orgs)), [org[3] for org in orgs])
    need_first = g.reserve_ids(T_NEED, n_needs)
    need_sectors = []
    today = g.today.toordinal()
    need_lines = []
    won = []
    # The first ones wait for review, the next ones were rejected (at least one of each).
    n_held = max(1, round(n_needs * PENDING_REVIEW_SHARE))
    n_rejected = max(1, round(n_needs * REJECTED_SHARE))
    for i in range(n_needs):
        need_id = need_first + i
        o = org_picker.pick(rng)
        org_id, org_commune, org_created, _weight = orgs[o]
        created = max(start + int((g.now - start) * math.sqrt(rng.random())), org_created + DAY)
        held = i < n_held
        if held:
            created = g.now - rng.randrange(3600, REVIEW_WINDOW_DAYS * DAY)
        created = min(created, g.now - 3600)
        if rng.random() < 0.7:
            commune = communes.pick(rng, communes.departments[org_commune])
        else:
            commune = communes.pick(rng)
        sectors = [rng.choice(sector_pool)]
        if rng.random() < 0.3:
            other = rng.choice(sector_pool)
            if other != sectors[0]:
                sectors.append(other)
        need_sectors.extend((need_id, sector_id) for sector_id in sectors)
        deadline = day_of(created) + rng.randint(10, 60)
        status, published, closed, outcome = NeedStatus.PUBLISHED.value, created + rng.randrange(60, 3600), None, ""
        if held:
            status, published = NeedStatus.PENDING_REVIEW.value, None
        elif i < n_held + n_rejected:
            status, published = NeedStatus.REJECTED.value, None
        elif deadline < today and rng.random() < CLOSED_SHARE:
            status = NeedStatus.CLOSED.value
            closed = min((deadline - day_of(0)) * DAY + rng.randrange(DAY, 30 * DAY), g.now - 60)
            outcome = _draw_outcome(rng.random())
        if outcome == NeedOutcome.WON:  # written with its winner, once the answers are drawn
            won.append(need_id)
            outcome = ""
        band = rng.choice(BUDGET_BANDS)
        amount = rng.randint(*BUDGET_AMOUNTS[band]) // 100 * 100 if won and won[-1] == need_id else None
        place = communes.names[commune]
        name = sector_names.get(sectors[0]) or "Prestation"
        title = rng.choice(NEED_TITLES).format(sector=name, lower=name.lower(), place=place, de=de(place))
        need_lines.append(
            f"{need_id}\t{org_id}\t{rng.choice(active_members[o])}\t{copy_text(title[:200])}\t"
            f"{rng.choice(NEED_KINDS).value}\t{communes.codes[commune]}\t{communes.departments[commune]}\t"
            f"{communes.latitudes[commune]}\t{communes.longitudes[commune]}\t{date_text(deadline)}\t"
            f"{rng.choice(NEED_DESCRIPTIONS)}\t{band}\t{status}\t{ts(created)}\t"
            f"{ts(published) if published else NULL}\t{ts(closed) if closed else NULL}\t{outcome}\t{NULL}\t"
            f"{NULL if amount is None else amount}\n"
        )
    g.copy(
        T_NEED,
        [
            "id",
            "buyer_id",
            "created_by_id",
            "title",
            "kind",
            "commune_id",
            "department_id",
            "latitude",
            "longitude",
            "deadline",
            "description",
            "budget_band",
            "status",
            "created_at",
            "published_at",
            "closed_at",
            "outcome",
            "winner_id",
            "amount",
        ],
        need_lines,
        total=n_needs,
    )
    link_first = g.reserve_ids(T_NEED_SECTORS, len(need_sectors))
    g.copy(
        T_NEED_SECTORS,
        ["id", "need_id", "sector_id"],
        (f"{link_first + i}\t{need}\t{sector}\n" for i, (need, sector) in enumerate(need_sectors)),
        total=len(need_sectors),
    )
    _recipients_and_answers(g, won)
    _buyer_lists(g, rng, orgs)


def _recipients_and_answers(g: Generation, won: list[int]) -> None:
    """The employers each published need reached, by the rules of matching_profiles (in
    one INSERT … SELECT: published profile of a searchable active employer, a sector in
    common, its area covering the place: all France, the need's department, or the place
    within its radius by the haversine of itou.geo.distance), then their answers (drawn by
    a hash of the pair: reproducible whatever the order of the rows), the winners.
    Published needs that reached nobody are dropped: the service refuses them."""
    cursor = g.cursor
    now = ts(g.now)
    grace_end = g.today - SIAE_CONVENTION_GRACE_PERIOD
    cursor.execute("DROP TABLE IF EXISTS bench_market_pairs")
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE bench_market_pairs ON COMMIT DROP AS
        SELECT DISTINCT n.id AS need_id, c.id AS company_id, p.notification_mode, n.published_at, n.status,
               least(n.deadline::timestamptz, %(now)s::timestamptz) AS answer_until
        FROM {T_NEED} n
        JOIN {T_NEED_SECTORS} ns ON ns.need_id = n.id
        JOIN {T_PROFILE_SECTORS} ps ON ps.sector_id = ns.sector_id
        JOIN {T_PROFILE} p ON p.id = ps.commercialprofile_id AND p.is_published
        JOIN companies_company c ON c.id = p.company_id
        WHERE n.published_at IS NOT NULL
          AND c.is_active AND c.kind = ANY(%(kinds)s)
          AND (c.convention_end_date IS NULL OR c.convention_end_date >= %(grace_end)s)
          AND (
            p.area_kind = %(france)s
            OR (p.area_kind = %(departments)s AND p.departments @> ARRAY[n.department_id]::varchar[])
            OR (p.area_kind = %(radius)s AND 2 * %(earth)s * asin(sqrt(least(1.0,
                  power(sin((radians(c.latitude) - radians(n.latitude)) / 2), 2)
                  + cos(radians(n.latitude)) * cos(radians(c.latitude))
                    * power(sin((radians(c.longitude) - radians(n.longitude)) / 2), 2)))) <= p.radius_km)
          )
        """,
        {
            "now": now,
            "kinds": list(SEARCHABLE_COMPANY_KINDS),
            "grace_end": grace_end,
            "france": AreaKind.FRANCE.value,
            "departments": AreaKind.DEPARTMENTS.value,
            "radius": AreaKind.RADIUS.value,
            "earth": EARTH_RADIUS_KM,
        },
    )
    unmatched = f"""SELECT id FROM {T_NEED} n WHERE published_at IS NOT NULL
        AND NOT EXISTS (SELECT FROM bench_market_pairs m WHERE m.need_id = n.id)"""
    cursor.execute(f"DELETE FROM {T_NEED_SECTORS} WHERE need_id IN ({unmatched})")
    g.report.table(T_NEED_SECTORS).rows -= cursor.rowcount
    cursor.execute(f"DELETE FROM {T_NEED} WHERE id IN ({unmatched})")
    g.report.table(T_NEED).rows -= cursor.rowcount
    cursor.execute("SELECT count(*) FROM bench_market_pairs")
    count = cursor.fetchone()[0]
    first = g.reserve_ids(T_RECIPIENT, count)
    # Two independent uniform draws in [0, 1) per pair, from the seed.
    u1 = "((hashtextextended(m.need_id || ':' || m.company_id, %(seed)s) & 1048575) / 1048576.0)"
    u2 = "((hashtextextended(m.company_id || ':' || m.need_id, %(seed)s) & 1048575) / 1048576.0)"
    # Share of the answering time elapsed (1 once the deadline passed or the need closed).
    elapsed = (
        "CASE WHEN m.status = 'closed' OR m.answer_until <= m.published_at THEN 1.0 ELSE least(1.0,"
        " extract(epoch FROM %(now)s::timestamptz - m.published_at)"
        " / extract(epoch FROM m.answer_until - m.published_at)) END"
    )
    cursor.execute(
        f"""
        INSERT INTO {T_RECIPIENT}
            (id, need_id, company_id, created_at, emailed_at, answer, message, answered_at, answered_by_id)
        SELECT %(first)s - 1 + row_number() OVER (ORDER BY m.need_id, m.company_id), m.need_id, m.company_id,
            m.published_at,
            CASE m.notification_mode
                WHEN 'instant' THEN m.published_at
                WHEN 'digest' THEN CASE WHEN date_trunc('day', m.published_at) + interval '31 hours'
                    <= %(now)s::timestamptz THEN date_trunc('day', m.published_at) + interval '31 hours' END
            END,
            a.answer,
            CASE WHEN a.answer = 'interested'
                THEN (%(messages)s::text[])[1 + (m.need_id + m.company_id) %% %(n_messages)s] ELSE '' END,
            CASE WHEN a.answer <> 'pending'
                THEN m.published_at + {u2} * (least(m.answer_until, %(now)s::timestamptz) - m.published_at) END,
            CASE WHEN a.answer <> 'pending' THEN (SELECT cm.user_id FROM companies_companymembership cm
                WHERE cm.company_id = m.company_id AND cm.is_active ORDER BY cm.is_admin DESC, cm.id LIMIT 1) END
        FROM bench_market_pairs m
        CROSS JOIN LATERAL (SELECT CASE
            WHEN {u1} < %(interested)s * {elapsed} THEN 'interested'
            WHEN {u1} < (%(interested)s + %(declined)s) * {elapsed} THEN 'declined'
            ELSE 'pending' END AS answer) a
        """,
        {
            "first": first,
            "now": now,
            "seed": g.seed,
            "messages": list(INTERESTED_MESSAGES),
            "n_messages": len(INTERESTED_MESSAGES),
            "interested": INTERESTED_SHARE,
            "declined": DECLINED_SHARE,
        },
    )
    g.report.table(T_RECIPIENT).rows += cursor.rowcount
    # A need closed as won went to an employer that said it was interested: the first
    # interested one by the draw, else the first told, which then said so.
    cursor.execute("DROP TABLE IF EXISTS bench_market_won")
    cursor.execute(
        "CREATE TEMPORARY TABLE bench_market_won ON COMMIT DROP AS SELECT unnest(%s::integer[]) AS need_id", [won]
    )
    first_pair = (
        f"SELECT DISTINCT ON (r.need_id) r.need_id, r.company_id FROM {T_RECIPIENT} r"
        " JOIN bench_market_won w ON w.need_id = r.need_id {where}"
        " ORDER BY r.need_id, hashtextextended(r.need_id || ':' || r.company_id, %(seed)s)"
    )
    cursor.execute(
        f"""UPDATE {T_RECIPIENT} r SET answer = 'interested', message = %(message)s,
            answered_at = n.published_at + interval '2 days',
            answered_by_id = (SELECT cm.user_id FROM companies_companymembership cm
                WHERE cm.company_id = r.company_id AND cm.is_active ORDER BY cm.is_admin DESC, cm.id LIMIT 1)
        FROM {T_NEED} n, ({first_pair.format(where=f"WHERE NOT EXISTS (SELECT FROM {T_RECIPIENT} i WHERE i.need_id = r.need_id AND i.answer = 'interested')")}) f
        WHERE n.id = r.need_id AND f.need_id = r.need_id AND f.company_id = r.company_id""",
        {"seed": g.seed, "message": INTERESTED_MESSAGES[0]},
    )
    cursor.execute(
        f"""UPDATE {T_NEED} n SET outcome = 'won', winner_id = f.company_id
        FROM ({first_pair.format(where="WHERE r.answer = 'interested'")}) f WHERE f.need_id = n.id""",
        {"seed": g.seed},
    )


def _buyer_lists(g: Generation, rng, orgs) -> None:
    """A list of 3 to 15 published employers for a share of the organizations."""
    g.cursor.execute(f"SELECT company_id FROM {T_PROFILE} WHERE is_published ORDER BY company_id")
    published = [row[0] for row in g.cursor.fetchall()]
    if not published:
        return
    chosen = [org for org in orgs if rng.random() < LIST_SHARE]
    list_first = g.reserve_ids(T_LIST, len(chosen))
    items = []
    lines = []
    for i, (org_id, _commune, created, _weight) in enumerate(chosen):
        moment = created + rng.randrange(DAY, 90 * DAY)
        lines.append(f"{list_first + i}\t{org_id}\tSélection {i + 1}\t{ts(min(moment, g.now))}\n")
        for company_id in rng.sample(published, min(len(published), rng.randint(3, 15))):
            items.append((list_first + i, company_id, ts(min(moment + DAY, g.now))))
    g.copy(T_LIST, ["id", "organization_id", "name", "created_at"], lines)
    item_first = g.reserve_ids(T_LIST_ITEM, len(items))
    g.copy(
        T_LIST_ITEM,
        ["id", "buyer_list_id", "company_id", "added_at"],
        (f"{item_first + i}\t{bl}\t{company}\t{moment}\n" for i, (bl, company, moment) in enumerate(items)),
        total=len(items),
    )


# --- On an existing database --------------------------------------------------------------


def fill_existing(connection, *, seed: int = 1, today=None, progress: bool = False, needs_only: bool = False) -> int:
    """The marketplace steps alone, on a database generated before they existed (a copy of
    bench_france): the employers are read back from the database, the marketplace tables
    emptied then filled in the caller's transaction. `needs_only`: keep the commercial
    profiles, redo the buyers and their needs. Returns the number of rows written. From a
    shell:

        DEBUG=1 .venv/bin/python manage.py shell -c "import psycopg; from bench import dataset, \\
        dataset_marketplace as m; url='postgresql://…/bench_xxx'; dataset.check_target_url(url); \\
        c=psycopg.connect(url); print(m.fill_existing(c, needs_only=True)); c.commit()"
    """
    g = Generation(connection, FRANCE, seed=seed, today=today or datetime.date.today(), progress=progress)
    g.freeze = False  # COPY FREEZE needs tables emptied in this transaction: not the users'
    tables = list(NEEDS_TABLES) if needs_only else [T_PROFILE, T_PROFILE_SECTORS, *NEEDS_TABLES]
    g.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses tables with pending checks
    g.cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    # The buyers of an earlier run (their emails would collide).
    g.cursor.execute(
        "DELETE FROM account_emailaddress WHERE user_id IN (SELECT id FROM users_user WHERE kind = %s"
        " AND email LIKE %s)",
        [UserKind.BUYER.value, "acheteur%@bench.inclusion.test"],
    )
    g.cursor.execute(
        "DELETE FROM users_user WHERE kind = %s AND email LIKE %s",
        [UserKind.BUYER.value, "acheteur%@bench.inclusion.test"],
    )
    g.cursor.execute(
        "SELECT c.id, c.kind, c.commune_id, m.department_id FROM companies_company c "
        "JOIN geo_commune m ON m.code = c.commune_id ORDER BY c.id"
    )
    g.companies = [CompanyRow(id, kind, commune, department, 1.0) for id, kind, commune, department in g.cursor]
    departments = {company.department for company in g.companies}
    if len(departments) == 1:  # a department or demo world: its communes only
        g.scale = dataclasses.replace(FRANCE, department=departments.pop(), companies=len(g.companies))
    else:
        g.scale = dataclasses.replace(FRANCE, companies=len(g.companies))
    load_reference_data(g)
    if not needs_only:
        generate_marketplace(g)
    generate_marketplace_needs(g)
    g.cursor.execute(f"ANALYZE {', '.join(tables)}")
    g.cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return sum(g.report.table(table).rows for table in tables)
