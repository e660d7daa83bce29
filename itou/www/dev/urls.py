from django.urls import path

from itou.www.dev import views

app_name = "dev"

urlpatterns = [
    path("emails/", views.mailbox, name="mailbox"),
    path("emails/<int:pk>/", views.email_detail, name="email_detail"),
]
