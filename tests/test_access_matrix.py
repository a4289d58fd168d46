"""Every named route, requested by each role with GET and POST, with ids and codes from inside
and outside the user's area.

The routes come from Django's URL resolver, so a new page cannot go unchecked: a route without
an entry in ``EXPECTED`` fails ``test_every_route_has_an_expectation``, and an entry whose
route is gone fails ``test_every_expectation_has_a_route``.

Expected: 200 where the role may see it (400 for a POST it may make with data the form
refuses), 302 after a successful POST, 403 where the role may never do it, 404 where the object
lies outside the user's area (so its existence is not revealed), 405 for a method the route
does not take, and 302 to the login page when anonymous (except the login page, the public
site and Django's language switch).

A route whose arguments name an object or a wilayah code is requested twice: with the objects
of Kurnia Jaya (``own``: inside every role's area) and of Batu Penyu in Gantung (``other``:
outside the kecamatan and desa operators' areas, inside the kabupaten-wide roles' area).
"""

import contextlib
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import altair
import pytest
import vl_convert
import weasyprint
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from kampungkb.analytics.models import PeriodType
from kampungkb.analytics.reference import national_targets_load
from kampungkb.analytics.services import (
    publication_publish,
    summaries_rebuild,
    survey_figure_save,
)
from kampungkb.convergence.actions.selectors import framework_for_year
from kampungkb.convergence.actions.services import action_record_save, evidence_add
from kampungkb.convergence.cadres.services import cadre_save, training_add
from kampungkb.convergence.coaching.services import visit_record
from kampungkb.convergence.models import (
    ActionDefinition,
    CoachingVisit,
    IndicatorDefinition,
    Opd,
    ProgrammeArea,
    RuleSet,
)
from kampungkb.convergence.plans.services import activity_add, plan_create, realisation_add
from kampungkb.convergence.reference import reference_load
from kampungkb.convergence.review.rule_sets import RuleSetForm
from kampungkb.families.importing.commit import families_import
from kampungkb.families.models import KrsRuleSet
from kampungkb.families.rules.forms import KrsRuleSetForm
from kampungkb.families.tpk.pregnancy.services import (
    anc_contact_record,
    kb_pasca_record,
    nifas_visit_record,
)
from kampungkb.families.tpk.screening.forms import ThresholdSetForm
from kampungkb.families.tpk.screening.reference import default_thresholds_load
from kampungkb.growth import charts as growth_charts
from kampungkb.growth.importing.aliases import posyandu_alias_save
from kampungkb.growth.importing.commit import PosyanduChoices, measurements_import
from kampungkb.growth.importing.uploads import upload_store
from kampungkb.growth.jobs.services import measurements_export_request
from kampungkb.growth.jobs.tasks import file_job_start
from kampungkb.growth.models import KBMTable
from kampungkb.wilayah.models import Wilayah
from tests import factories
from tests.conftest import BATU_PENYU, GANTUNG, KURNIA_JAYA, LALANG_JAYA, MANGGAR
from tests.families.import_files import family_rows, write_xlsx
from tests.families.tpk import factories as tpk_factories
from tests.growth.conftest import EppgbmFiles

ROLES = ("anonymous", "admin", "kecamatan", "desa", "mitra", "viewer")
AREAS = {"own": KURNIA_JAYA, "other": BATU_PENYU}
SIGNATORY = "Penandatangan Sintetis"
LOGIN = reverse("accounts:login")

# Django's own routes, checked by Django: the language switch (any visitor may POST to it) and
# the admin site (superusers only: ``test_superuser_may_use_django_admin``). There is no static
# route to skip: WhiteNoise serves the static files before URL resolution.
NOT_OURS_NAMES = {"set_language"}
NOT_OURS_NAMESPACES = {"admin"}


# --- the routes ---------------------------------------------------------------------------


def _walk(resolver, namespace="", prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace in NOT_OURS_NAMESPACES:
                continue
            inner = ":".join(n for n in (namespace, p.namespace) if n)
            yield from _walk(p, inner, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            if p.name in NOT_OURS_NAMES:
                continue
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern)


def routes() -> dict[str | None, list[str]]:
    """{name: [route, ...]} of every URL pattern of ours; unnamed ones under ``None``."""
    found: dict[str | None, list[str]] = {}
    for name, route in _walk(get_resolver()):
        found.setdefault(name, []).append(route)
    return found


# --- how each route is requested ----------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """How to request a route: its URL arguments and POST data, from the objects of an area
    (``per_area``: requested with own and other) or of the district."""

    args: Any = None  # objects -> list of URL arguments
    data: Any = None  # objects -> POST data
    query: Any = ""  # a query string, or objects -> a query string
    per_area: bool = False

    def url(self, name: str, objects) -> str:
        """The URL of route ``name`` with the arguments and the query of ``objects``."""
        query = self.query(objects) if callable(self.query) else self.query
        return reverse(name, args=self.args(objects) if self.args else None) + query

    def keys(self, name: str) -> list[str]:
        """The entries of EXPECTED this route needs."""
        post = ("own", "other") if self.per_area else ("",)
        get = post if self.args is not None else ("",)
        return [
            " ".join(filter(None, (name, method, where)))
            for method, wheres in (("GET", get), ("POST", post))
            for where in wheres
        ]


def area(args=None, data=None, query="") -> Ask:
    return Ask(args=args, data=data, query=query, per_area=True)


def district(args=None, data=None, query="") -> Ask:
    return Ask(args=args, data=data, query=query, per_area=False)


def _kampung_form(kode):
    return {
        "desa": kode,
        "nama": f"Kampung KB Uji {kode}",
        "pokja-TOTAL_FORMS": "1",
        "pokja-INITIAL_FORMS": "0",
        "pokja-0-nama": "Ketua Sintetis",
        "pokja-0-jabatan": "ketua",
        "groups-TOTAL_FORMS": "0",
        "groups-INITIAL_FORMS": "0",
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
        "funding-TOTAL_FORMS": "0",
        "funding-INITIAL_FORMS": "0",
    }


def _child_form(o):
    return {
        "nama": "Anak Sintetis Baru",
        "jenis_kelamin": "P",
        "tanggal_lahir": (o.today - datetime.timedelta(days=200)).isoformat(),
        "nama_ibu": "Ibu Sintetis Baru",
    }


def _measurement_form(o):
    return {"berat": "8,2", "tinggi": "70,5", "cara_ukur": "PB"}


def _upload(o):
    return {"file": SimpleUploadedFile("eppgbm.xlsx", o.upload)}


def _krs_rule_form(o):
    form = KrsRuleSetForm(rule_set=o.krs_rule_set)
    data = {k: v for k, v in form.initial.items() if not isinstance(v, bool)}
    data.update({k: "on" for k, v in form.initial.items() if v is True})
    return {**data, "muda_under_years": "18"}


def _catin_threshold_form(o):
    form = ThresholdSetForm(threshold_set=o.catin_threshold_set, berlaku_mulai=o.today)
    data = {k: v for k, v in form.initial.items() if not isinstance(v, bool)}
    data.update({k: "on" for k, v in form.initial.items() if v is True})
    return {**data, "berlaku_mulai": o.today.isoformat(), "hb_under_female": "11.5"}


def _catin_screening_form(o):
    values = {"tanggal": o.today.isoformat(), "peran": "putri", "umur_tahun": "23"}
    values |= {"berat_kg": "52", "tinggi_cm": "156", "lila_cm": "24", "hb": "12.5"}
    return {f"skrining-{k}": v for k, v in values.items()}


def _family_upload(o):
    return {"file": SimpleUploadedFile("keluarga.xlsx", o.family_upload)}


def _rule_set_form(o):
    form = RuleSetForm(rule_set=o.rule_set)
    return {name: form.initial[name] for name in form.fields}


ASK = {
    "site:home": district(),
    "accounts:login": district(),
    "accounts:logout": district(),
    "wilayah:detail": area(lambda o: [o.kode]),
    "wilayah:kampung_kb_create": area(data=lambda o: _kampung_form(o.free_desa)),
    "wilayah:kampung_kb_detail": area(lambda o: [o.kampung.pk]),
    "wilayah:kampung_kb_edit": area(lambda o: [o.kampung.pk], lambda o: _kampung_form(o.kode)),
    "wilayah:maturity_add": area(
        lambda o: [o.kampung.pk],
        lambda o: {"tingkat": "dasar", "tanggal": "2024-01-01", "sumber": "SK Bupati"},
    ),
    "growth:child_detail": area(lambda o: [o.child.pk]),
    "growth:child_edit": area(lambda o: [o.child.pk], _child_form),
    # The twin (registered twice, never weighed) merged into the child, or deleted.
    "growth:child_merge": area(
        lambda o: [o.twin.pk],
        lambda o: {"into": o.child.pk, "alasan": "Terdaftar dua kali", "confirm": "1"},
    ),
    "growth:child_delete": area(lambda o: [o.twin.pk], lambda o: {"alasan": "Salah daftar"}),
    "growth:measurement_edit": area(lambda o: [o.measurement.pk], _measurement_form),
    "growth:measurement_delete": area(lambda o: [o.measurement.pk]),
    "growth:measurement_confirm": area(lambda o: [o.measurement.pk]),
    "growth:session": area(lambda o: [o.posyandu.pk, o.today.isoformat()]),
    "growth:session_search": area(lambda o: [o.posyandu.pk, o.today.isoformat()], query="?q=anak"),
    "growth:session_register": area(lambda o: [o.posyandu.pk, o.today.isoformat()], _child_form),
    "growth:session_measure": area(
        lambda o: [o.posyandu.pk, o.today.isoformat(), o.child.pk], _measurement_form
    ),
    "growth:kbm_default_choose": district(lambda o: [o.kbm_table.pk]),
    "growth:import_upload": district(data=_upload),
    "growth:import_result": area(lambda o: [o.batch.pk]),
    "growth:import_preview": area(lambda o: [o.sha]),
    "growth:import_commit": area(lambda o: [o.sha]),
    "growth:import_errors_xlsx": area(lambda o: [o.sha]),
    "growth:import_posyandu_map": area(
        lambda o: [o.sha],
        lambda o: {"desa": o.kode, "nama": "POSYANDU SINTETIS", "pilihan": str(o.posyandu.pk)},
    ),
    "growth:posyandu_alias_delete": area(lambda o: [o.alias.pk]),
    "families:import_upload": district(data=_family_upload),
    "families:import_result": area(lambda o: [o.family_batch.pk]),
    "families:import_preview": area(lambda o: [o.family_sha]),
    "families:import_commit": area(lambda o: [o.family_sha]),
    "families:import_errors_xlsx": area(lambda o: [o.family_sha]),
    "growth:job": area(lambda o: [o.job.pk]),
    "growth:job_download": area(lambda o: [o.job.pk]),
    "growth:child_chart_spec": area(lambda o: [o.child.pk, "wfa"]),
    "growth:child_chart_png": area(lambda o: [o.child.pk]),
    "growth:child_chart_pdf": area(lambda o: [o.child.pk]),
    "families:krs": area(lambda o: [o.kode]),
    "families:krs_map_spec": area(lambda o: [o.kode]),
    "families:krs_xlsx": area(lambda o: [o.kode]),
    "families:krs_pdf": area(lambda o: [o.kode]),
    "analytics:area": area(lambda o: [o.kode]),
    "analytics:trend_spec": area(lambda o: [o.kode]),
    "analytics:map_spec": area(lambda o: [o.kode]),
    "analytics:kampung_kb_spec": area(lambda o: [o.kode]),
    "analytics:area_xlsx": area(lambda o: [o.kode]),
    "analytics:tpk": area(lambda o: [o.kode]),
    "analytics:tpk_xlsx": area(lambda o: [o.kode]),
    "analytics:priority": area(lambda o: [o.kecamatan]),
    "analytics:priority_spec": area(lambda o: [o.kecamatan]),
    "analytics:priority_pdf": area(lambda o: [o.kecamatan]),
    "analytics:priority_xlsx": area(lambda o: [o.kecamatan]),
    "analytics:weights": district(
        data=lambda o: {
            "w_prevalence": "1",
            "w_cases": "1",
            "w_trend": "1",
            "w_coverage": "1",
            "w_quality": "1",
            "n_lokus": "5",
        }
    ),
    "analytics:survey_add": district(
        data=lambda o: {
            "survey": "ssgi",
            "tahun": "2024",
            "wilayah": "19.06",
            "indicator": "stunting",
            "prevalensi": "20.5",
            "sumber": "SSGI 2024 (sintetis)",
        }
    ),
    "analytics:survey_delete": district(lambda o: [o.survey.pk]),
    "analytics:target_edit": district(
        data=lambda o: {"tahun": "2030", "nilai": "10", "sumber": "RPJMD (sintetis)"}
    ),
    "analytics:publish": district(
        data=lambda o: {"period_type": PeriodType.MONTH, "period_start": o.month.isoformat()}
    ),
    # The day the world's children were weighed, as the first and the last day of the period.
    "analytics:publication_preview": district(
        query=lambda o: "?period_type=month&period_start={0}&period_end={0}".format(
            o.weighed.isoformat()
        )
    ),
    "analytics:publication": district(lambda o: [o.publication.pk]),
    "analytics_public:version": district(lambda o: [o.publication.pk]),
    "analytics_public:map_spec": district(lambda o: [o.publication.pk]),
    "analytics_public:pdf": district(lambda o: [o.publication.pk]),
    "analytics_public:xlsx": district(lambda o: [o.publication.pk]),
    "analytics_public:province": district(lambda o: ["19"]),
    "analytics_public:kabupaten": district(lambda o: [o.publication.kabupaten_id]),
    "convergence:action_edit": district(
        lambda o: [o.year, o.action.pk], lambda o: {"status": "berjalan"}
    ),
    "convergence:evidence_upload": district(
        lambda o: [o.record.pk],
        lambda o: {"judul": "Bukti", "berkas": SimpleUploadedFile("b.pdf", b"%PDF-1.4\n%%EOF\n")},
    ),
    "convergence:evidence_download": district(lambda o: [o.evidence.pk]),
    "convergence:plan_create": area(data=lambda o: {"kampung": o.kampung.pk}),
    "convergence:plan_summary": district(query="?by=kecamatan"),
    "convergence:plan_detail": area(lambda o: [o.plan.pk]),
    "convergence:activity_add": area(
        lambda o: [o.plan.pk],
        lambda o: {
            "kegiatan": "Penyuluhan gizi",
            "programme_area": o.programme_area.pk,
            "sasaran": "Keluarga berisiko",
            "jumlah_sasaran": "10",
            "anggaran": "1000000",
            "sumber_dana": "apbd",
            "bulan": ["3", "4"],
            "penanggung_jawab": "Ketua Pokja",
        },
    ),
    "convergence:realisation_add": area(
        lambda o: [o.activity.pk],
        lambda o: {
            "tanggal": o.today.isoformat(),
            "progres": "50",
            "output_tercapai": "5",
            "anggaran_realisasi": "500000",
        },
    ),
    "convergence:realisation_edit": area(
        lambda o: [o.realisation.pk],
        lambda o: {
            "tanggal": o.today.isoformat(),
            "progres": "20",
            "output_tercapai": "2",
            "anggaran_realisasi": "200000",
            "alasan": "Salah ketik",
        },
    ),
    "convergence:realisation_delete": area(
        lambda o: [o.realisation.pk], lambda o: {"alasan": "Dicatat dua kali"}
    ),
    "convergence:cadre_create": area(
        data=lambda o: {"desa": o.kode, "nama": "Kader Baru", "peran": "kpm", "aktif": "on"}
    ),
    "convergence:cadre_detail": area(lambda o: [o.cadre.pk]),
    "convergence:training_add": area(
        lambda o: [o.cadre.pk],
        lambda o: {"tanggal": o.today.isoformat(), "topik": "Gizi", "penyelenggara": "DKPPKB"},
    ),
    "convergence:assignment_add": area(
        lambda o: [o.cadre.pk], lambda o: {"tugas": "Pendampingan", "mulai": o.today.isoformat()}
    ),
    "convergence:visit_create": area(
        data=lambda o: {
            "opd": o.dkppkb.pk,
            "desa": o.kode,
            "tanggal": o.today.isoformat(),
            "topik": "Pembinaan",
            "temuan": "Temuan",
        }
    ),
    "convergence:visit_detail": area(lambda o: [o.visit.pk]),
    "convergence:followup_add": area(
        lambda o: [o.visit.pk],
        lambda o: {
            "tindakan": "Perbaiki data",
            "penanggung_jawab": "Ketua Pokja",
            "batas_waktu": (o.today + datetime.timedelta(days=30)).isoformat(),
        },
    ),
    "convergence:followup_done": area(lambda o: [o.followup.pk]),
    "convergence:indicator_entry": area(lambda o: [o.kampung.pk], lambda o: {o.indicator: "1"}),
    "convergence:kampung_kb_review": area(lambda o: [o.kampung.pk]),
    "convergence:kampung_kb_rapor_pdf": area(lambda o: [o.kampung.pk]),
    "convergence:innovation_create": area(
        data=lambda o: {
            "nama": "Inovasi Sintetis",
            "desa": o.kode,
            "tahun": str(o.year),
            "deskripsi": "Deskripsi",
            "bukti": "Bukti",
        }
    ),
    "convergence:rule_set_detail": district(lambda o: [o.rule_set.pk], _rule_set_form),
    "families:detail": area(lambda o: [o.keluarga.pk]),
    "families:address": area(
        lambda o: [o.keluarga.pk],
        lambda o: {"desa": o.kode, "rw": "", "rt": "9", "alamat": "", "alasan": "RT salah"},
    ),
    "families:rule_detail": district(lambda o: [o.krs_rule_set.pk]),
    "families:rule_edit": district(lambda o: [o.krs_rule_set.pk], _krs_rule_form),
    "families:catin_screening_create": area(lambda o: [o.tpk_catin.pk], _catin_screening_form),
    "families:catin_list": district(),
    "families:catin_thresholds": district(),
    "families:catin_threshold_edit": district(
        lambda o: [o.catin_threshold_set.pk], _catin_threshold_form
    ),
    "families:tpk_team": area(lambda o: [o.tpk_team.pk]),
    "families:tpk_target": area(lambda o: [o.tpk_target.pk]),
    "families:tpk_target_create": area(
        data=lambda o: {
            "kind": "ibu_hamil",
            "desa": o.kode,
            "nama": "Ibu Hamil Baru Sintetis",
            "hpht": (o.today - datetime.timedelta(days=70)).isoformat(),
        }
    ),
    "families:tpk_visit_create": area(
        lambda o: [o.tpk_target.pk], lambda o: {"tanggal": o.today.isoformat(), "jenis": "kie"}
    ),
    "families:tpk_delivery_create": area(
        lambda o: [o.tpk_target.pk],
        lambda o: {"tanggal_persalinan": o.today.isoformat(), "hasil_persalinan": "lahir_hidup"},
    ),
    "families:tpk_marriage_create": area(
        lambda o: [o.tpk_catin.pk], lambda o: {"tanggal_nikah": o.today.isoformat()}
    ),
    "families:tpk_target_team": area(lambda o: [o.tpk_target.pk], lambda o: {"team": ""}),
    "families:tpk_target_close": area(
        lambda o: [o.tpk_target.pk],
        lambda o: {"tanggal": o.today.isoformat(), "alasan": "pindah", "catatan": "Ke Jawa"},
    ),
    "families:tpk_target_reopen": area(
        lambda o: [o.tpk_closed.pk], lambda o: {"alasan": "Salah tutup, masih tinggal di desa"}
    ),
    "families:tpk_team_create": area(
        data=lambda o: {"desa": o.kode, "nama": "Tim TPK Baru Sintetis", "aktif": "on"}
    ),
    "families:tpk_team_edit": area(
        lambda o: [o.tpk_team.pk],
        # Kept active: deactivating it would ask who takes its targets over.
        lambda o: {"desa": o.kode, "nama": "Tim TPK Ubah Sintetis", "aktif": "on"},
    ),
    "families:tpk_team_overdue": area(lambda o: [o.tpk_team.pk]),
    "families:tpk_anc_create": area(
        lambda o: [o.tpk_target.pk],
        lambda o: {
            "anc-tanggal": o.today.isoformat(),
            "anc-tempat": "Pustu",
            "anc-pemeriksa": "bidan",
        },
    ),
    "families:tpk_kb_create": area(
        lambda o: [o.tpk_mother.pk],
        lambda o: {"kb-keputusan": "pil", "kb-tanggal": o.today.isoformat()},
    ),
    "families:tpk_nifas_create": area(
        lambda o: [o.tpk_mother.pk],
        lambda o: {
            "nifas-tanggal": o.today.isoformat(),
            "nifas-tempat": "Rumah",
            "nifas-pemeriksa": "bidan",
        },
    ),
    "families:tpk_anc_edit": area(
        lambda o: [o.tpk_anc.pk],
        lambda o: {
            "anc-tanggal": o.tpk_anc.tanggal.isoformat(),
            "anc-tempat": "Pustu",
            "anc-pemeriksa": "bidan",
            "anc-hb": "11.5",
        },
    ),
    "families:tpk_anc_delete": area(lambda o: [o.tpk_anc.pk]),
    "families:tpk_kb_edit": area(
        lambda o: [o.tpk_kb.pk],
        lambda o: {"kb-keputusan": "iud", "kb-tanggal": o.today.isoformat()},
    ),
    "families:tpk_kb_delete": area(lambda o: [o.tpk_kb.pk]),
    "families:tpk_nifas_edit": area(
        lambda o: [o.tpk_nifas.pk],
        lambda o: {
            "nifas-tanggal": o.tpk_nifas.tanggal.isoformat(),
            "nifas-tempat": "Puskesmas",
            "nifas-pemeriksa": "dokter",
        },
    ),
    "families:tpk_nifas_delete": area(lambda o: [o.tpk_nifas.pk]),
    "families:scorecard_start": district(),
    "families:scorecard_area": area(lambda o: [o.kode]),
    "families:scorecard_area_xlsx": area(lambda o: [o.kode]),
    "families:scorecard_desa": area(lambda o: [o.kode]),
    "families:scorecard_cell": area(
        lambda o: [o.kode],
        lambda o: {"target": o.tpk_target.pk, "indikator": "ih_anc4", "nilai": "Y"},
    ),
    "families:scorecard_xlsx": area(lambda o: [o.kode]),
    "families:scorecard_pdf": area(lambda o: [o.kode]),
    "convergence:tpk_members": area(
        lambda o: [o.tpk_team.pk],
        lambda o: {"cadre": o.tpk_team.memberships.get(peran="tpk_bidan").cadre_id},
    ),
}


# --- what each role gets ------------------------------------------------------------------


@dataclass(frozen=True)
class Hole:
    """A case where the observed answer looks like a security hole: the test asserts what it
    should be (``want``) and is marked xfail(strict) until the code gives that."""

    want: int
    got: int
    why: str


# "<route> <method>[ <area>]": (anonymous, admin, kecamatan, desa, mitra, viewer), the roles
# being Admin Kabupaten of 19.06, Operator Kecamatan of Manggar, Operator Desa of Kurnia
# Jaya, Mitra OPD (of DKPPKB) and Viewer of 19.06. A page that only reads answers a POST as
# it answers a GET.
EXPECTED: dict[str, tuple] = {
    # --- core ----------------------------------------------------------------------------
    "site:home GET": (302, 200, 200, 200, 200, 200),
    "site:home POST": (302, 200, 200, 200, 200, 200),
    "core:audit GET": (302, 200, 403, 403, 403, 403),
    "core:audit POST": (302, 200, 403, 403, 403, 403),
    "core:audit_export GET": (302, 200, 403, 403, 403, 403),
    "core:audit_export POST": (302, 200, 403, 403, 403, 403),
    # --- accounts ------------------------------------------------------------------------
    # Logged in already: sent on to the home page.
    "accounts:login GET": (200, 302, 302, 302, 302, 302),
    "accounts:login POST": (200, 302, 302, 302, 302, 302),
    "accounts:logout GET": (302, 405, 405, 405, 405, 405),
    "accounts:logout POST": (302, 302, 302, 302, 302, 302),
    # --- wilayah -------------------------------------------------------------------------
    "wilayah:list GET": (302, 200, 200, 200, 200, 200),
    "wilayah:list POST": (302, 200, 200, 200, 200, 200),
    "wilayah:map GET": (302, 200, 200, 200, 200, 200),
    "wilayah:map POST": (302, 200, 200, 200, 200, 200),
    "wilayah:map_spec GET": (302, 200, 200, 200, 200, 200),
    "wilayah:map_spec POST": (302, 200, 200, 200, 200, 200),
    "wilayah:kampung_kb_list GET": (302, 200, 200, 200, 200, 200),
    "wilayah:kampung_kb_list POST": (302, 200, 200, 200, 200, 200),
    "wilayah:kampung_kb_create GET": (302, 200, 200, 403, 403, 403),
    "wilayah:kampung_kb_create POST own": (302, 302, 302, 403, 403, 403),
    # other: a desa of Gantung, not offered to Manggar's operator (the form refuses it).
    "wilayah:kampung_kb_create POST other": (302, 302, 400, 403, 403, 403),
    "wilayah:kampung_kb_detail GET own": (302, 200, 200, 200, 200, 200),
    "wilayah:kampung_kb_detail GET other": (302, 200, 404, 404, 200, 200),
    "wilayah:kampung_kb_detail POST own": (302, 200, 200, 200, 200, 200),
    "wilayah:kampung_kb_detail POST other": (302, 200, 404, 404, 200, 200),
    "wilayah:kampung_kb_edit GET own": (302, 200, 200, 200, 403, 403),
    "wilayah:kampung_kb_edit GET other": (302, 200, 404, 404, 403, 403),
    "wilayah:kampung_kb_edit POST own": (302, 302, 302, 302, 403, 403),
    "wilayah:kampung_kb_edit POST other": (302, 302, 404, 404, 403, 403),
    "wilayah:maturity_add GET own": (302, 405, 405, 405, 405, 405),
    "wilayah:maturity_add GET other": (302, 405, 405, 405, 405, 405),
    "wilayah:maturity_add POST own": (302, 302, 302, 302, 403, 403),
    "wilayah:maturity_add POST other": (302, 302, 404, 404, 403, 403),
    "wilayah:detail GET own": (302, 200, 200, 200, 200, 200),
    "wilayah:detail GET other": (302, 200, 404, 404, 200, 200),
    "wilayah:detail POST own": (302, 200, 200, 200, 200, 200),
    "wilayah:detail POST other": (302, 200, 404, 404, 200, 200),
    # --- growth --------------------------------------------------------------------------
    # Personal records: Mitra OPD and Viewer never see a child (403 for lists, 404 for ids).
    "growth:child_list GET": (302, 200, 200, 200, 403, 403),
    "growth:child_list POST": (302, 200, 200, 200, 403, 403),
    "growth:child_detail GET own": (302, 200, 200, 200, 404, 404),
    "growth:child_detail GET other": (302, 200, 404, 404, 404, 404),
    "growth:child_detail POST own": (302, 200, 200, 200, 404, 404),
    "growth:child_detail POST other": (302, 200, 404, 404, 404, 404),
    "growth:child_edit GET own": (302, 200, 200, 200, 404, 404),
    "growth:child_edit GET other": (302, 200, 404, 404, 404, 404),
    "growth:child_edit POST own": (302, 302, 302, 302, 404, 404),
    "growth:child_edit POST other": (302, 302, 404, 404, 404, 404),
    # Merging a child registered twice, deleting one registered by mistake: as its edit form.
    "growth:child_merge GET own": (302, 200, 200, 200, 404, 404),
    "growth:child_merge GET other": (302, 200, 404, 404, 404, 404),
    "growth:child_merge POST own": (302, 302, 302, 302, 404, 404),
    "growth:child_merge POST other": (302, 302, 404, 404, 404, 404),
    "growth:child_delete GET own": (302, 200, 200, 200, 404, 404),
    "growth:child_delete GET other": (302, 200, 404, 404, 404, 404),
    "growth:child_delete POST own": (302, 302, 302, 302, 404, 404),
    "growth:child_delete POST other": (302, 302, 404, 404, 404, 404),
    "growth:measurement_edit GET own": (302, 200, 200, 200, 404, 404),
    "growth:measurement_edit GET other": (302, 200, 404, 404, 404, 404),
    "growth:measurement_edit POST own": (302, 302, 302, 302, 404, 404),
    "growth:measurement_edit POST other": (302, 302, 404, 404, 404, 404),
    "growth:measurement_delete GET own": (302, 405, 405, 405, 405, 405),
    "growth:measurement_delete GET other": (302, 405, 405, 405, 405, 405),
    "growth:measurement_delete POST own": (302, 302, 302, 302, 404, 404),
    "growth:measurement_delete POST other": (302, 302, 404, 404, 404, 404),
    # Measurements that need checking: listed for roles with personal data; confirmed (the
    # mark cleared) by those who may edit the area; read-only roles never act.
    "growth:check_list GET": (302, 200, 200, 200, 403, 403),
    "growth:check_list POST": (302, 200, 200, 200, 403, 403),
    "growth:measurement_confirm GET own": (302, 405, 405, 405, 405, 405),
    "growth:measurement_confirm GET other": (302, 405, 405, 405, 405, 405),
    "growth:measurement_confirm POST own": (302, 302, 302, 302, 404, 404),
    "growth:measurement_confirm POST other": (302, 302, 404, 404, 404, 404),
    "growth:session_start GET": (302, 200, 200, 200, 403, 403),
    "growth:session_start POST": (302, 200, 200, 200, 403, 403),
    "growth:session GET own": (302, 200, 200, 200, 403, 403),
    "growth:session GET other": (302, 200, 404, 404, 403, 403),
    "growth:session POST own": (302, 200, 200, 200, 403, 403),
    "growth:session POST other": (302, 200, 404, 404, 403, 403),
    "growth:session_search GET own": (302, 200, 200, 200, 403, 403),
    "growth:session_search GET other": (302, 200, 404, 404, 403, 403),
    "growth:session_search POST own": (302, 200, 200, 200, 403, 403),
    "growth:session_search POST other": (302, 200, 404, 404, 403, 403),
    "growth:session_register GET own": (302, 200, 200, 200, 403, 403),
    "growth:session_register GET other": (302, 200, 404, 404, 403, 403),
    "growth:session_register POST own": (302, 302, 302, 302, 403, 403),
    "growth:session_register POST other": (302, 302, 404, 404, 403, 403),
    "growth:session_measure GET own": (302, 200, 200, 200, 403, 403),
    "growth:session_measure GET other": (302, 200, 404, 404, 403, 403),
    # The measurement is saved and its result shown on the same page.
    "growth:session_measure POST own": (302, 200, 200, 200, 403, 403),
    "growth:session_measure POST other": (302, 200, 404, 404, 403, 403),
    "growth:kbm_tables GET": (302, 200, 200, 200, 200, 200),
    "growth:kbm_tables POST": (302, 200, 200, 200, 200, 200),
    "growth:kbm_default_choose GET": (302, 405, 405, 405, 405, 405),
    "growth:kbm_default_choose POST": (302, 302, 403, 403, 403, 403),
    "growth:import_upload GET": (302, 200, 200, 200, 403, 403),
    "growth:import_upload POST": (302, 302, 302, 302, 403, 403),
    "growth:export_xlsx GET": (302, 200, 200, 200, 403, 403),
    "growth:export_xlsx POST": (302, 200, 200, 200, 403, 403),
    "growth:import_result GET own": (302, 200, 200, 200, 403, 403),
    "growth:import_result GET other": (302, 200, 404, 404, 403, 403),
    "growth:import_result POST own": (302, 200, 200, 200, 403, 403),
    "growth:import_result POST other": (302, 200, 404, 404, 403, 403),
    # An upload is its uploader's (own: the Operator Desa of Kurnia Jaya; other: an operator
    # of Batu Penyu) and the Admin Kabupaten's; anyone else, even of the same area, gets 404.
    "growth:import_preview GET own": (302, 200, 404, 200, 403, 403),
    "growth:import_preview GET other": (302, 200, 404, 404, 403, 403),
    "growth:import_preview POST own": (302, 200, 404, 200, 403, 403),
    "growth:import_preview POST other": (302, 200, 404, 404, 403, 403),
    "growth:import_commit GET own": (302, 405, 405, 405, 405, 405),
    "growth:import_commit GET other": (302, 405, 405, 405, 405, 405),
    # That file is imported already: nothing new, so its report and no redirect.
    "growth:import_commit POST own": (302, 200, 404, 200, 403, 403),
    "growth:import_commit POST other": (302, 200, 404, 404, 403, 403),
    "growth:import_errors_xlsx GET own": (302, 200, 404, 200, 403, 403),
    "growth:import_errors_xlsx GET other": (302, 200, 404, 404, 403, 403),
    "growth:import_errors_xlsx POST own": (302, 200, 404, 200, 403, 403),
    "growth:import_errors_xlsx POST other": (302, 200, 404, 404, 403, 403),
    # Deciding what the unknown posyandu names of an upload are: as its preview.
    "growth:import_posyandu_map GET own": (302, 405, 405, 405, 405, 405),
    "growth:import_posyandu_map GET other": (302, 405, 405, 405, 405, 405),
    "growth:import_posyandu_map POST own": (302, 302, 404, 302, 403, 403),
    "growth:import_posyandu_map POST other": (302, 302, 404, 404, 403, 403),
    # The family import: as the e-PPGBM import (those who may edit records, in their area;
    # an upload is its uploader's and the Admin Kabupaten's).
    "families:import_upload GET": (302, 200, 200, 200, 403, 403),
    "families:import_upload POST": (302, 302, 302, 302, 403, 403),
    "families:import_template GET": (302, 200, 200, 200, 403, 403),
    "families:import_template POST": (302, 200, 200, 200, 403, 403),
    "families:import_result GET own": (302, 200, 200, 200, 403, 403),
    "families:import_result GET other": (302, 200, 404, 404, 403, 403),
    "families:import_result POST own": (302, 200, 200, 200, 403, 403),
    "families:import_result POST other": (302, 200, 404, 404, 403, 403),
    "families:import_preview GET own": (302, 200, 404, 200, 403, 403),
    "families:import_preview GET other": (302, 200, 404, 404, 403, 403),
    "families:import_preview POST own": (302, 200, 404, 200, 403, 403),
    "families:import_preview POST other": (302, 200, 404, 404, 403, 403),
    "families:import_commit GET own": (302, 405, 405, 405, 405, 405),
    "families:import_commit GET other": (302, 405, 405, 405, 405, 405),
    # That file is imported already: nothing new, so its report and no redirect.
    "families:import_commit POST own": (302, 200, 404, 200, 403, 403),
    "families:import_commit POST other": (302, 200, 404, 404, 403, 403),
    "families:import_errors_xlsx GET own": (302, 200, 404, 200, 403, 403),
    "families:import_errors_xlsx GET other": (302, 200, 404, 404, 403, 403),
    "families:import_errors_xlsx POST own": (302, 200, 404, 200, 403, 403),
    "families:import_errors_xlsx POST other": (302, 200, 404, 404, 403, 403),
    "growth:posyandu_aliases GET": (302, 200, 200, 200, 403, 403),
    "growth:posyandu_aliases POST": (302, 200, 200, 200, 403, 403),
    "growth:posyandu_alias_delete GET own": (302, 405, 405, 405, 405, 405),
    "growth:posyandu_alias_delete GET other": (302, 405, 405, 405, 405, 405),
    "growth:posyandu_alias_delete POST own": (302, 302, 302, 302, 403, 403),
    "growth:posyandu_alias_delete POST other": (302, 302, 404, 404, 403, 403),
    # An export (background job) and its file are only its requester's (own: the Operator
    # Desa of Kurnia Jaya; other: an operator of Batu Penyu): whole NIKs, made for that person.
    "growth:job GET own": (302, 404, 404, 200, 404, 404),
    "growth:job GET other": (302, 404, 404, 404, 404, 404),
    "growth:job POST own": (302, 405, 405, 405, 405, 405),
    "growth:job POST other": (302, 405, 405, 405, 405, 405),
    "growth:job_download GET own": (302, 404, 404, 200, 404, 404),
    "growth:job_download GET other": (302, 404, 404, 404, 404, 404),
    "growth:job_download POST own": (302, 405, 405, 405, 405, 405),
    "growth:job_download POST other": (302, 405, 405, 405, 405, 405),
    "growth:child_chart_spec GET own": (302, 200, 200, 200, 404, 404),
    "growth:child_chart_spec GET other": (302, 200, 404, 404, 404, 404),
    "growth:child_chart_spec POST own": (302, 200, 200, 200, 404, 404),
    "growth:child_chart_spec POST other": (302, 200, 404, 404, 404, 404),
    "growth:child_chart_png GET own": (302, 200, 200, 200, 404, 404),
    "growth:child_chart_png GET other": (302, 200, 404, 404, 404, 404),
    "growth:child_chart_png POST own": (302, 200, 200, 200, 404, 404),
    "growth:child_chart_png POST other": (302, 200, 404, 404, 404, 404),
    "growth:child_chart_pdf GET own": (302, 200, 200, 200, 404, 404),
    "growth:child_chart_pdf GET other": (302, 200, 404, 404, 404, 404),
    "growth:child_chart_pdf POST own": (302, 200, 200, 200, 404, 404),
    "growth:child_chart_pdf POST other": (302, 200, 404, 404, 404, 404),
    # Aggregates, and reference data below: every role.
    "growth:skdn GET": (302, 200, 200, 200, 200, 200),
    "growth:skdn POST": (302, 200, 200, 200, 200, 200),
    "growth:skdn_xlsx GET": (302, 200, 200, 200, 200, 200),
    "growth:skdn_xlsx POST": (302, 200, 200, 200, 200, 200),
    # --- families: the KRS picture (aggregates only: every role of the area) ----------------
    "families:krs_start GET": (302, 302, 302, 302, 302, 302),
    "families:krs_start POST": (302, 302, 302, 302, 302, 302),
    "families:krs GET own": (302, 200, 200, 200, 200, 200),
    "families:krs GET other": (302, 200, 404, 404, 200, 200),
    "families:krs POST own": (302, 200, 200, 200, 200, 200),
    "families:krs POST other": (302, 200, 404, 404, 200, 200),
    "families:krs_map_spec GET own": (302, 200, 200, 200, 200, 200),
    "families:krs_map_spec GET other": (302, 200, 404, 404, 200, 200),
    "families:krs_map_spec POST own": (302, 200, 200, 200, 200, 200),
    "families:krs_map_spec POST other": (302, 200, 404, 404, 200, 200),
    "families:krs_xlsx GET own": (302, 200, 200, 200, 200, 200),
    "families:krs_xlsx GET other": (302, 200, 404, 404, 200, 200),
    "families:krs_xlsx POST own": (302, 200, 200, 200, 200, 200),
    "families:krs_xlsx POST other": (302, 200, 404, 404, 200, 200),
    "families:krs_pdf GET own": (302, 200, 200, 200, 200, 200),
    "families:krs_pdf GET other": (302, 200, 404, 404, 200, 200),
    "families:krs_pdf POST own": (302, 200, 200, 200, 200, 200),
    "families:krs_pdf POST other": (302, 200, 404, 404, 200, 200),
    # --- analytics -----------------------------------------------------------------------
    "analytics:dashboard GET": (302, 302, 302, 302, 302, 302),
    "analytics:dashboard POST": (302, 302, 302, 302, 302, 302),
    "analytics:area GET own": (302, 200, 200, 200, 200, 200),
    "analytics:area GET other": (302, 200, 404, 404, 200, 200),
    "analytics:area POST own": (302, 200, 200, 200, 200, 200),
    "analytics:area POST other": (302, 200, 404, 404, 200, 200),
    "analytics:trend_spec GET own": (302, 200, 200, 200, 200, 200),
    "analytics:trend_spec GET other": (302, 200, 404, 404, 200, 200),
    "analytics:trend_spec POST own": (302, 200, 200, 200, 200, 200),
    "analytics:trend_spec POST other": (302, 200, 404, 404, 200, 200),
    "analytics:map_spec GET own": (302, 200, 200, 200, 200, 200),
    "analytics:map_spec GET other": (302, 200, 404, 404, 200, 200),
    "analytics:map_spec POST own": (302, 200, 200, 200, 200, 200),
    "analytics:map_spec POST other": (302, 200, 404, 404, 200, 200),
    "analytics:kampung_kb_spec GET own": (302, 200, 200, 200, 200, 200),
    "analytics:kampung_kb_spec GET other": (302, 200, 404, 404, 200, 200),
    "analytics:kampung_kb_spec POST own": (302, 200, 200, 200, 200, 200),
    "analytics:kampung_kb_spec POST other": (302, 200, 404, 404, 200, 200),
    "analytics:area_xlsx GET own": (302, 200, 200, 200, 200, 200),
    "analytics:area_xlsx GET other": (302, 200, 404, 404, 200, 200),
    "analytics:area_xlsx POST own": (302, 200, 200, 200, 200, 200),
    "analytics:area_xlsx POST other": (302, 200, 404, 404, 200, 200),
    # TPK accompaniment (aggregates only): whoever sees the area's analysis.
    "analytics:tpk GET own": (302, 200, 200, 200, 200, 200),
    "analytics:tpk GET other": (302, 200, 404, 404, 200, 200),
    "analytics:tpk POST own": (302, 200, 200, 200, 200, 200),
    "analytics:tpk POST other": (302, 200, 404, 404, 200, 200),
    "analytics:tpk_xlsx GET own": (302, 200, 200, 200, 200, 200),
    "analytics:tpk_xlsx GET other": (302, 200, 404, 404, 200, 200),
    "analytics:tpk_xlsx POST own": (302, 200, 200, 200, 200, 200),
    "analytics:tpk_xlsx POST other": (302, 200, 404, 404, 200, 200),
    "analytics:priority_start GET": (302, 302, 302, 302, 302, 302),
    "analytics:priority_start POST": (302, 302, 302, 302, 302, 302),
    # Kecamatan codes: Manggar lies above Kurnia Jaya's operator's area.
    "analytics:priority GET own": (302, 200, 200, 404, 200, 200),
    "analytics:priority GET other": (302, 200, 404, 404, 200, 200),
    "analytics:priority POST own": (302, 200, 200, 404, 200, 200),
    "analytics:priority POST other": (302, 200, 404, 404, 200, 200),
    "analytics:priority_spec GET own": (302, 200, 200, 404, 200, 200),
    "analytics:priority_spec GET other": (302, 200, 404, 404, 200, 200),
    "analytics:priority_spec POST own": (302, 200, 200, 404, 200, 200),
    "analytics:priority_spec POST other": (302, 200, 404, 404, 200, 200),
    "analytics:priority_pdf GET own": (302, 200, 200, 404, 200, 200),
    "analytics:priority_pdf GET other": (302, 200, 404, 404, 200, 200),
    "analytics:priority_pdf POST own": (302, 200, 200, 404, 200, 200),
    "analytics:priority_pdf POST other": (302, 200, 404, 404, 200, 200),
    "analytics:priority_xlsx GET own": (302, 200, 200, 404, 200, 200),
    "analytics:priority_xlsx GET other": (302, 200, 404, 404, 200, 200),
    "analytics:priority_xlsx POST own": (302, 200, 200, 404, 200, 200),
    "analytics:priority_xlsx POST other": (302, 200, 404, 404, 200, 200),
    # Analysis settings and publishing: the Admin Kabupaten only.
    "analytics:weights GET": (302, 200, 403, 403, 403, 403),
    "analytics:weights POST": (302, 302, 403, 403, 403, 403),
    "analytics:references GET": (302, 200, 200, 200, 200, 200),
    "analytics:references POST": (302, 200, 200, 200, 200, 200),
    "analytics:survey_add GET": (302, 200, 403, 403, 403, 403),
    "analytics:survey_add POST": (302, 302, 403, 403, 403, 403),
    "analytics:survey_delete GET": (302, 405, 405, 405, 405, 405),
    "analytics:survey_delete POST": (302, 302, 403, 403, 403, 403),
    "analytics:target_edit GET": (302, 200, 403, 403, 403, 403),
    "analytics:target_edit POST": (302, 302, 403, 403, 403, 403),
    "analytics:publications GET": (302, 200, 200, 200, 200, 200),
    "analytics:publications POST": (302, 200, 200, 200, 200, 200),
    "analytics:publication_preview GET": (302, 200, 403, 403, 403, 403),
    "analytics:publication_preview POST": (302, 405, 405, 405, 405, 405),
    "analytics:publish GET": (302, 405, 405, 405, 405, 405),
    "analytics:publish POST": (302, 302, 403, 403, 403, 403),
    # A version as it was published (the officials' archive): every role of the district.
    "analytics:publication GET": (302, 200, 200, 200, 200, 200),
    "analytics:publication POST": (302, 200, 200, 200, 200, 200),
    # --- convergence ---------------------------------------------------------------------
    "convergence:home GET": (302, 200, 200, 200, 200, 200),
    "convergence:home POST": (302, 200, 200, 200, 200, 200),
    # The district's actions: read by every role, recorded by the Admin Kabupaten.
    "convergence:action_year GET": (302, 200, 200, 200, 200, 200),
    "convergence:action_year POST": (302, 200, 200, 200, 200, 200),
    "convergence:action_edit GET": (302, 200, 200, 200, 200, 200),
    "convergence:action_edit POST": (302, 302, 403, 403, 403, 403),
    "convergence:evidence_upload GET": (302, 405, 405, 405, 405, 405),
    "convergence:evidence_upload POST": (302, 302, 403, 403, 403, 403),
    "convergence:evidence_download GET": (302, 200, 200, 200, 200, 200),
    "convergence:evidence_download POST": (302, 200, 200, 200, 200, 200),
    "convergence:plan_list GET": (302, 200, 200, 200, 200, 200),
    "convergence:plan_list POST": (302, 200, 200, 200, 200, 200),
    "convergence:plan_create GET": (302, 200, 200, 200, 403, 403),
    "convergence:plan_create POST own": (302, 302, 302, 302, 403, 403),
    # other: a Kampung KB the operators' form does not offer (400, nothing saved).
    "convergence:plan_create POST other": (302, 302, 400, 400, 403, 403),
    "convergence:plan_summary GET": (302, 200, 200, 200, 200, 200),
    "convergence:plan_summary POST": (302, 200, 200, 200, 200, 200),
    "convergence:plan_detail GET own": (302, 200, 200, 200, 200, 200),
    "convergence:plan_detail GET other": (302, 200, 404, 404, 200, 200),
    "convergence:plan_detail POST own": (302, 200, 200, 200, 200, 200),
    "convergence:plan_detail POST other": (302, 200, 404, 404, 200, 200),
    "convergence:activity_add GET own": (302, 405, 405, 405, 405, 405),
    "convergence:activity_add GET other": (302, 405, 405, 405, 405, 405),
    "convergence:activity_add POST own": (302, 302, 302, 302, 403, 403),
    "convergence:activity_add POST other": (302, 302, 404, 404, 403, 403),
    "convergence:realisation_add GET own": (302, 405, 405, 405, 405, 405),
    "convergence:realisation_add GET other": (302, 405, 405, 405, 405, 405),
    "convergence:realisation_add POST own": (302, 302, 302, 302, 403, 403),
    "convergence:realisation_add POST other": (302, 302, 404, 404, 403, 403),
    "convergence:realisation_edit GET own": (302, 200, 200, 200, 403, 403),
    "convergence:realisation_edit GET other": (302, 200, 404, 404, 403, 403),
    "convergence:realisation_edit POST own": (302, 302, 302, 302, 403, 403),
    "convergence:realisation_edit POST other": (302, 302, 404, 404, 403, 403),
    "convergence:realisation_delete GET own": (302, 200, 200, 200, 403, 403),
    "convergence:realisation_delete GET other": (302, 200, 404, 404, 403, 403),
    "convergence:realisation_delete POST own": (302, 302, 302, 302, 403, 403),
    "convergence:realisation_delete POST other": (302, 302, 404, 404, 403, 403),
    # A list of persons: the Viewer (aggregates only) may not open it (issue 11, item 7); the
    # Mitra OPD reads the counts per desa, without names.
    "convergence:cadre_list GET": (302, 200, 200, 200, 200, 403),
    "convergence:cadre_list POST": (302, 200, 200, 200, 200, 403),
    "convergence:cadre_create GET": (302, 200, 200, 200, 403, 403),
    "convergence:cadre_create POST own": (302, 302, 302, 302, 403, 403),
    "convergence:cadre_create POST other": (302, 302, 400, 400, 403, 403),
    "convergence:cadre_detail GET own": (302, 200, 200, 200, 200, 200),
    "convergence:cadre_detail GET other": (302, 200, 404, 404, 200, 200),
    "convergence:cadre_detail POST own": (302, 200, 200, 200, 200, 200),
    "convergence:cadre_detail POST other": (302, 200, 404, 404, 200, 200),
    "convergence:training_add GET own": (302, 405, 405, 405, 405, 405),
    "convergence:training_add GET other": (302, 405, 405, 405, 405, 405),
    "convergence:training_add POST own": (302, 302, 302, 302, 403, 403),
    "convergence:training_add POST other": (302, 302, 404, 404, 403, 403),
    "convergence:assignment_add GET own": (302, 405, 405, 405, 405, 405),
    "convergence:assignment_add GET other": (302, 405, 405, 405, 405, 405),
    "convergence:assignment_add POST own": (302, 302, 302, 302, 403, 403),
    "convergence:assignment_add POST other": (302, 302, 404, 404, 403, 403),
    "convergence:visit_list GET": (302, 200, 200, 200, 200, 200),
    "convergence:visit_list POST": (302, 200, 200, 200, 200, 200),
    # The district admin records coaching visits and their follow-ups for every OPD. The
    # Mitra OPD reads its own OPD's (all of them were made by DKPPKB here) and, read only,
    # records nothing (issue 11, item 7: it once recorded and closed its OPD's).
    "convergence:visit_create GET": (302, 200, 403, 403, 403, 403),
    "convergence:visit_create POST own": (302, 302, 403, 403, 403, 403),
    "convergence:visit_create POST other": (302, 302, 403, 403, 403, 403),
    "convergence:visit_detail GET own": (302, 200, 200, 200, 200, 200),
    "convergence:visit_detail GET other": (302, 200, 404, 404, 200, 200),
    "convergence:visit_detail POST own": (302, 200, 200, 200, 200, 200),
    "convergence:visit_detail POST other": (302, 200, 404, 404, 200, 200),
    "convergence:followup_add GET own": (302, 405, 405, 405, 405, 405),
    "convergence:followup_add GET other": (302, 405, 405, 405, 405, 405),
    "convergence:followup_add POST own": (302, 302, 403, 403, 403, 403),
    "convergence:followup_add POST other": (302, 302, 404, 404, 403, 403),
    "convergence:followup_done GET own": (302, 405, 405, 405, 405, 405),
    "convergence:followup_done GET other": (302, 405, 405, 405, 405, 405),
    # Operators close the follow-ups their desa owns; the Mitra OPD, read only, none.
    "convergence:followup_done POST own": (302, 302, 302, 302, 403, 403),
    "convergence:followup_done POST other": (302, 302, 404, 404, 403, 403),
    "convergence:followup_overdue GET": (302, 200, 200, 200, 200, 200),
    "convergence:followup_overdue POST": (302, 200, 200, 200, 200, 200),
    "convergence:indicator_entry GET own": (302, 200, 200, 200, 403, 403),
    "convergence:indicator_entry GET other": (302, 200, 404, 404, 403, 403),
    "convergence:indicator_entry POST own": (302, 302, 302, 302, 403, 403),
    "convergence:indicator_entry POST other": (302, 302, 404, 404, 403, 403),
    "convergence:kampung_kb_review GET own": (302, 200, 200, 200, 200, 200),
    "convergence:kampung_kb_review GET other": (302, 200, 404, 404, 200, 200),
    "convergence:kampung_kb_review POST own": (302, 200, 200, 200, 200, 200),
    "convergence:kampung_kb_review POST other": (302, 200, 404, 404, 200, 200),
    "convergence:kampung_kb_rapor_pdf GET own": (302, 200, 200, 200, 200, 200),
    "convergence:kampung_kb_rapor_pdf GET other": (302, 200, 404, 404, 200, 200),
    "convergence:kampung_kb_rapor_pdf POST own": (302, 200, 200, 200, 200, 200),
    "convergence:kampung_kb_rapor_pdf POST other": (302, 200, 404, 404, 200, 200),
    "convergence:review_year GET": (302, 200, 200, 200, 200, 200),
    "convergence:review_year POST": (302, 200, 200, 200, 200, 200),
    "convergence:review_scorecard GET": (302, 200, 200, 200, 200, 200),
    "convergence:review_scorecard POST": (302, 200, 200, 200, 200, 200),
    "convergence:review_chart_spec GET": (302, 200, 200, 200, 200, 200),
    "convergence:review_chart_spec POST": (302, 200, 200, 200, 200, 200),
    "convergence:evaluate GET": (302, 405, 405, 405, 405, 405),
    "convergence:evaluate POST": (302, 302, 403, 403, 403, 403),
    "convergence:review_pdf GET": (302, 200, 200, 200, 200, 200),
    "convergence:review_pdf POST": (302, 200, 200, 200, 200, 200),
    "convergence:review_xlsx GET": (302, 200, 200, 200, 200, 200),
    "convergence:review_xlsx POST": (302, 200, 200, 200, 200, 200),
    "convergence:rule_set_list GET": (302, 200, 200, 200, 200, 200),
    "convergence:rule_set_list POST": (302, 200, 200, 200, 200, 200),
    "convergence:rule_set_detail GET": (302, 200, 200, 200, 200, 200),
    "convergence:rule_set_detail POST": (302, 302, 403, 403, 403, 403),
    "convergence:innovation_list GET": (302, 200, 200, 200, 200, 200),
    "convergence:innovation_list POST": (302, 200, 200, 200, 200, 200),
    "convergence:innovation_create GET": (302, 200, 200, 200, 403, 403),
    "convergence:innovation_create POST own": (302, 302, 302, 302, 403, 403),
    "convergence:innovation_create POST other": (302, 302, 400, 400, 403, 403),
    "convergence:target GET": (302, 200, 200, 200, 200, 200),
    "convergence:target POST": (302, 200, 200, 200, 200, 200),
    # --- families ------------------------------------------------------------------------
    # Families are personal records, as children: Mitra OPD and Viewer see none (403 for the
    # list, 404 for a family). The KRS rule is read by everyone and changed by whoever
    # manages the installation (here the Admin Kabupaten of its one kabupaten).
    "families:list GET": (302, 200, 200, 200, 403, 403),
    "families:list POST": (302, 200, 200, 200, 403, 403),
    "families:detail GET own": (302, 200, 200, 200, 404, 404),
    "families:detail GET other": (302, 200, 404, 404, 404, 404),
    "families:detail POST own": (302, 200, 200, 200, 404, 404),
    "families:detail POST other": (302, 200, 404, 404, 404, 404),
    "families:address GET own": (302, 200, 200, 200, 404, 404),
    "families:address GET other": (302, 200, 404, 404, 404, 404),
    "families:address POST own": (302, 302, 302, 302, 404, 404),
    "families:address POST other": (302, 302, 404, 404, 404, 404),
    "families:rules GET": (302, 200, 200, 200, 200, 200),
    "families:rules POST": (302, 200, 200, 200, 200, 200),
    "families:rule_detail GET": (302, 200, 200, 200, 200, 200),
    "families:rule_detail POST": (302, 200, 200, 200, 200, 200),
    "families:rule_edit GET": (302, 200, 403, 403, 403, 403),
    "families:rule_edit POST": (302, 302, 403, 403, 403, 403),
    # Catin screening: the form on a catin target's page (GET goes back to the page); the
    # list and the thresholds are read by every role (counts only for Mitra and Viewer); the
    # thresholds' POST (re-evaluate) and edit page are the installation manager's.
    "families:catin_screening_create GET own": (302, 302, 302, 302, 403, 403),
    "families:catin_screening_create GET other": (302, 302, 404, 404, 403, 403),
    "families:catin_screening_create POST own": (302, 302, 302, 302, 403, 403),
    "families:catin_screening_create POST other": (302, 302, 404, 404, 403, 403),
    "families:catin_list GET": (302, 200, 200, 200, 200, 200),
    "families:catin_list POST": (302, 200, 200, 200, 200, 200),
    "families:catin_thresholds GET": (302, 200, 200, 200, 200, 200),
    "families:catin_thresholds POST": (302, 302, 403, 403, 403, 403),
    "families:catin_threshold_edit GET": (302, 200, 403, 403, 403, 403),
    "families:catin_threshold_edit POST": (302, 302, 403, 403, 403, 403),
    # --- families: TPK accompaniment ----------------------------------------------------
    # Targets by name for the roles with personal data; the Mitra OPD and the Viewer get the
    # counts per desa on the TPK home page and a 403 everywhere else (issue 14).
    "families:tpk_home GET": (302, 200, 200, 200, 200, 200),
    "families:tpk_home POST": (302, 200, 200, 200, 200, 200),
    "families:tpk_overdue GET": (302, 200, 200, 200, 403, 403),
    "families:tpk_overdue POST": (302, 200, 200, 200, 403, 403),
    "families:tpk_team GET own": (302, 200, 200, 200, 403, 403),
    "families:tpk_team GET other": (302, 200, 404, 404, 403, 403),
    "families:tpk_team POST own": (302, 200, 200, 200, 403, 403),
    "families:tpk_team POST other": (302, 200, 404, 404, 403, 403),
    "families:tpk_target GET own": (302, 200, 200, 200, 403, 403),
    "families:tpk_target GET other": (302, 200, 404, 404, 403, 403),
    "families:tpk_target POST own": (302, 200, 200, 200, 403, 403),
    "families:tpk_target POST other": (302, 200, 404, 404, 403, 403),
    "families:tpk_target_create GET": (302, 200, 200, 200, 403, 403),
    "families:tpk_target_create POST own": (302, 302, 302, 302, 403, 403),
    # other: a desa of Gantung, not offered to the operators of Manggar and Kurnia Jaya.
    "families:tpk_target_create POST other": (302, 302, 400, 400, 403, 403),
    # A visit is recorded from the target's page (GET goes back there).
    "families:tpk_visit_create GET own": (302, 302, 302, 302, 403, 403),
    "families:tpk_visit_create GET other": (302, 302, 404, 404, 403, 403),
    "families:tpk_visit_create POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_visit_create POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_delivery_create GET own": (302, 200, 200, 200, 403, 403),
    "families:tpk_delivery_create GET other": (302, 200, 404, 404, 403, 403),
    "families:tpk_delivery_create POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_delivery_create POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_marriage_create GET own": (302, 200, 200, 200, 403, 403),
    "families:tpk_marriage_create GET other": (302, 200, 404, 404, 403, 403),
    "families:tpk_marriage_create POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_marriage_create POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_target_team GET own": (302, 200, 200, 200, 403, 403),
    "families:tpk_target_team GET other": (302, 200, 404, 404, 403, 403),
    "families:tpk_target_team POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_target_team POST other": (302, 302, 404, 404, 403, 403),
    # A target is closed (moved out, died, by mistake) and reopened from its page.
    "families:tpk_target_close GET own": (302, 200, 200, 200, 403, 403),
    "families:tpk_target_close GET other": (302, 200, 404, 404, 403, 403),
    "families:tpk_target_close POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_target_close POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_target_reopen GET own": (302, 200, 200, 200, 403, 403),
    "families:tpk_target_reopen GET other": (302, 200, 404, 404, 403, 403),
    "families:tpk_target_reopen POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_target_reopen POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_team_create GET": (302, 200, 200, 200, 403, 403),
    "families:tpk_team_create POST own": (302, 302, 302, 302, 403, 403),
    # Another area's desa is not among the choices of a kecamatan or desa operator.
    "families:tpk_team_create POST other": (302, 302, 400, 400, 403, 403),
    # Pregnancy monitoring: the list of pregnant women by name, or the counts per desa for the
    # Mitra OPD and the Viewer; ANC contacts, KB decisions and nifas visits are recorded from
    # the target's page (GET goes back there).
    "families:tpk_pregnant_list GET": (302, 200, 200, 200, 200, 200),
    "families:tpk_pregnant_list POST": (302, 200, 200, 200, 200, 200),
    "families:tpk_anc_create GET own": (302, 302, 302, 302, 403, 403),
    "families:tpk_anc_create GET other": (302, 302, 404, 404, 403, 403),
    "families:tpk_anc_create POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_anc_create POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_kb_create GET own": (302, 302, 302, 302, 403, 403),
    "families:tpk_kb_create GET other": (302, 302, 404, 404, 403, 403),
    "families:tpk_kb_create POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_kb_create POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_nifas_create GET own": (302, 302, 302, 302, 403, 403),
    "families:tpk_nifas_create GET other": (302, 302, 404, 404, 403, 403),
    "families:tpk_nifas_create POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_nifas_create POST other": (302, 302, 404, 404, 403, 403),
    # A record entered wrongly is corrected on its own page, or deleted by a POST (confirmed
    # in the browser), by those who may record it.
    "families:tpk_anc_edit GET own": (302, 200, 200, 200, 403, 403),
    "families:tpk_anc_edit GET other": (302, 200, 404, 404, 403, 403),
    "families:tpk_anc_edit POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_anc_edit POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_anc_delete GET own": (302, 405, 405, 405, 405, 405),
    "families:tpk_anc_delete GET other": (302, 405, 405, 405, 405, 405),
    "families:tpk_anc_delete POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_anc_delete POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_kb_edit GET own": (302, 200, 200, 200, 403, 403),
    "families:tpk_kb_edit GET other": (302, 200, 404, 404, 403, 403),
    "families:tpk_kb_edit POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_kb_edit POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_kb_delete GET own": (302, 405, 405, 405, 405, 405),
    "families:tpk_kb_delete GET other": (302, 405, 405, 405, 405, 405),
    "families:tpk_kb_delete POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_kb_delete POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_nifas_edit GET own": (302, 200, 200, 200, 403, 403),
    "families:tpk_nifas_edit GET other": (302, 200, 404, 404, 403, 403),
    "families:tpk_nifas_edit POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_nifas_edit POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_nifas_delete GET own": (302, 405, 405, 405, 405, 405),
    "families:tpk_nifas_delete GET other": (302, 405, 405, 405, 405, 405),
    "families:tpk_nifas_delete POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_nifas_delete POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_team_edit GET own": (302, 200, 200, 200, 403, 403),
    "families:tpk_team_edit GET other": (302, 200, 404, 404, 403, 403),
    "families:tpk_team_edit POST own": (302, 302, 302, 302, 403, 403),
    "families:tpk_team_edit POST other": (302, 302, 404, 404, 403, 403),
    "families:tpk_team_overdue GET own": (302, 200, 200, 200, 403, 403),
    "families:tpk_team_overdue GET other": (302, 200, 404, 404, 403, 403),
    "families:tpk_team_overdue POST own": (302, 200, 200, 200, 403, 403),
    "families:tpk_team_overdue POST other": (302, 200, 404, 404, 403, 403),
    "families:scorecard_start GET": (302, 302, 302, 302, 302, 302),
    "families:scorecard_start POST": (302, 302, 302, 302, 302, 302),
    "families:scorecard_area GET own": (302, 200, 200, 200, 200, 200),
    "families:scorecard_area GET other": (302, 200, 404, 404, 200, 200),
    "families:scorecard_area POST own": (302, 200, 200, 200, 200, 200),
    "families:scorecard_area POST other": (302, 200, 404, 404, 200, 200),
    "families:scorecard_area_xlsx GET own": (302, 200, 200, 200, 200, 200),
    "families:scorecard_area_xlsx GET other": (302, 200, 404, 404, 200, 200),
    "families:scorecard_area_xlsx POST own": (302, 200, 200, 200, 200, 200),
    "families:scorecard_area_xlsx POST other": (302, 200, 404, 404, 200, 200),
    "families:scorecard_desa GET own": (302, 200, 200, 200, 200, 200),
    "families:scorecard_desa GET other": (302, 200, 404, 404, 200, 200),
    "families:scorecard_desa POST own": (302, 200, 200, 200, 200, 200),
    "families:scorecard_desa POST other": (302, 200, 404, 404, 200, 200),
    "families:scorecard_xlsx GET own": (302, 200, 200, 200, 200, 200),
    "families:scorecard_xlsx GET other": (302, 200, 404, 404, 200, 200),
    "families:scorecard_xlsx POST own": (302, 200, 200, 200, 200, 200),
    "families:scorecard_xlsx POST other": (302, 200, 404, 404, 200, 200),
    "families:scorecard_pdf GET own": (302, 200, 200, 200, 200, 200),
    "families:scorecard_pdf GET other": (302, 200, 404, 404, 200, 200),
    "families:scorecard_pdf POST own": (302, 200, 200, 200, 200, 200),
    "families:scorecard_pdf POST other": (302, 200, 404, 404, 200, 200),
    # A cell is entered by POST only; the read-only roles never enter one.
    "families:scorecard_cell GET own": (302, 405, 405, 405, 405, 405),
    "families:scorecard_cell GET other": (302, 405, 405, 405, 405, 405),
    "families:scorecard_cell POST own": (302, 302, 302, 302, 403, 403),
    "families:scorecard_cell POST other": (302, 302, 404, 404, 403, 403),
    "convergence:tpk_members GET own": (302, 200, 200, 200, 403, 403),
    "convergence:tpk_members GET other": (302, 200, 404, 404, 403, 403),
    "convergence:tpk_members POST own": (302, 302, 302, 302, 403, 403),
    "convergence:tpk_members POST other": (302, 302, 404, 404, 403, 403),
    # --- analytics_public ----------------------------------------------------------------
    # The public site (aksi 7): no login, published aggregates only.
    "analytics_public:index GET": (200, 200, 200, 200, 200, 200),
    "analytics_public:index POST": (200, 200, 200, 200, 200, 200),
    "analytics_public:version GET": (200, 200, 200, 200, 200, 200),
    "analytics_public:version POST": (200, 200, 200, 200, 200, 200),
    "analytics_public:map_spec GET": (200, 200, 200, 200, 200, 200),
    "analytics_public:map_spec POST": (200, 200, 200, 200, 200, 200),
    "analytics_public:pdf GET": (200, 200, 200, 200, 200, 200),
    "analytics_public:pdf POST": (200, 200, 200, 200, 200, 200),
    "analytics_public:xlsx GET": (200, 200, 200, 200, 200, 200),
    "analytics_public:xlsx POST": (200, 200, 200, 200, 200, 200),
    "analytics_public:province GET": (200, 200, 200, 200, 200, 200),
    "analytics_public:province POST": (200, 200, 200, 200, 200, 200),
    "analytics_public:kabupaten GET": (200, 200, 200, 200, 200, 200),
    "analytics_public:kabupaten POST": (200, 200, 200, 200, 200, 200),
}


# --- the objects the routes are requested with --------------------------------------------


@dataclass
class World:
    users: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)  # "own"/"other" -> SimpleNamespace


def _eppgbm_file(folder: Path, desa_kode: str, today: datetime.date) -> Path:
    desa = factories.wilayah(desa_kode)
    files = EppgbmFiles(folder)
    row = files.row(
        NIK="",
        Nama=f"Anak Impor {desa.nama}",
        Kec=desa.parent.nama,
        **{"Desa/Kel": desa.nama, "Tanggal Pengukuran": today.strftime("%d/%m/%Y")},
    )
    return files.xlsx([row], name=f"eppgbm-{desa_kode}.xlsx")


def _family_file(folder: Path, desa_kode: str) -> Path:
    desa = factories.wilayah(desa_kode)
    rows = family_rows(
        f"{desa_kode.replace('.', '')}000001"[:16], desa=desa.nama, kec=desa.parent.nama
    )
    return write_xlsx(folder / f"keluarga-{desa_kode}.xlsx", rows)


def _stored_upload(path: Path, uploader) -> str:
    """Store a file as ``uploader``'s, as the upload page does."""
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return upload_store(user=uploader, upload=upload).sha256


def _finished_export(user):
    """An export ``user`` asked for, already written (it is small: done in the request)."""
    job = measurements_export_request(user=user)
    assert file_job_start(job)
    return job


def _small_boundaries() -> None:
    """Replace each wilayah's boundary by a small square around its centroid: the maps then
    take milliseconds to build instead of seconds, and who sees them does not change."""
    shapes = list(Wilayah.objects.exclude(boundary=None))
    for w in shapes:
        x, y = w.lng or 108.0, w.lat or -3.0
        ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
        w.boundary = {"type": "Polygon", "coordinates": [ring]}
    Wilayah.objects.bulk_update(shapes, ["boundary"])


def _build(folder: Path) -> World:
    factories.reference_data_load()
    if not Opd.objects.exists():
        reference_load()
    national_targets_load()
    _small_boundaries()
    world = World()
    world.users = factories.users_by_role()
    world.users["provinsi"] = factories.admin_provinsi()
    world.users["mitra"].organisation = "DKPPKB"
    world.users["mitra"].save()
    admin = world.users["admin"]
    # The day the world is built (when its first test runs, not at collection): its records
    # and the requests of ASK (``o.today``) are dated from it.
    today = timezone.localdate()
    year = today.year
    weighed = today - datetime.timedelta(days=20)
    action = ActionDefinition.objects.filter(framework=framework_for_year(year)).first()
    record = action_record_save(
        user=None,
        kabupaten=factories.wilayah(factories.BELTIM),
        tahun=year,
        action=action,
        values={},
        commitments=[
            {"penandatangan": SIGNATORY, "lembaga": "Bappelitbangda", "komitmen": "Sintetis"}
        ],
    )
    dkppkb = Opd.objects.get(kode="dkppkb")
    shared = {
        "today": today,
        "weighed": weighed,
        "year": year,
        "month": weighed.replace(day=1),
        "action": action,
        "record": record,
        "evidence": evidence_add(
            user=None,
            record=record,
            upload=SimpleUploadedFile("bukti.pdf", b"%PDF-1.4\n%%EOF\n"),
            judul="Bukti sintetis",
        ),
        "dkppkb": dkppkb,
        "programme_area": ProgrammeArea.objects.order_by("pk").first(),
        "kbm_table": KBMTable.objects.filter(is_default=False).order_by("pk").first(),
        "rule_set": RuleSet.objects.order_by("pk").first(),
        "krs_rule_set": KrsRuleSet.objects.get(is_default=True),
        "catin_threshold_set": default_thresholds_load(),
        "indicator": IndicatorDefinition.objects.filter(computed=False).order_by("pk")[0].kode,
        "survey": survey_figure_save(
            user=admin,
            survey="ssgi",
            tahun=2022,
            wilayah=factories.wilayah(factories.BELTIM),
            indicator="stunting",
            prevalensi="18.5",
            sumber="SSGI 2022 (sintetis)",
        ),
        "upload": _eppgbm_file(folder, KURNIA_JAYA, today).read_bytes(),
        "family_upload": _family_file(folder, KURNIA_JAYA).read_bytes(),
    }
    for key, kode in AREAS.items():
        desa = factories.wilayah(kode)
        kampung = factories.kampung_kb(desa)
        posyandu = factories.posyandu(desa)
        child = factories.child(posyandu=posyandu)
        plan = plan_create(user=None, tahun=year, kampung=kampung)
        cadre = cadre_save(
            user=None, desa=desa, nama=f"Kader Sintetis {kode}", peran="kpm", telepon="081234500"
        )
        training_add(
            user=None,
            cadre=cadre,
            tanggal=today,
            topik="Gizi",
            penyelenggara="DKPPKB",
            sertifikat=f"SERT-SINTETIS-{kode}",
        )
        # An older visit whose follow-up is overdue, for the overdue list.
        visit_record(
            user=None,
            opd=dkppkb,
            desa=desa,
            tanggal=today - datetime.timedelta(days=40),
            topik="Pembinaan lama",
            temuan="Temuan",
            follow_ups=[
                {
                    "tindakan": "Lengkapi register",
                    "penanggung_jawab": f"PJ Terlambat Sintetis {kode}",
                    "batas_waktu": today - datetime.timedelta(days=10),
                }
            ],
        )
        visit = visit_record(
            user=None,
            opd=dkppkb,
            desa=desa,
            tanggal=today,
            topik="Pembinaan",
            temuan="Temuan",
            follow_ups=[
                {
                    "tindakan": "Lengkapi data",
                    "penanggung_jawab": f"PJ Tindak Lanjut Sintetis {kode}",
                    "batas_waktu": today + datetime.timedelta(days=30),
                }
            ],
        )
        importer = factories.operator_desa(desa, username=f"importir-{kode}")
        upload = _eppgbm_file(folder, kode, today)
        world.objects[key] = SimpleNamespace(
            **shared,
            kode=kode,
            kecamatan=desa.parent_id,
            # A desa without a Kampung KB yet, for the registration form.
            free_desa=LALANG_JAYA if key == "own" else "19.06.02.2001",
            kampung=kampung,
            posyandu=posyandu,
            alias=posyandu_alias_save(
                user=None, desa_kode=kode, nama="Posyandu Alias Sintetis", posyandu=posyandu
            ),
            child=child,
            twin=factories.child(
                posyandu=posyandu,
                nama=f"Anak Kembar Sintetis {kode}",
                tanggal_lahir=child.tanggal_lahir,
            ),
            keluarga=factories.family_row(desa, members=[]).keluarga,
            measurement=factories.measurement(
                child, weighed, berat=8, tinggi=70, cara_ukur="PB", posyandu=posyandu
            ),
            plan=plan,
            activity=activity_add(
                user=None,
                plan=plan,
                kegiatan="Kelas BKB",
                programme_area=shared["programme_area"],
                sasaran="Keluarga balita",
                jumlah_sasaran=20,
                anggaran=500000,
                sumber_dana="dana_desa",
                bulan=[2, 3],
                penanggung_jawab=f"PJ Kegiatan Sintetis {kode}",
            ),
            cadre=cadre,
            tpk_team=tpk_factories.team(desa),
            tpk_target=tpk_factories.pregnant(desa, nama=f"Ibu Hamil Sintetis {kode}"),
            tpk_catin=tpk_factories.catin(desa, nama=f"Catin Sintetis {kode}"),
            tpk_mother=tpk_factories.mother(desa, nama=f"Ibu Nifas Sintetis {kode}"),
            tpk_closed=tpk_factories.closed(desa, nama=f"Ibu Pindah Sintetis {kode}"),
            **_pregnancy_records(desa, kode, today),
            visit=visit,
            followup=visit.follow_ups.get(),
            # The file's posyandu (Melati) is not the desa's: made new, as the importer says.
            batch=measurements_import(
                user=importer, path=upload, posyandu=PosyanduChoices(create_all=True)
            ).batch,
            sha=_stored_upload(upload, world.users["desa"] if key == "own" else importer),
            family_batch=families_import(user=importer, path=_family_file(folder, kode)).batch,
            family_sha=_stored_upload(
                _family_file(folder, kode), world.users["desa"] if key == "own" else importer
            ),
            job=_finished_export(world.users["desa"] if key == "own" else importer),
        )
        # A realisation recorded against the activity, to correct or remove.
        world.objects[key].realisation = realisation_add(
            user=None,
            activity=world.objects[key].activity,
            tanggal=today,
            progres=10,
            output_tercapai=1,
            anggaran_realisasi=100000,
        )
    summaries_rebuild()
    publication = publication_publish(
        user=admin, period_type=PeriodType.MONTH, period_start=weighed.replace(day=1)
    )
    for objects in world.objects.values():
        objects.publication = publication
    for role, user in world.users.items():
        client = Client()
        client.force_login(user)
        world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The users and objects, built once for the module in a transaction rolled back at its
    end; each test runs in a savepoint inside it (pytest-django's ``db``)."""
    with pytest.MonkeyPatch.context() as patch:
        _stub_rendering(patch)
        with (
            override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
            django_db_blocker.unblock(),
            transaction.atomic(),
        ):
            yield _build(Path(settings.MEDIA_ROOT))
            transaction.set_rollback(True)


def _pdf_of_its_text(html, *args, **kwargs) -> bytes:
    # A stub PDF that carries the document's text, so what a PDF would show can be checked.
    return b"%PDF-1.4 stub\n" + "".join(html.etree_element.itertext()).encode()


def _pregnancy_records(desa, kode, today: datetime.date) -> dict:
    """An ANC contact, a KB decision and a nifas visit of the area, for their correction
    routes; on days the create routes do not post (today), so those still save."""
    pregnant = tpk_factories.pregnant(desa, nama=f"Ibu Hamil Koreksi Sintetis {kode}")
    mother = tpk_factories.mother(desa, nama=f"Ibu Nifas Koreksi Sintetis {kode}")
    week_ago = today - datetime.timedelta(days=7)
    return {
        "tpk_anc": anc_contact_record(
            user=None, target=pregnant, tanggal=week_ago, tempat="Pustu", pemeriksa="bidan"
        ),
        "tpk_kb": kb_pasca_record(user=None, target=mother, keputusan="pil", tanggal=week_ago),
        "tpk_nifas": nifas_visit_record(
            user=None, target=mother, tanggal=week_ago, tempat="Rumah", pemeriksa="bidan"
        ),
    }


def _stub_rendering(patch) -> None:
    # Who may reach a page is checked here, not how it renders: the PDF and PNG engines, the
    # serialisation of Vega-Lite charts and the growth charts (a few hundred KB of WHO curves)
    # are stubbed. Their output is tested with the pages themselves (tests/growth/test_charts.py,
    # tests/analytics/test_views.py, ...).
    stub = {"stub": True}
    patch.setattr(weasyprint.HTML, "write_pdf", _pdf_of_its_text)
    patch.setattr(vl_convert, "vegalite_to_png", lambda *a, **k: b"\x89PNG\r\n\x1a\nstub")
    patch.setattr(vl_convert, "vegalite_to_pdf", lambda *a, **k: b"%PDF-1.4 stub")
    for chart in (altair.Chart, altair.TopLevelMixin):
        patch.setattr(chart, "to_dict", lambda self, *a, **k: dict(stub))
    patch.setattr(growth_charts, "child_chart_spec", lambda **k: dict(stub))
    patch.setattr(growth_charts, "child_charts_print_spec", lambda **k: dict(stub))


def _answer(world: World, key: str, role: str, *, watch=contextlib.nullcontext):
    """Request the route of ``key`` as ``role``, in a savepoint rolled back afterwards (so a
    POST that deletes or changes something does not change what the next role sees).
    ``watch()`` is entered around the request, inside the savepoint."""
    name, method, *where = key.split()
    ask = ASK.get(name, district())
    o = world.objects[where[0] if where else "own"]
    url = ask.url(name, o)
    client = Client()
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    with transaction.atomic():
        with watch():
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, ask.data(o) if ask.data else {})
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("key", EXPECTED)
def test_each_route_answers_each_role_as_designed(db, world, key):
    want = {r: c for r, c in zip(ROLES, EXPECTED[key], strict=True) if not isinstance(c, Hole)}
    answers = {role: _answer(world, key, role) for role in want}
    assert {role: r.status_code for role, r in answers.items()} == want
    if want.get("anonymous") == 302:
        assert answers["anonymous"]["Location"].startswith(LOGIN + "?next=")


# --- the Admin Provinsi (issue 15) -----------------------------------------------------------
# Admin Provinsi of 19 (Kepulauan Bangka Belitung). The matrix's installation serves Belitung
# Timur alone, which lies in 19, so it covers both areas (own and other) as the kabupaten-wide
# roles do. It reads aggregates only, as the Viewer does (every person list 403, no name on
# any page: ``test_read_only_roles_see_no_name_of_a_person``), so it answers every route as
# the Viewer does, except the installation's settings, which it manages (every kabupaten of
# the installation lies in its province): those are listed here, with its answer.

PROVINSI_DIFFERS: dict[str, int] = {
    "growth:kbm_default_choose POST": 302,
    "convergence:rule_set_detail POST": 302,
    "families:rule_edit GET": 200,
    "families:rule_edit POST": 302,
    "families:catin_thresholds POST": 302,
    "families:catin_threshold_edit GET": 200,
    "families:catin_threshold_edit POST": 302,
}


def provinsi_expected(key: str) -> int:
    """The Admin Provinsi's expected answer to ``key``: the Viewer's unless listed above."""
    return PROVINSI_DIFFERS.get(key, EXPECTED[key][ROLES.index("viewer")])


@pytest.mark.parametrize("key", EXPECTED)
def test_each_route_answers_the_province_admin_as_designed(db, world, key):
    assert _answer(world, key, "provinsi").status_code == provinsi_expected(key)


def test_every_province_difference_is_a_route():
    assert sorted(set(PROVINSI_DIFFERS) - set(EXPECTED)) == []


def _holes():
    for key, codes in EXPECTED.items():
        for role, code in zip(ROLES, codes, strict=True):
            if isinstance(code, Hole):
                yield pytest.param(
                    key,
                    role,
                    code,
                    id=f"{key}-{role}",
                    marks=pytest.mark.xfail(
                        strict=True, raises=AssertionError, reason=f"{role}: {code.why}"
                    ),
                )


# Only while some case is marked ``Hole`` (none is today): an empty parametrisation would
# show up as a skipped test.
if any(True for _ in _holes()):

    @pytest.mark.parametrize(("key", "role", "hole"), list(_holes()))
    def test_suspected_holes_answer_as_they_should(db, world, key, role, hole):
        """The cases marked ``Hole`` in EXPECTED: they fail (xfail) until the code is fixed, and
        any answer but the one seen so far or the right one is a plain failure."""
        status = _answer(world, key, role).status_code
        if status not in (hole.got, hole.want):
            pytest.fail(f"{key} as {role}: {status}, neither {hole.got} (seen) nor {hole.want}")
        assert status == hole.want


def test_every_route_has_an_expectation():
    found = routes()
    assert None not in found, f"unnamed routes: {found.get(None)}"
    missing = []
    for name, patterns in found.items():
        ask = ASK.get(name, district())
        takes_args = any("<" in p for p in patterns)
        if takes_args and ask.args is None:
            missing.append(f"{name}: say in ASK how to fill its URL arguments")
        missing += [key for key in ask.keys(name) if key not in EXPECTED]
    assert missing == []


def test_every_expectation_has_a_route():
    found = routes()
    needed = {key for name in found for key in ASK.get(name, district()).keys(name)}
    assert (sorted(set(EXPECTED) - needed), sorted(set(ASK) - set(found))) == ([], [])


def test_every_expectation_lists_each_role():
    assert [key for key, codes in EXPECTED.items() if len(codes) != len(ROLES)] == []


# --- the read-only roles ------------------------------------------------------------------
# The Mitra OPD and the Viewer change nothing, whatever they POST to whichever route (issue 11,
# item 7: a Mitra OPD recorded a coaching visit). Checked on the database itself, not on the
# answer: no statement that writes, and every table keeps its number of rows.

READ_ONLY_ROLES = ("mitra", "viewer", "provinsi")
# Logging out ends the user's own session and notes it in the login log (django-axes) and in
# the audit trail: those tables may change there, and nowhere else.
OWN_SESSION_ROUTES = {"accounts:logout"}
OWN_SESSION_TABLES = {"django_session", "axes_accesslog", "core_auditentry"}
WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|COPY|TRUNCATE)\b", re.I)


def _row_counts(ignore: set[str]) -> dict[str, int]:
    """The number of rows of every table of every model (but ``ignore``), in one query."""
    tables = {
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    }
    quote = connection.ops.quote_name
    # The table names come from the model registry, not from a request.
    sql = " UNION ALL ".join(
        f"SELECT '{t}', COUNT(*) FROM {quote(t)}"  # noqa: S608
        for t in sorted(tables - ignore)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


class DatabaseWatch:
    """What the statements run inside it wrote: ``writes`` (the write statements) and
    ``recounted`` (the tables whose number of rows changed), both but on ``ignore``."""

    def __init__(self, ignore=()):
        self.ignore = set(ignore)

    def __enter__(self):
        self.writes: list[str] = []
        self.recounted: dict[str, tuple[int, int]] = {}
        self._before = _row_counts(self.ignore)
        self._wrapper = connection.execute_wrapper(self._record)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)
        after = _row_counts(self.ignore)
        self.recounted = {t: (n, after[t]) for t, n in self._before.items() if after[t] != n}
        return False

    def _record(self, execute, sql, params, many, context):
        if WRITE_SQL.match(sql) and not any(t in sql for t in self.ignore):
            self.writes.append(sql[:160])
        return execute(sql, params, many, context)


def _post_keys() -> list[str]:
    return sorted(
        key
        for name in routes()
        for key in ASK.get(name, district()).keys(name)
        if key.split()[1] == "POST"
    )


@pytest.mark.parametrize("key", _post_keys())
def test_read_only_roles_change_nothing_through_any_post_route(db, world, key):
    ignore = OWN_SESSION_TABLES if key.split()[0] in OWN_SESSION_ROUTES else ()
    changed = {}
    for role in READ_ONLY_ROLES:
        if role == "provinsi" and key in PROVINSI_DIFFERS:
            continue  # the installation's settings, which it manages
        watch = DatabaseWatch(ignore)
        status = _answer(world, key, role, watch=lambda w=watch: w).status_code
        if watch.writes or watch.recounted:
            changed[role] = (status, watch.writes, watch.recounted)
    assert changed == {}


def test_the_database_watch_sees_a_write(db, world):
    # The check above would pass on a watch that sees nothing: the admin's POST writes.
    watch = DatabaseWatch()
    assert _answer(world, "convergence:visit_create POST own", "admin", watch=lambda: watch)
    assert watch.writes and "convergence_coachingvisit" in watch.recounted


# --- names of persons ----------------------------------------------------------------------
# Names and phone numbers of persons (cadres, KPM, Pokja members, whoever is responsible for an
# activity or a follow-up, signatories, the accounts that did something) are shown only to the
# roles that may see personal data. The Mitra OPD and the Viewer get every page, download and
# chart they may open without one of them (issue 11, item 7: 47 cadre names on /konvergensi/kader/).


def _persons(world: World) -> set[str]:
    """The names and phone numbers of the synthetic persons of the world."""
    found = {SIGNATORY, world.users["admin"].get_username()}
    for o in world.objects.values():
        found |= {o.cadre.nama, o.cadre.telepon, o.activity.penanggung_jawab}
        found |= {o.tpk_target.nama} | {m.cadre.nama for m in o.tpk_team.memberships.all()}
        found |= {t.sertifikat for t in o.cadre.trainings.all()}
        found |= {m.nama for m in o.kampung.pokja_members.all()}
        found |= {m.telepon for m in o.kampung.pokja_members.all()}
        found |= {
            fu.penanggung_jawab
            for v in CoachingVisit.objects.filter(desa_id=o.kode)
            for fu in v.follow_ups.all()
        }
    return found - {""}


def _text(response) -> str:
    """A response's text: a page, JSON, the text of a (stub) PDF, the cells of an xlsx."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            body = b"".join(book.read(n) for n in book.namelist() if n.endswith(".xml"))
    return body.decode("utf-8", "replace")


def _readable_gets(role: str) -> list[str]:
    if role == "provinsi":
        return [k for k in EXPECTED if " GET" in k and provinsi_expected(k) == 200]
    index = ROLES.index(role)
    return [k for k, codes in EXPECTED.items() if " GET" in k and codes[index] == 200]


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_see_no_name_of_a_person(db, world, role):
    persons = _persons(world)
    assert len(persons) >= 12 and all(len(p) > 6 for p in persons)
    seen = {}
    for key in _readable_gets(role):
        text = _text(_answer(world, key, role))
        seen[key] = sorted(p for p in persons if p in text)
    # The KPM per desa are listed on the page of aksi 5.
    aksi_5 = ActionDefinition.objects.get(framework=world.objects["own"].action.framework, nomor=5)
    client = Client()
    client.force_login(world.users[role])
    page = client.get(
        reverse("convergence:action_edit", args=[world.objects["own"].year, aksi_5.pk])
    )
    assert page.status_code == 200
    seen["aksi 5"] = sorted(p for p in persons if p in _text(page))
    assert {k: v for k, v in seen.items() if v} == {}


def test_the_roles_with_personal_data_see_those_names(db, world):
    # The check above would pass on pages that show no names to anyone.
    persons = _persons(world)
    client = Client()
    client.force_login(world.users["admin"])
    own = world.objects["own"]
    pages = [
        reverse("convergence:cadre_list"),
        reverse("convergence:followup_overdue"),
        reverse("convergence:action_edit", args=[own.year, own.action.pk]),
        reverse("analytics:publications"),
    ]
    for o in world.objects.values():
        pages += [
            reverse("convergence:cadre_detail", args=[o.cadre.pk]),
            reverse("convergence:plan_detail", args=[o.plan.pk]),
            reverse("convergence:visit_detail", args=[o.visit.pk]),
            reverse("wilayah:kampung_kb_detail", args=[o.kampung.pk]),
            reverse("families:tpk_team", args=[o.tpk_team.pk]),
            reverse("families:tpk_target", args=[o.tpk_target.pk]),
        ]
    text = "".join(_text(client.get(url)) for url in pages)
    assert sorted(p for p in persons if p not in text) == []


# --- hand-written checks --------------------------------------------------------------------
# They run inside the matrix's world (its users and objects), like the matrix itself.


def test_kecamatan_pages_answer_by_area(client, db, world):
    expected = {
        MANGGAR: (200, 200, 404, 200, 200),
        GANTUNG: (200, 404, 404, 200, 200),
    }
    for kode, codes in expected.items():
        for role, want in zip(ROLES[1:], codes, strict=True):
            client.force_login(world.users[role])
            got = client.get(reverse("wilayah:detail", args=[kode])).status_code
            assert got == want, (kode, role)


def test_posts_outside_the_area_are_refused_like_gets(client, db, world):
    users, own, other = world.users, world.objects["own"], world.objects["other"]
    client.force_login(users["kecamatan"])
    url = reverse("wilayah:maturity_add", args=[other.kampung.pk])
    assert (
        client.post(url, {"tingkat": "dasar", "tanggal": "2024-01-01", "sumber": "x"}).status_code
        == 404
    )
    client.force_login(users["mitra"])
    url = reverse("wilayah:maturity_add", args=[own.kampung.pk])
    assert (
        client.post(url, {"tingkat": "dasar", "tanggal": "2024-01-01", "sumber": "x"}).status_code
        == 403
    )


def test_user_without_role_sees_nothing(client, django_user_model, db, world):
    kampung = world.objects["own"].kampung
    client.force_login(django_user_model.objects.create(username="tanpa-peran"))
    assert client.get(reverse("wilayah:detail", args=[KURNIA_JAYA])).status_code == 404
    assert client.get(reverse("wilayah:kampung_kb_detail", args=[kampung.pk])).status_code == 404
    assert "belum memiliki wilayah tugas" in client.get("/").content.decode()


def test_superuser_may_use_django_admin(client, db, world):
    client.force_login(factories.superuser())
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/wilayah/kampungkb/").status_code == 200


def test_django_admin_is_for_superusers_only(client, db, world):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/masuk/" in response["Location"] or "/admin/login/" in response["Location"]
    for role in ROLES[1:]:
        client.force_login(world.users[role])
        assert client.get("/admin/").status_code == 302, role
