from django.urls import include, path

from kampungkb.growth import views, views_duplicates
from kampungkb.growth.kbm import views as kbm_views

app_name = "growth"

SESSION = "sesi/<int:posyandu>/<str:tanggal>/"

urlpatterns = [
    path("", views.child_list, name="child_list"),
    path("anak/<int:pk>/", views.child_detail, name="child_detail"),
    path("anak/<int:pk>/ubah/", views.child_edit, name="child_edit"),
    path("anak/<int:pk>/gabungkan/", views_duplicates.child_merge, name="child_merge"),
    path("anak/<int:pk>/hapus/", views_duplicates.child_delete, name="child_delete"),
    path("pengukuran/<int:pk>/ubah/", views.measurement_edit, name="measurement_edit"),
    path("pengukuran/<int:pk>/hapus/", views.measurement_delete, name="measurement_delete"),
    path("pengukuran/<int:pk>/benar/", views.measurement_confirm, name="measurement_confirm"),
    path("perlu-dicek/", views.check_list, name="check_list"),
    path("sesi/", views.session_start, name="session_start"),
    path(SESSION, views.session, name="session"),
    path(SESSION + "cari/", views.session_search, name="session_search"),
    path(SESSION + "anak-baru/", views.session_register, name="session_register"),
    path(SESSION + "ukur/<int:child>/", views.session_measure, name="session_measure"),
    path("kbm/", kbm_views.kbm_tables_page, name="kbm_tables"),
    path("kbm/<int:pk>/jadikan-bawaan/", kbm_views.kbm_default_choose, name="kbm_default_choose"),
    path("impor/", include("kampungkb.growth.urls_import")),
    path("", include("kampungkb.growth.urls_charts")),
]
