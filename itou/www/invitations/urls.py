from django.urls import path

from itou.www.invitations import views

app_name = "invitations"

urlpatterns = [
    path("<str:token>/", views.accept, name="accept"),
]
