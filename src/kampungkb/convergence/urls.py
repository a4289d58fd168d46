from django.urls import path

from kampungkb.convergence import views
from kampungkb.convergence.review import views_rules

app_name = "convergence"

urlpatterns = [
    path("", views.home, name="home"),
    path("aksi/", views.action_year, name="action_year"),
    path("aksi/<int:tahun>/<int:pk>/", views.action_edit, name="action_edit"),
    path("aksi/rekam/<int:pk>/bukti/", views.evidence_upload, name="evidence_upload"),
    path("bukti/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("rencana/", views.plan_list, name="plan_list"),
    path("rencana/baru/", views.plan_create, name="plan_create"),
    path("rencana/ringkasan/", views.plan_summary, name="plan_summary"),
    path("rencana/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("rencana/<int:pk>/kegiatan/", views.activity_add, name="activity_add"),
    path("kegiatan/<int:pk>/realisasi/", views.realisation_add, name="realisation_add"),
    path("kader/", views.cadre_list, name="cadre_list"),
    path("kader/baru/", views.cadre_create, name="cadre_create"),
    path("kader/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("kader/<int:pk>/pelatihan/", views.training_add, name="training_add"),
    path("kader/<int:pk>/penugasan/", views.assignment_add, name="assignment_add"),
    path("pembinaan/", views.visit_list, name="visit_list"),
    path("pembinaan/baru/", views.visit_create, name="visit_create"),
    path("pembinaan/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("pembinaan/<int:pk>/tindak-lanjut/", views.followup_add, name="followup_add"),
    path("tindak-lanjut/<int:pk>/selesai/", views.followup_done, name="followup_done"),
    path("tindak-lanjut/terlambat/", views.followup_overdue, name="followup_overdue"),
    path("kampung/<int:pk>/indikator/", views.indicator_entry, name="indicator_entry"),
    path("kampung/<int:pk>/reviu/", views.kampung_review, name="kampung_review"),
    path("reviu/", views.review_year, name="review_year"),
    path("reviu/evaluasi/", views.evaluate, name="evaluate"),
    path("reviu/laporan.pdf", views.review_pdf, name="review_pdf"),
    path("reviu/laporan.xlsx", views.review_xlsx, name="review_xlsx"),
    path("aturan/", views_rules.rule_set_list, name="rule_set_list"),
    path("aturan/<int:pk>/", views_rules.rule_set_detail, name="rule_set_detail"),
    path("inovasi/", views.innovation_list, name="innovation_list"),
    path("inovasi/baru/", views.innovation_create, name="innovation_create"),
    path("target/", views.target, name="target"),
]
