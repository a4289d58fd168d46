from django.urls import path

from kampungkb.growth import views_import as views
from kampungkb.growth.jobs import views as job_views

urlpatterns = [
    # Before the import pages, whose "<sha>/" would take "ekspor/" and "alias-posyandu/" too.
    path("ekspor/", views.export_page, name="export_xlsx"),
    path("tugas/<int:pk>/", job_views.job_page, name="job"),
    path("tugas/<int:pk>/unduh/", job_views.job_download, name="job_download"),
    path("alias-posyandu/", views.posyandu_aliases, name="posyandu_aliases"),
    path(
        "alias-posyandu/<int:pk>/hapus/",
        views.posyandu_alias_remove,
        name="posyandu_alias_delete",
    ),
    path("<str:sha>/posyandu/", views.import_posyandu_map, name="import_posyandu_map"),
    *views.pages.urlpatterns(),
]
