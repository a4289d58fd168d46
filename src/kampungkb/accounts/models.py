from django.contrib.auth import password_validation
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.roles import Role, role_fits_wilayah

__all__ = ["Role", "User"]


class UserManager(DjangoUserManager):
    """Django's user manager, with every password it is given checked by the validators.

    ``createsuperuser`` goes through here: without this, its ``--noinput`` mode would take
    ``DJANGO_SUPERUSER_PASSWORD`` unchecked and its prompt would offer to bypass the checks.
    """

    def _create_user_object(self, username, email, password, **extra_fields):
        user = super()._create_user_object(username, email, password, **extra_fields)
        if password is not None:
            password_validation.validate_password(password, user)
        return user


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

    objects = UserManager()

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

    def clean(self):
        super().clean()
        # Wherever a user is made or changed (user_create, Django admin), a role covers an
        # area of its level: an Operator Desa given a kabupaten would see all of it.
        if self.role and (
            self.wilayah is None or not role_fits_wilayah(self.role, self.wilayah.level)
        ):
            raise ValidationError(
                {"wilayah": _("This role must cover a wilayah of the right level.")}
            )
