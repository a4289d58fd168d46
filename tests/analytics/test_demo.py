from kampungkb.analytics.demo import seed_demo_analytics
from kampungkb.analytics.models import Publication, SurveyFigure, Target
from kampungkb.core.models import AuditEntry
from tests.conftest import KURNIA_JAYA


def test_seed_demo_analytics_publishes_once_and_is_idempotent(data):
    data.many(KURNIA_JAYA, "2025-08-10", n=10, cases=3)
    first = seed_demo_analytics()
    assert first["publications"] == 1 and first["surveys"] >= 4
    counts = (SurveyFigure.objects.count(), Target.objects.count(), Publication.objects.count())
    second = seed_demo_analytics()
    assert (second["surveys"], second["targets"], second["publications"]) == (0, 0, 0)
    assert counts == (
        SurveyFigure.objects.count(),
        Target.objects.count(),
        Publication.objects.count(),
    )
    ssgi = SurveyFigure.objects.get(survey="ssgi", tahun=2024, wilayah_id="19.06")
    assert float(ssgi.prevalensi) == 17.1
    assert Target.objects.filter(scope="national").count() == 4
    assert AuditEntry.objects.filter(object_type="analytics.publication").count() == 1
