from django.urls import path

from kampungkb.convergence import views
from kampungkb.convergence.actions import views as actions
from kampungkb.convergence.cadres import views as cadres
from kampungkb.convergence.cadres import views_tpk as cadres_tpk
from kampungkb.convergence.coaching import views as coaching
from kampungkb.convergence.innovations import views as innovations
from kampungkb.convergence.plans import views as plans
from kampungkb.convergence.review import views as review
from kampungkb.convergence.review import views_rules

app_name = "convergence"

urlpatterns = [
    path("", views.home, name="home"),
    path("aksi/", actions.action_year, name="action_year"),
    path("aksi/<int:tahun>/<int:pk>/", actions.action_edit, name="action_edit"),
    path("aksi/rekam/<int:pk>/bukti/", actions.evidence_upload, name="evidence_upload"),
    path("bukti/<int:pk>/", actions.evidence_download, name="evidence_download"),
    path("rencana/", plans.plan_list, name="plan_list"),
    path("rencana/baru/", plans.plan_create, name="plan_create"),
    path("rencana/ringkasan/", plans.plan_summary, name="plan_summary"),
    path("rencana/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("rencana/<int:pk>/kegiatan/", plans.activity_add, name="activity_add"),
    path("kegiatan/<int:pk>/realisasi/", plans.realisation_add, name="realisation_add"),
    path("realisasi/<int:pk>/koreksi/", plans.realisation_edit, name="realisation_edit"),
    path("realisasi/<int:pk>/hapus/", plans.realisation_delete, name="realisation_delete"),
    path("kader/", cadres.cadre_list, name="cadre_list"),
    path("kader/baru/", cadres.cadre_create, name="cadre_create"),
    path("kader/<int:pk>/", cadres.cadre_detail, name="cadre_detail"),
    path("kader/<int:pk>/pelatihan/", cadres.training_add, name="training_add"),
    path("kader/<int:pk>/penugasan/", cadres.assignment_add, name="assignment_add"),
    path("tim-tpk/<int:pk>/anggota/", cadres_tpk.tpk_members, name="tpk_members"),
    path("pembinaan/", coaching.visit_list, name="visit_list"),
    path("pembinaan/baru/", coaching.visit_create, name="visit_create"),
    path("pembinaan/<int:pk>/", coaching.visit_detail, name="visit_detail"),
    path("pembinaan/<int:pk>/tindak-lanjut/", coaching.followup_add, name="followup_add"),
    path("tindak-lanjut/<int:pk>/selesai/", coaching.followup_done, name="followup_done"),
    path("tindak-lanjut/terlambat/", coaching.followup_overdue, name="followup_overdue"),
    path("kampung/<int:pk>/indikator/", review.indicator_entry, name="indicator_entry"),
    path("kampung/<int:pk>/reviu/", review.kampung_kb_review, name="kampung_kb_review"),
    path("kampung/<int:pk>/rapor.pdf", review.rapor_pdf, name="kampung_kb_rapor_pdf"),
    path("reviu/", review.review_year, name="review_year"),
    path("reviu/kartu/", review.scorecard_page, name="review_scorecard"),
    path("reviu/kartu/grafik.json", review.scorecard_chart_spec, name="review_chart_spec"),
    path("reviu/evaluasi/", review.evaluate, name="evaluate"),
    path("reviu/laporan.pdf", review.review_pdf, name="review_pdf"),
    path("reviu/laporan.xlsx", review.review_xlsx, name="review_xlsx"),
    path("aturan/", views_rules.rule_set_list, name="rule_set_list"),
    path("aturan/<int:pk>/", views_rules.rule_set_detail, name="rule_set_detail"),
    path("inovasi/", innovations.innovation_list, name="innovation_list"),
    path("inovasi/baru/", innovations.innovation_create, name="innovation_create"),
    path("target/", review.target, name="target"),
]
