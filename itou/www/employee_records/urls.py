from django.urls import path

from itou.www.employee_records import views

app_name = "employee_records"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("creer/<int:hire_pk>/", views.create, name="create"),
    path("<int:pk>/etape-<int:step>/", views.step, name="step"),
    path("<int:pk>/desactiver/", views.disable, name="disable"),
    path("<int:pk>/reactiver/", views.enable, name="enable"),
]
