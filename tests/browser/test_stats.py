"""The steering pages in a browser: one figure of each page equals a direct SQL count,
every page passes axe; the public page without login."""

import datetime

from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from itou.geo.models import Department
from itou.stats import refresh
from tests.browser.test_process_application import log_in
from tests.institutions.factories import InstitutionFactory
from tests.stats.dataset import make_world


def sql(query, params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def test_ddets_pages_match_sql(ui):
    now = timezone.now()
    make_world(now=now)
    refresh.rebuild()
    institution = InstitutionFactory(department=Department.objects.get(code="69"), with_member=True)
    email = institution.memberships.get().user.email
    start, end = timezone.localdate() - datetime.timedelta(days=200), timezone.localdate()
    period = f"?period=custom&start={start}&end={end}"
    bounds = [f"{start} 00:00 Europe/Paris", f"{end + datetime.timedelta(days=1)} 00:00 Europe/Paris"]
    rhone = """
        FROM job_applications_jobapplication ja
        JOIN companies_company c ON c.id = ja.to_company_id
        JOIN geo_commune com ON com.code = c.commune_id AND com.department_id = '69'
    """
    expected = {
        "candidatures": (
            "received",
            sql(f"SELECT count(*) {rhone} WHERE ja.created_at >= %s AND ja.created_at < %s", bounds),
        ),
        "delais": (
            "delay_answer",
            sql(
                f"""SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY d) FROM (
                    SELECT floor(extract(epoch FROM min(l.timestamp) - ja.created_at) / 86400)::int AS d {rhone}
                    JOIN job_applications_jobapplicationtransitionlog l
                        ON l.job_application_id = ja.id AND l.to_state IN ('accepted', 'refused')
                    GROUP BY ja.id HAVING min(l.timestamp) >= %s AND min(l.timestamp) < %s) x""",
                bounds,
            ),
        ),
        "embauches": (
            "hires",
            sql(
                f"""SELECT count(*) FROM (SELECT ja.id {rhone}
                    JOIN job_applications_jobapplicationtransitionlog l
                        ON l.job_application_id = ja.id AND l.to_state = 'accepted'
                    WHERE ja.state = 'accepted' GROUP BY ja.id
                    HAVING max(l.timestamp) >= %s AND max(l.timestamp) < %s) x""",
                bounds,
            ),
        ),
        "employeurs": (
            "employers_active",
            sql(
                """SELECT count(*) FROM companies_company c JOIN geo_commune com ON com.code = c.commune_id
                   WHERE com.department_id = %s AND c.is_active AND EXISTS (
                       SELECT 1 FROM companies_companymembership m WHERE m.company_id = c.id AND m.is_active)""",
                ["69"],
            ),
        ),
        "prescripteurs": (
            "orientations",
            sql(
                f"SELECT count(*) {rhone} WHERE ja.sender_kind = 'prescriber' AND ja.created_at >= %s AND ja.created_at < %s",
                bounds,
            ),
        ),
    }
    page = log_in(ui, email)
    page.get_by_role("link", name="Pilotage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage : Rhône (69)")
    for section, (figure, value) in expected.items():
        page = ui.goto(f"/statistiques/pilotage/{section}/{period}")
        headline = page.locator(f'[data-figure="{figure}"]')
        if figure == "delay_answer":
            expect(headline).to_contain_text(f"médiane {value} j")
        else:
            # Under 5, the State sees "< 5" (small-count suppression).
            expect(headline).to_have_text(str(value) if value >= 5 or value == 0 else "< 5")
        ui.check()


def test_public_page_matches_sql(ui):
    now = timezone.now()
    make_world(now=now)
    refresh.rebuild()
    page = ui.goto("/")
    page.get_by_role("link", name="Statistiques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques")
    ui.check()
    page.get_by_label("Territoire", exact=True).select_option("69")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("Rhône (69)").first).to_be_visible()
    month = timezone.localdate().replace(day=1)
    count = sql(
        """SELECT count(*) FROM job_applications_jobapplication ja
           JOIN companies_company c ON c.id = ja.to_company_id
           JOIN geo_commune com ON com.code = c.commune_id AND com.department_id = '69'
           WHERE ja.created_at >= %s""",
        [f"{month} 00:00 Europe/Paris"],
    )
    row = page.locator("tbody tr").last
    expect(row.locator("td").first).to_have_text(str(count) if count >= 5 or count == 0 else "< 5")
    ui.check()
