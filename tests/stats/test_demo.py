"""The demo DDETS sees its department's figures, the demo ACI its own."""

import datetime
import zoneinfo

import time_machine
from django.urls import reverse

from itou.demo.world import load_demo
from itou.job_applications.models import JobApplication
from itou.users.models import User
from tests.demo.conftest import demo_communes  # noqa: F401 (fixture)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@time_machine.travel("2026-06-15 10:00 +0200", tick=False)
def test_demo_steering(demo_communes, client):  # noqa: F811
    load_demo()
    client.force_login(User.objects.get(email="inspecteur.ddets@inclusion-demo.fr"))
    html = client.get(reverse("stats:steering", args=["candidatures"])).content.decode()
    this_year = JobApplication.objects.filter(created_at__gte=datetime.datetime(2026, 1, 1, tzinfo=PARIS))
    in_rhone = this_year.filter(to_company__commune__department_id="69").count()
    assert in_rhone >= 5
    # The default period: the current year.
    assert f'data-figure="received">{in_rhone}<' in html

    aci_admin = User.objects.get(email="employeur.aci@inclusion-demo.fr")
    client.force_login(aci_admin)
    html = client.get(reverse("stats:steering", args=["candidatures"])).content.decode()
    company = aci_admin.company_memberships.get().company
    mine = this_year.filter(to_company__in=[company, *company.antennes.all()]).count()
    assert f'data-figure="received">{mine}<' in html
