"""The KRS rule set an installation starts with: the BKKBN rule of ``FAMILIES.md``.

Migration ``0002_default_krs_rule_set`` installs it on a new database (with its own frozen copy
of the rule, as migrations keep the data they were written with); :func:`default_rule_set_load`
puts it back where no rule set exists at all, e.g. after a test flushes every table.
"""

from kampungkb.families.krs import default_rules
from kampungkb.families.models import KrsRuleSet

DEFAULT_KODE = "bkkbn-krs"
DEFAULT_NAME = "KRS BKKBN (sasaran + faktor risiko)"
DEFAULT_SOURCE = (
    "BKKBN, Pendataan Keluarga dan verifikasi KRS: keluarga sasaran (PUS, ibu hamil, "
    "baduta, balita) dengan minimal satu faktor risiko (air minum, jamban, 4 terlalu)"
)


def default_rule_set_load() -> KrsRuleSet:
    """Return the default KRS rule set, making the BKKBN one the default when there is none."""
    current = KrsRuleSet.objects.filter(is_default=True).first()
    if current is not None:
        return current
    rule_set, _created = KrsRuleSet.objects.get_or_create(
        kode=DEFAULT_KODE,
        defaults={
            "nama": DEFAULT_NAME,
            "sumber": DEFAULT_SOURCE,
            "rules": default_rules(),
            "is_default": not KrsRuleSet.objects.filter(is_default=True).exists(),
        },
    )
    if not rule_set.is_default:
        KrsRuleSet.objects.filter(pk=rule_set.pk).update(is_default=True)
        rule_set.is_default = True
    return rule_set
