from django.urls import path

from kampungkb.families import views, views_krs
from kampungkb.families import views_import as imp
from kampungkb.families.rules import views as rules_views
from kampungkb.families.tpk import views as tpk
from kampungkb.families.tpk import views_teams as tpk_teams
from kampungkb.families.tpk.pregnancy import views as pregnancy
from kampungkb.families.tpk.scorecard import views as skor
from kampungkb.families.tpk.screening import views as catin

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="list"),
    path("<int:pk>/", views.family_detail, name="detail"),
    path("<int:pk>/alamat/", views.family_address, name="address"),
    path("aturan-krs/", rules_views.rule_set_list, name="rules"),
    path("aturan-krs/<int:pk>/", rules_views.rule_set_detail, name="rule_detail"),
    path("aturan-krs/<int:pk>/ubah/", rules_views.rule_set_edit, name="rule_edit"),
    path("krs/", views_krs.krs_start, name="krs_start"),
    path("krs/<str:kode>/", views_krs.krs_page, name="krs"),
    path("krs/<str:kode>/peta.json", views_krs.krs_map_spec, name="krs_map_spec"),
    path("krs/<str:kode>/krs.xlsx", views_krs.krs_xlsx, name="krs_xlsx"),
    path("krs/<str:kode>/krs.pdf", views_krs.krs_pdf, name="krs_pdf"),
    path("tpk/", tpk.home, name="tpk_home"),
    path("tpk/tim/<int:pk>/", tpk.team, name="tpk_team"),
    path("tpk/terlambat/", tpk.overdue, name="tpk_overdue"),
    path("tpk/sasaran/baru/", tpk.target_create, name="tpk_target_create"),
    path("tpk/sasaran/<int:pk>/", tpk.target, name="tpk_target"),
    path("tpk/sasaran/<int:pk>/kunjungan/", tpk.visit_create, name="tpk_visit_create"),
    path("impor/templat.xlsx", imp.import_template, name="import_template"),
    *imp.pages.urlpatterns("impor/"),
    path("tpk/sasaran/<int:pk>/persalinan/", tpk.delivery_create, name="tpk_delivery_create"),
    path("tpk/sasaran/<int:pk>/nikah/", tpk.marriage_create, name="tpk_marriage_create"),
    path("tpk/sasaran/<int:pk>/tim/", tpk_teams.target_team, name="tpk_target_team"),
    path("tpk/sasaran/<int:pk>/tutup/", tpk.target_close, name="tpk_target_close"),
    path("tpk/sasaran/<int:pk>/buka/", tpk.target_reopen, name="tpk_target_reopen"),
    path("tpk/tim/baru/", tpk_teams.team_create, name="tpk_team_create"),
    path("tpk/tim/<int:pk>/ubah/", tpk_teams.team_edit, name="tpk_team_edit"),
    path("tpk/tim/<int:pk>/terlambat/", tpk_teams.team_overdue, name="tpk_team_overdue"),
    path("tpk/ibu-hamil/", pregnancy.pregnant_list, name="tpk_pregnant_list"),
    path("tpk/sasaran/<int:pk>/anc/", pregnancy.anc_create, name="tpk_anc_create"),
    path("tpk/sasaran/<int:pk>/kb-pasca/", pregnancy.kb_create, name="tpk_kb_create"),
    path("tpk/sasaran/<int:pk>/nifas/", pregnancy.nifas_create, name="tpk_nifas_create"),
    path("tpk/anc/<int:pk>/ubah/", pregnancy.anc_edit, name="tpk_anc_edit"),
    path("tpk/anc/<int:pk>/hapus/", pregnancy.anc_delete, name="tpk_anc_delete"),
    path("tpk/kb-pasca/<int:pk>/ubah/", pregnancy.kb_edit, name="tpk_kb_edit"),
    path("tpk/kb-pasca/<int:pk>/hapus/", pregnancy.kb_delete, name="tpk_kb_delete"),
    path("tpk/nifas/<int:pk>/ubah/", pregnancy.nifas_edit, name="tpk_nifas_edit"),
    path("tpk/nifas/<int:pk>/hapus/", pregnancy.nifas_delete, name="tpk_nifas_delete"),
    path("tpk/skor/", skor.start, name="scorecard_start"),
    path("tpk/skor/wilayah/<str:kode>/", skor.area_page, name="scorecard_area"),
    path("tpk/skor/wilayah/<str:kode>/tingkat.xlsx", skor.area_xlsx, name="scorecard_area_xlsx"),
    path("tpk/skor/desa/<str:kode>/", skor.desa_page, name="scorecard_desa"),
    path("tpk/skor/desa/<str:kode>/isi/", skor.cell_enter, name="scorecard_cell"),
    path("tpk/skor/desa/<str:kode>/skor.xlsx", skor.desa_xlsx, name="scorecard_xlsx"),
    path("tpk/skor/desa/<str:kode>/skor.pdf", skor.desa_pdf, name="scorecard_pdf"),
    path("tpk/sasaran/<int:pk>/skrining/", catin.screening_create, name="catin_screening_create"),
    path("tpk/catin/", catin.catin_list, name="catin_list"),
    path("tpk/ambang-catin/", catin.thresholds, name="catin_thresholds"),
    path("tpk/ambang-catin/<int:pk>/ubah/", catin.threshold_edit, name="catin_threshold_edit"),
]
