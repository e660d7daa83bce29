from django.urls import path

from itou.www.signup import oidc_views, views

app_name = "signup"

urlpatterns = [
    path("inscription/", views.choose_kind, name="choose_kind"),
    # Employers
    path("inscription/employeur/", views.employer_siret, name="employer_siret"),
    path(
        "inscription/employeur/<int:company_pk>/envoyer-le-lien/", views.employer_send_link, name="employer_send_link"
    ),
    path("inscription/employeur/lien-envoye/", views.employer_link_sent, name="employer_link_sent"),
    path("inscription/employeur/lien/<str:token>/", views.employer_link, name="employer_link"),
    path("inscription/employeur/support/", views.employer_support, name="employer_support"),
    path("inscription/employeur/support/envoye/", views.employer_support_sent, name="employer_support_sent"),
    # Prescribers
    path("inscription/prescripteur/", views.prescriber_siret, name="prescriber_siret"),
    path("inscription/prescripteur/<int:organization_pk>/rejoindre/", views.prescriber_join, name="prescriber_join"),
    path("inscription/prescripteur/creer/", views.prescriber_create, name="prescriber_create"),
    # ProConnect and FranceConnect: allauth's callback URL, shadowed (itou/users/oidc.py).
    path("oidc/<str:provider_id>/login/callback/", oidc_views.callback, name="oidc_callback"),
    path("oidc/relier/", oidc_views.link, name="oidc_link"),
]
