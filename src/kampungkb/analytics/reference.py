"""Reference data seeded by a migration: the national stunting targets (shared domain notes §7).

Kept as plain data so a migration, the demo and the browser tests (whose database is flushed
between tests) load the same values through :func:`national_targets_load`.
"""

NATIONAL_TARGETS = [
    # (year, target %, source)
    (
        2024,
        "14.00",
        "RPJMN 2020-2024 (Perpres 18/2020) dan Perpres 72/2021: prevalensi stunting balita 14% "
        "pada 2024",
    ),
    (
        2025,
        "18.00",
        "Target antara 2025 (Kepmen PPN tentang lokus 2025): 18%; dilaporkan Bappenas 18,8%",
    ),
    (2029, "14.20", "RPJMN 2025-2029: prevalensi stunting balita 14,2% pada 2029"),
    (2045, "5.00", "RPJPN 2025-2045: prevalensi stunting balita 5% pada 2045"),
]


def national_targets_load(target_model=None) -> int:
    """Create the national stunting targets that are missing; return how many were created."""
    if target_model is None:
        from kampungkb.analytics.models import Target as target_model
    created = 0
    for year, value, source in NATIONAL_TARGETS:
        _, was_created = target_model.objects.get_or_create(
            scope="national",
            wilayah=None,
            tahun=year,
            indicator="stunting",
            defaults={"nilai": value, "sumber": source},
        )
        created += was_created
    return created
