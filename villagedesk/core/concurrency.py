"""Saves that cannot silently undo each other, and forms that cannot add a row twice.

An edit form carries the version of the record it was filled from. The save moves the row from
that version to the next in one `UPDATE ... WHERE version = N`, inside the write's transaction: of
two people saving from the same version, the database lets one through and the other finds no row
to move, and is refused with what the first one changed (`EditConflict`).

A create form carries a one-time token. The write spends it first, in its own transaction: a form
sent twice (a double click, a retried request on a weak connection) finds the token spent once the
first write commits, and leads back to what that write added (`FormAlreadySent`), never to a
second row.
"""

import datetime
import secrets
from contextlib import contextmanager

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villagedesk.core.models import SpentFormToken

# How long a create form stays good to send; spent tokens are forgotten after it.
FORM_TOKEN_MAX_AGE = datetime.timedelta(days=7)


class VersionField(models.PositiveIntegerField):
    """How many times the row has been saved: the version an edit form started from."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", 1)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("verbose_name", _("version"))
        super().__init__(*args, **kwargs)


def version_field_of(model) -> VersionField | None:
    return next((f for f in model._meta.concrete_fields if isinstance(f, VersionField)), None)


class EditConflict(ValidationError):
    """The record was saved by someone else (or removed) since the form was filled.

    `current` is the record as it is now, or None when it was removed.
    """

    def __init__(self, current):
        self.current = current
        if current is None:
            message = _("Someone else removed this record while you were editing it.")
        else:
            message = _(
                "Someone else saved this record while you were editing it, so nothing was saved. "
                "Their values are shown below: check them, then save again to keep yours."
            )
        super().__init__(message, code="edit_conflict")


def version_claim(instance) -> None:
    """Move a saved row from the version the instance holds to the next, or raise EditConflict.

    Call it inside the write's transaction: the row stays locked until the transaction ends, so a
    concurrent save from the same version waits, then finds the version gone.
    """
    field = version_field_of(type(instance))
    if field is None or instance._state.adding or instance.pk is None:
        return
    expected = getattr(instance, field.attname)
    manager = type(instance)._base_manager
    moved = manager.filter(pk=instance.pk, **{field.attname: expected}).update(
        **{field.attname: F(field.attname) + 1}
    )
    if not moved:
        raise EditConflict(manager.filter(pk=instance.pk).first())
    setattr(instance, field.attname, expected + 1)


def token_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt="villagedesk.core.form-token")


def form_token_new() -> str:
    """A fresh one-time token for a create form, signed with the time it was given."""
    return token_signer().sign(secrets.token_urlsafe(18))


def form_token_checked(signed: str) -> str | None:
    """The token's own part when it is ours and not too old, else None."""
    try:
        return token_signer().unsign(signed, max_age=FORM_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None


class FormAlreadySent(Exception):
    """The create form was sent before and that write was saved; `leads_to` is what it added."""

    def __init__(self, leads_to: str):
        super().__init__(leads_to)
        self.leads_to = leads_to


class Receipt:
    """What a spent token leads back to: the page of what the write added."""

    def __init__(self, token: str | None):
        self.token = token

    def leads_to(self, to, *args, **kwargs) -> None:
        """Remember the page a repeat is sent to: a model instance, a path, or a URL name and
        its arguments."""
        if self.token is not None:
            SpentFormToken.objects.filter(token=self.token).update(
                leads_to=resolve_url(to, *args, **kwargs)
            )

    def void(self) -> None:
        """Nothing was added after all (a report of errors, not an exception): undo the block,
        so that the token stays good for the corrected form."""
        transaction.set_rollback(True)


def form_token_refuse_spent(signed: str) -> None:
    """Raise FormAlreadySent when the token was spent by a write already committed."""
    token = form_token_checked(signed)
    spent = SpentFormToken.objects.filter(token=token).first() if token else None
    if spent is not None:
        raise FormAlreadySent(spent.leads_to)


def form_token_spend(token: str) -> None:
    """Spend a token in the current transaction, or raise FormAlreadySent.

    A concurrent sending of the same token waits on the unique key until this transaction ends:
    if it commits, the other finds the token spent; if it rolls back, the other may write.
    """
    try:
        with transaction.atomic():
            SpentFormToken.objects.create(token=token)
    except IntegrityError:
        spent = SpentFormToken.objects.filter(token=token).first()
        raise FormAlreadySent(spent.leads_to if spent else "") from None
    SpentFormToken.objects.filter(spent_at__lt=timezone.now() - FORM_TOKEN_MAX_AGE).delete()


@contextmanager
def saved_once(form):
    """Run the block in one transaction that first spends the form's one-time token, if it has
    one (a create form); yield the Receipt on which the block names what it added.

    When the block raises, nothing is written and the token stays good, so that the form can be
    corrected and sent again. A token already spent raises FormAlreadySent.
    """
    token = getattr(form, "spendable_token", None)
    with transaction.atomic():
        if token is not None:
            form_token_spend(token)
        yield Receipt(token)
