from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop

from kampungkb.accounts.demo import reset_password, seed_accounts
from kampungkb.accounts.models import Role
from kampungkb.analytics.demo import seed_demo_analytics
from kampungkb.convergence.cadres.demo import seed_demo_tpk_members
from kampungkb.convergence.demo import seed_demo_convergence
from kampungkb.core.management.base import TranslatedCommand
from kampungkb.families.demo import seed_families
from kampungkb.families.tpk.demo import seed_demo_tpk
from kampungkb.families.tpk.scorecard.demo import seed_demo_scorecard
from kampungkb.growth.demo import seed_growth
from kampungkb.wilayah.demo import seed_kampung_kb
from kampungkb.wilayah.loading import wilayah_load


class Command(TranslatedCommand):
    help = gettext_noop(
        "Load Belitung Timur and the synthetic demo data, and create one demo account per role "
        "(random passwords, printed once). Safe to run again: existing data is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=gettext_noop("Give the demo accounts new random passwords and print them."),
        )

    def handle(self, *args, reset_passwords=False, **options):
        with transaction.atomic():
            loaded = wilayah_load(folder=settings.KAMPUNGKB_DEFAULT_WILAYAH)
            n_kampung_kb = seed_kampung_kb()
            growth = seed_growth(n_children=settings.KAMPUNGKB_DEMO_CHILDREN)
            families = seed_families(n_children=settings.KAMPUNGKB_DEMO_CHILDREN)
            accounts = seed_accounts()
            # After the accounts: the demo publication is made by the district admin.
            analytics = seed_demo_analytics()
            convergence = seed_demo_convergence()
            # After the families demo, if any (its pregnant wives become TPK targets), and
            # the convergence cadres (the teams' members).
            tpk = seed_demo_tpk(n_children=settings.KAMPUNGKB_DEMO_CHILDREN)
            tpk_members = seed_demo_tpk_members()
            scorecard = seed_demo_scorecard()
        self.stdout.write(
            f"Wilayah Belitung Timur: {loaded.created} baru, {loaded.updated} diperbarui, "
            f"{loaded.unchanged} tetap. Kampung KB demo baru: {n_kampung_kb}."
        )
        self.stdout.write(
            f"Data pertumbuhan demo (sintetis): {growth.puskesmas} puskesmas, "
            f"{growth.posyandu} posyandu, {growth.children} anak, {growth.measurements} "
            f"pengukuran dalam {growth.seconds:.1f} s."
            if growth.created
            else "Data pertumbuhan demo (sintetis) sudah ada; tidak diubah."
        )
        self.stdout.write(
            f"Keluarga demo (sintetis): {families.families} keluarga, {families.rounds} putaran "
            f"pendataan, {families.members} anggota, {families.krs_latest} KRS pada putaran "
            f"terakhir, dalam {families.seconds:.1f} s."
            if families.created
            else "Keluarga demo (sintetis) sudah ada; tidak diubah."
        )
        self.stdout.write(
            f"Analisis: ringkasan prevalensi {analytics['rebuild_seconds']:.1f} s, "
            f"{analytics['surveys']} angka survei, {analytics['targets']} target, "
            f"{analytics['publications']} publikasi baru."
        )
        self.stdout.write(
            "Konvergensi demo (sintetis): sudah ada; tidak diubah."
            if convergence.get("skipped")
            else "Konvergensi demo (sintetis): aksi, rencana, kader, pembinaan dan penilaian "
            "Kampung KB dibuat."
        )
        self.stdout.write(
            "TPK demo (sintetis): sudah ada; tidak diubah."
            if tpk.get("skipped")
            else f"TPK demo (sintetis): {tpk['teams']} tim ({tpk_members} anggota), "
            f"{tpk['targets']} sasaran, {tpk['visits']} kunjungan."
        )
        self.stdout.write(
            f"Kartu skor konvergensi demo (sintetis): {scorecard} sel diisi KPM."
            if scorecard
            else "Kartu skor konvergensi demo (sintetis): sudah ada; tidak diubah."
        )
        if reset_passwords:
            accounts = [(u, r, w, reset_password(u)) for u, r, w, _ in accounts]
        labels = dict(Role.choices)
        self.stdout.write("")
        self.stdout.write("Akun demo / demo accounts:")
        for username, role, wilayah, password in accounts:
            shown = password or "(sudah ada; kata sandi tidak diubah / unchanged)"
            self.stdout.write(f"  {username:<22} {shown:<24} {labels[role]} · {wilayah}")
        if any(p is None for *_, p in accounts):
            self.stdout.write(
                "  Lupa kata sandi? / Forgot a password? kampungkb seed_demo --reset-passwords"
            )
