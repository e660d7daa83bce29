"""The marketplace step of the France-scale dataset (docs/marche.md): a commercial profile
for each generated employer (10 k at France scale), 1 to 3 sectors each, most of them
published, their area a radius (most), their departments or all France.

Imported at the end of bench/dataset.py, which registers the step after the others."""

from bench.dataset import Generation, copy_text, register_step, ts
from itou.marketplace.models import CommercialProfile, Sector
from itou.marketplace.sectors import read_sectors

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


def fill_existing(connection, *, seed: int = 1, today=None, progress: bool = False) -> int:
    """Only this step, on a database generated before it existed (a copy of bench_france):
    the employers are read back from the database, the marketplace tables emptied then
    filled in the caller's transaction. Returns the number of profiles. From a shell:

        DEBUG=1 .venv/bin/python manage.py shell -c "import psycopg; from bench import dataset, \\
        dataset_marketplace as m; url='postgresql://…/bench_xxx'; dataset.check_target_url(url); \\
        c=psycopg.connect(url); print(m.fill_existing(c)); c.commit()"
    """
    import datetime

    from bench.dataset import FRANCE, CompanyRow

    g = Generation(connection, FRANCE, seed=seed, today=today or datetime.date.today(), progress=progress)
    g.cursor.execute(f"TRUNCATE {T_PROFILE}, {T_PROFILE_SECTORS} RESTART IDENTITY CASCADE")
    g.cursor.execute(
        "SELECT c.id, c.kind, c.commune_id, m.department_id FROM companies_company c "
        "JOIN geo_commune m ON m.code = c.commune_id ORDER BY c.id"
    )
    g.companies = [CompanyRow(id, kind, commune, department, 1.0) for id, kind, commune, department in g.cursor]
    generate_marketplace(g)
    return len(g.companies)
