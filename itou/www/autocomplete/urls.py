from django.urls import path

from itou.www.autocomplete import views

app_name = "autocomplete"

urlpatterns = [
    path("communes/", views.communes, name="communes"),
    path("appellations/", views.appellations, name="appellations"),
]
