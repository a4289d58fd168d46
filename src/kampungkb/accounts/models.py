from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.roles import Role

__all__ = ["Role", "User"]


class User(AbstractUser):
    """A person who logs in. A role and the one wilayah it covers decide what they see."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    wilayah = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("wilayah covered"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    organisation = models.CharField(
        _("organisation"), max_length=150, blank=True, help_text=_("e.g. the OPD of a partner")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A role without an area would be a hole in the scoping; forbid it in the schema.
            models.CheckConstraint(
                condition=Q(role="") | Q(wilayah__isnull=False),
                name="user_role_requires_wilayah",
            ),
        ]
