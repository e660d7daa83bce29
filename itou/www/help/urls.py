from django.urls import path

from itou.www.help import views

app_name = "help"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/avis/", views.feedback, name="feedback"),
]
