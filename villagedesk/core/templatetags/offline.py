"""The words of the offline queue (static/js/offline.js), in the page's language, as data."""

from functools import cache

from django import template
from django.utils.html import json_script
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

register = template.Library()


def offline_words() -> dict[str, str]:
    return {
        "waiting": _("%(count)s waiting to send"),
        "stuck": _("%(count)s not sent: your decision is needed"),
        "queued": _(
            "No connection: saved on this phone. It will be sent when the connection returns."
        ),
        "offline": _("No connection: what you save is kept on this phone."),
        "kept": _("%(count)s pages kept on this phone for reading offline."),
        "login": _("Your session has ended: log in again to send what is waiting."),
        "gone": _(
            "The household, person or village is no longer among yours (moved to another "
            "village, or removed)."
        ),
        "refused": _("The server refused it."),
        "state_waiting": _("Waiting to send"),
        "state_failed": _("Not sent"),
        "state_conflict": _("Changed meanwhile"),
        "send_now": _("Send now"),
        "edit": _("Edit and send again"),
        "discard": _("Discard"),
        "discard_confirm": _("Discard it? It was never sent, and it cannot be brought back."),
        "logout_confirm": _(
            "%(count)s written on this phone have not been sent. Logging out deletes them from "
            "this phone. Log out anyway?"
        ),
        "conflict_intro": _(
            "Someone else saved this problem while you were offline. For each field both of you "
            "changed, choose the value to keep."
        ),
        "mine": _("Mine"),
        "theirs": _("Saved now"),
        "keep_choice": _("Save my choice"),
        "no_change": _("Nothing was changed."),
        "needs_connection": _(
            "Not saved: %(fields)s can be changed only with a connection. Change them again "
            "when it returns."
        ),
        "photo": _("with a photo"),
    }


@register.simple_tag
def offline_words_script():
    """The words as a JSON script element; every logged-in page carries it, so it is made once
    per language and process."""
    return offline_words_script_in(get_language())


@cache
def offline_words_script_in(language: str) -> str:
    with override(language):
        return json_script(offline_words(), "offline-words")
