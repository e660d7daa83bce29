from django.urls import path

from itou.www.followup import views

app_name = "followup"

urlpatterns = [
    path("rejoindre/", views.join, name="join"),
    path("mon-accompagnement/", views.mine, name="mine"),
    path("mon-accompagnement/<int:membership_pk>/retrait/", views.request_removal, name="request_removal"),
    path("personne/<int:job_seeker_pk>/", views.group, name="group"),
    path("personne/<int:job_seeker_pk>/quitter/", views.leave, name="leave"),
]
