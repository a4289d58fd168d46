"""Show a service's ``ValidationError`` on the form the user filled in."""

from django.core.exceptions import ValidationError


def add_validation_errors(form, exc: ValidationError) -> None:
    """Put each error of ``exc`` beside its field, or above the form when no field has its name.

    Services raise ``ValidationError({"field": [...]})`` with the same names as the form's
    fields; a message without a field (``ValidationError("...")``) becomes a form error.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
