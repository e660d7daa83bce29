from django.urls import path

from itou.www.members import views

app_name = "members"

urlpatterns = [
    path("", views.index, name="index"),
    path("inviter/", views.invite, name="invite"),
    path("<int:membership_pk>/administrateur/", views.promote, name="promote"),
    path("<int:membership_pk>/membre/", views.demote, name="demote"),
    path("<int:membership_pk>/retirer/", views.deactivate, name="deactivate"),
    path("demandes/<int:join_request_pk>/accepter/", views.join_request_accept, name="join_request_accept"),
    path("demandes/<int:join_request_pk>/refuser/", views.join_request_decline, name="join_request_decline"),
    path("invitations/<int:invitation_pk>/annuler/", views.invitation_cancel, name="invitation_cancel"),
]
