"""Reads of the innovations of the desa in the user's area."""

from kampungkb.convergence.innovations.models import Innovation


def innovation_list(*, user):
    return (
        Innovation.objects.for_user(user)
        .select_related("desa", "desa__parent")
        .prefetch_related("direplikasi_di")
    )
