"""The one way a service saves a model instance."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from villagedesk.core.concurrency import version_claim
from villagedesk.core.sealing import identity_hashes_fill


def validated_save(instance, *, by=None, update_fields=None) -> None:
    """Validate every field and constraint, then save, naming the author in the record's history.

    A versioned record is saved only from the version it was read at: one saved by someone else
    since raises EditConflict (see `core.concurrency`). A constraint that only the database could
    see (a concurrent double submit got there first) becomes a ValidationError for the form, and
    nothing is saved.
    """
    # The identity hashes are what the uniqueness of a number is checked on.
    identity_hashes_fill([instance])
    instance.full_clean()
    if by is not None:
        instance._history_user = by
    try:
        with transaction.atomic():
            version_claim(instance)
            instance.save(update_fields=update_fields)
    except IntegrityError as error:
        raise ValidationError(
            _("This record changed while you were editing it. Check it and save again.")
        ) from error
