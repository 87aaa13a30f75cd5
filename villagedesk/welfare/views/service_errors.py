"""How a refused or invalid service call reaches the user: as errors on the form that was sent,
or as a message on the page a POST redirects back to.

`errors_on_form` is the sibling of `core.forms.form_with_service_errors` for PermissionDenied;
it lives here until it is wanted beyond welfare.
"""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy

from villagedesk.core.forms import form_with_service_errors
from villagedesk.welfare.rules import RuleError

# The refusal of a write in a household the user does not keep (a village outside their areas,
# or a role that only reads).
KEEP_REFUSED = gettext_lazy("You do not keep this household's village.")


@contextmanager
def errors_on_form(form, *, refused: str | None = None, field: str | None = None):
    """Run the service calls of the block; what they refuse becomes errors on the form and the
    rest of the block is skipped.

    A PermissionDenied shows `refused` (on `field`, or above the form); without `refused` it
    stays a 403. A ValidationError shows field by field where it names fields, else on `field`.
    A RuleError (a rule that cannot be evaluated) shows like a ValidationError.
    """
    try:
        yield
    except PermissionDenied:
        if refused is None:
            raise
        form.add_error(field, refused)
    except ValidationError as error:
        if field is not None and not hasattr(error, "error_dict"):
            form.add_error(field, error)
        else:
            form_with_service_errors(form, error)
    except RuleError as error:
        form.add_error(field, str(error))


@contextmanager
def errors_as_messages(request, *, refused: str | None = None):
    """Run the service calls of the block; what they refuse becomes an error message and the
    rest of the block is skipped. Without `refused`, a PermissionDenied stays a 403."""
    try:
        yield
    except PermissionDenied:
        if refused is None:
            raise
        messages.error(request, refused)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except RuleError as error:
        messages.error(request, str(error))
