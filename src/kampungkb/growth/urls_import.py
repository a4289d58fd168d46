from django.urls import path

from kampungkb.growth import views_import as views
from kampungkb.growth.jobs import views as job_views

SHA = "<str:sha>/"

urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    path("ekspor/", views.export_page, name="export_xlsx"),
    path("tugas/<int:pk>/", job_views.job_page, name="job"),
    path("tugas/<int:pk>/unduh/", job_views.job_download, name="job_download"),
    path("hasil/<int:pk>/", views.import_result, name="import_result"),
    path("alias-posyandu/", views.posyandu_aliases, name="posyandu_aliases"),
    path(
        "alias-posyandu/<int:pk>/hapus/",
        views.posyandu_alias_remove,
        name="posyandu_alias_delete",
    ),
    path(SHA, views.import_preview, name="import_preview"),
    path(SHA + "posyandu/", views.import_posyandu_map, name="import_posyandu_map"),
    path(SHA + "simpan/", views.import_commit, name="import_commit"),
    path(SHA + "ditolak.xlsx", views.import_errors_xlsx, name="import_errors_xlsx"),
]
