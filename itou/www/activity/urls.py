from django.urls import path

from itou.www.activity import views

app_name = "activity"

urlpatterns = [
    path("fin-de-contrat/<uuid:pk>/", views.contract_end, name="contract_end"),
    path("rapport/", views.report_index, name="report_index"),
    path("rapport/<int:year>/", views.report, name="report"),
    path("rapport/<int:year>/rapport-activite.pdf", views.report_pdf, name="report_pdf"),
    path("rapport/<int:year>/rapport-activite.xlsx", views.report_xlsx, name="report_xlsx"),
    path("ddets/rapports/<int:year>/", views.ddets_reports, name="ddets_reports"),
]
