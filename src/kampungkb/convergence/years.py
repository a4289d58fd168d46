"""The years the convergence work is recorded for: the bounds a model, a form and a page's
``?tahun=`` share."""

from django.core.validators import MaxValueValidator, MinValueValidator

FIRST_YEAR = 2015
LAST_YEAR = 2100
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
