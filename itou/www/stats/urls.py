from django.urls import path

from itou.www.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.public, name="public"),
    path("statistiques.csv", views.public_csv, name="public_csv"),
    path("pilotage/", views.steering, name="steering_index"),
    path("pilotage/candidatures-<str:fmt>/", views.applications_export, name="applications_export"),
    path("pilotage/<slug:section>/", views.steering, name="steering"),
    path("pilotage/<slug:section>/<slug:key>.<str:fmt>", views.steering_export, name="steering_export"),
]
