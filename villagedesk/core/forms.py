"""Form helpers shared by every app's views."""

from django.core.exceptions import ValidationError


def form_with_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where it names fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def numbers_in_full_asked(request) -> tuple[bool, str]:
    """Whether an export asks for personal numbers in full, and the purpose it states.

    Only a POST asks, so that the purpose stays out of URLs and access logs; a GET exports with
    numbers masked. Whether the user may have them is the export service's question.
    """
    if request.method != "POST" or request.POST.get("full_numbers") != "1":
        return False, ""
    return True, request.POST.get("purpose", "")[:200]
