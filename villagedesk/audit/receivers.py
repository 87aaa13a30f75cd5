"""Events that other apps raise without knowing the audit log exists.

The house style keeps domain logic out of signals; these receivers hold none. They only copy
what happened into the log, for acts whose code lives elsewhere or in Django itself: logins
(Django's auth signals, sent by every login view, the admin's included), changes of
assignments (made in the admin, whose save and delete send the model signals), and writes of
personal data (each history row django-simple-history writes for a person, a household or a
contact). Listening here keeps one record for every path, and keeps the layers: the audit app
sits below every other app and names their models only by label.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from villagedesk.audit.models import Kind
from villagedesk.audit.services import record

# Models whose rows hold personal data (names with identity numbers or phones).
PERSONAL_MODELS = {"registry.person", "registry.household", "directory.contact"}
HISTORY_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@receiver(user_logged_in, dispatch_uid="audit_login")
def login_recorded(sender, request, user, **kwargs):
    record(kind=Kind.LOGIN, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def login_failure_recorded(sender, credentials, request=None, **kwargs):
    record(
        kind=Kind.LOGIN_FAILED,
        username=str(credentials.get("username", "")),
        request=request,
    )


@receiver(user_logged_out, dispatch_uid="audit_logout")
def logout_recorded(sender, request, user, **kwargs):
    if user is not None:
        record(kind=Kind.LOGOUT, user=user, request=request)


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


def assignment_recorded(instance, action: str):
    request = current_request()
    record(
        kind=Kind.PERMISSION_CHANGE,
        request=request,
        area_code=instance.area.code if instance.area_id else "",
        object_type="accounts.assignment",
        object_id=instance.pk,
        details={
            "action": action,
            "user": instance.user_id,
            "role": instance.role,
            "starts_on": str(instance.starts_on) if instance.starts_on else None,
            "ends_on": str(instance.ends_on) if instance.ends_on else None,
        },
    )


@receiver(post_save, sender="accounts.Assignment", dispatch_uid="audit_assignment_saved")
def assignment_saved(sender, instance, created, raw=False, **kwargs):
    if not raw:
        assignment_recorded(instance, "created" if created else "changed")


@receiver(post_delete, sender="accounts.Assignment", dispatch_uid="audit_assignment_deleted")
def assignment_deleted(sender, instance, **kwargs):
    assignment_recorded(instance, "deleted")


@receiver(post_create_historical_record, dispatch_uid="audit_personal_data_write")
def personal_data_write_recorded(sender, instance, history_instance, history_user=None, **kwargs):
    label = instance._meta.label_lower
    if label not in PERSONAL_MODELS:
        return
    record(
        kind=Kind.PERSONAL_DATA_WRITE,
        user=history_user,
        request=current_request(),
        area_code=getattr(instance, "area_code", "") or "",
        object_type=label,
        object_id=instance.pk,
        details={"action": HISTORY_ACTIONS.get(history_instance.history_type, "")},
    )
