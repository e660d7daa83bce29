from django.urls import path

from itou.www.support import views

app_name = "support"

urlpatterns = [
    path("", views.new, name="new"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("mes-demandes/", views.mine, name="mine"),
    path("demande/<str:token>/", views.thread, name="thread"),
    path("piece-jointe/<uuid:message_id>/", views.attachment, name="attachment"),
]
