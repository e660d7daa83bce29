from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from itou.www.api import views as api_views

admin.site.site_header = "Les emplois de l'inclusion — back-office"
admin.site.site_title = "Back-office"
admin.site.index_title = "Administration"
# The admin login goes through allauth, so that staff MFA applies there too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("itou.www.home.urls")),
    path("comptes/", include("itou.www.signup.urls")),
    path("comptes/", include("allauth.urls")),
    path("tableau-de-bord/", include("itou.www.dashboard.urls")),
    path("rechercher/", include("itou.www.search.urls")),
    path("structures/", include("itou.www.companies.urls")),
    path("membres/", include("itou.www.members.urls")),
    path("invitations/", include("itou.www.invitations.urls")),
    path("postuler/", include("itou.www.apply.urls")),
    path("candidatures/", include("itou.www.applications.urls")),
    path("eligibilite/", include("itou.www.eligibility.urls")),
    path("pass-iae/", include("itou.www.approvals.urls")),
    path("fiches-salarie/", include("itou.www.employee_records.urls")),
    path("controle/", include("itou.www.control.urls")),
    path("activite/", include("itou.www.activity.urls")),
    path("aide/", include("itou.www.help.urls")),
    path("support/", include("itou.www.support.urls")),
    path("suivi/", include("itou.www.followup.urls")),
    path("autocomplete/", include("itou.www.autocomplete.urls")),
    path("dev/", include("itou.www.dev.urls")),
    path("api/v1/docs/", api_views.documentation, name="api_docs"),
    path("api/jetons/", include("itou.www.api.urls")),
    path("api/v1/", include("itou.api.urls")),
    path("admin/", admin.site.urls),
    path("statistiques/", include("itou.www.stats.urls")),
    path("marche/", include("itou.www.marketplace.urls")),
]

handler404 = "itou.www.home.views.page_not_found"
handler500 = "itou.www.home.views.server_error"
handler403 = "itou.www.home.views.permission_denied"
handler400 = "itou.www.home.views.bad_request"
