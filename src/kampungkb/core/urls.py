from django.urls import path

from kampungkb.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_list, name="audit"),
    path("audit/unduh/", views.audit_export, name="audit_export"),
]
