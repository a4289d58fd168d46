from django.urls import path

from kampungkb.families import views_import as imp

app_name = "families"

urlpatterns = [
    path("impor/", imp.import_upload, name="import_upload"),
    path("impor/templat.xlsx", imp.import_template, name="import_template"),
    path("impor/hasil/<int:pk>/", imp.import_result, name="import_result"),
    path("impor/<str:sha>/", imp.import_preview, name="import_preview"),
    path("impor/<str:sha>/simpan/", imp.import_commit, name="import_commit"),
    path("impor/<str:sha>/ditolak.xlsx", imp.import_errors_xlsx, name="import_errors_xlsx"),
]
