from django.urls import path

from kampungkb.analytics import views, views_manage, views_tpk

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("w/<str:kode>/", views.area_page, name="area"),
    path("w/<str:kode>/tren.json", views.trend_spec, name="trend_spec"),
    path("w/<str:kode>/peta.json", views.map_spec, name="map_spec"),
    path("w/<str:kode>/kkb.json", views.kampung_kb_spec, name="kampung_kb_spec"),
    path("w/<str:kode>/unduh.xlsx", views.area_xlsx, name="area_xlsx"),
    path("w/<str:kode>/tpk/", views_tpk.tpk_page, name="tpk"),
    path("w/<str:kode>/tpk/unduh.xlsx", views_tpk.tpk_xlsx, name="tpk_xlsx"),
    path("prioritas/", views.priority_start, name="priority_start"),
    path("prioritas/<str:kode>/", views.priority_page, name="priority"),
    path("prioritas/<str:kode>/skor.json", views.priority_spec, name="priority_spec"),
    path("prioritas/<str:kode>/aksi1.pdf", views.priority_pdf, name="priority_pdf"),
    path("prioritas/<str:kode>/aksi1.xlsx", views.priority_xlsx, name="priority_xlsx"),
    path("bobot/", views_manage.weights_edit, name="weights"),
    path("survei-target/", views_manage.references, name="references"),
    path("survei/baru/", views_manage.survey_add, name="survey_add"),
    path("survei/<int:pk>/hapus/", views_manage.survey_delete, name="survey_delete"),
    path("target/ubah/", views_manage.target_edit, name="target_edit"),
    path("publikasi/", views_manage.publications, name="publications"),
    path("publikasi/pratinjau/", views_manage.publication_preview, name="publication_preview"),
    path("publikasi/terbitkan/", views_manage.publish, name="publish"),
    path("publikasi/<int:pk>/", views_manage.publication_archive, name="publication"),
]
