from django.urls import path

from itou.www.control import views

app_name = "control"

urlpatterns = [
    # SIAE
    path("", views.siae_list, name="siae_list"),
    path("structure/<int:pk>/", views.siae_detail, name="siae_detail"),
    path("structure/<int:pk>/transmettre/", views.submit, name="submit"),
    path("embauche/<int:pk>/criteres/", views.select_criteria, name="select_criteria"),
    path("critere/<int:pk>/justificatif/", views.upload, name="upload"),
    path("critere/<int:pk>/justificatif.pdf", views.proof, name="proof"),
    # DDETS
    path("ddets/", views.ddets_index, name="ddets_index"),
    path("ddets/campagne/<int:pk>/", views.ddets_campaign, name="ddets_campaign"),
    path("ddets/campagne/<int:pk>/export.csv", views.ddets_export, name="ddets_export"),
    path("ddets/structure/<int:pk>/", views.ddets_siae, name="ddets_siae"),
    path("ddets/structure/<int:pk>/valider/", views.ddets_validate, name="ddets_validate"),
    path("ddets/structure/<int:pk>/sanctions/", views.ddets_sanction, name="ddets_sanction"),
    path("ddets/critere/<int:pk>/controle/", views.ddets_review, name="ddets_review"),
    path("ddets/embauche/<int:pk>/commentaire/", views.ddets_comment, name="ddets_comment"),
    # Staff
    path("equipe/", views.staff_campaigns, name="staff_campaigns"),
]
