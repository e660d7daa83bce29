from django.urls import path

from itou.www.applications import exchanges, views

app_name = "applications"

urlpatterns = [
    path("recues/", views.company_list, name="company_list"),
    path("recues/archives/", views.company_archive, name="company_archive"),
    path("recues/action-groupee/", views.company_batch, name="company_batch"),
    path("recues/notifications/", views.notification_settings, name="notification_settings"),
    path("envoyees/", views.prescriber_list, name="prescriber_list"),
    path("mes-candidatures/", views.job_seeker_list, name="job_seeker_list"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/cv/", views.resume, name="resume"),
    path("<uuid:pk>/commentaires/", views.add_comment, name="add_comment"),
    path("<uuid:pk>/messages/", exchanges.post_message, name="post_message"),
    path("<uuid:pk>/messages/<uuid:message_pk>/piece-jointe/", exchanges.attachment, name="message_attachment"),
    path("<uuid:pk>/<slug:slug>/", views.action, name="action"),
]
