"""Every error of the API as one body: {"code", "message", "details"}, the message in the
caller's language (Accept-Language, or the language cookie of a session), never a traceback."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as RequestInvalid

from villagedesk.core.concurrency import EditConflict

logger = logging.getLogger(__name__)


class ErrorBody(Schema):
    code: str
    message: str
    details: dict | list | None = None

    model_config = {
        "json_schema_extra": {
            "examples": [{"code": "not_found", "message": "未找到。", "details": None}]
        }
    }


# The answers every operation may give besides its own.
ERRORS = {400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody}
WRITE_ERRORS = {**ERRORS, 409: ErrorBody, 422: ErrorBody}
READ_ERRORS = {**ERRORS, 422: ErrorBody}


class ApiError(Exception):
    """An answer other than success, raised from an endpoint."""

    def __init__(self, status: int, code: str, message: str, details=None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message, details=None
):
    body = {"code": code, "message": str(message), "details": details}
    return api.create_response(request, body, status=status)


def messages_of(error: DjangoValidationError) -> dict | list:
    """A service's ValidationError as field → messages (or a list of messages)."""
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return [str(m) for m in error.messages]


def handlers_install(api: NinjaAPI) -> None:
    """Answer every exception an endpoint or the framework raises with the one error body."""

    def on(exc_class):
        def decorator(handler):
            api.add_exception_handler(exc_class, handler)
            return handler

        return decorator

    @on(ApiError)
    def api_error(request, exc: ApiError):
        return error_response(api, request, exc.status, exc.code, exc.message, exc.details)

    @on(RequestInvalid)
    def request_invalid(request, exc: RequestInvalid):
        details = [
            {"loc": list(e.get("loc", ())), "type": e.get("type", ""), "msg": e.get("msg", "")}
            for e in exc.errors
        ]
        return error_response(
            api, request, 422, "invalid", _("The request is not valid: see the details."), details
        )

    @on(EditConflict)
    def edit_conflict(request, exc: EditConflict):
        return error_response(api, request, 409, "edit_conflict", exc.messages[0])

    @on(DjangoValidationError)
    def refused(request, exc: DjangoValidationError):
        return error_response(
            api,
            request,
            422,
            "refused",
            _("The record was not saved: see the details."),
            messages_of(exc),
        )

    @on(Http404)
    def not_found(request, exc):
        return error_response(api, request, 404, "not_found", _("Not found."))

    @on(PermissionDenied)
    def forbidden(request, exc):
        return error_response(
            api, request, 403, "forbidden", _("You may not do this in this area.")
        )

    @on(AuthenticationError)
    def unauthenticated(request, exc):
        return error_response(
            api,
            request,
            401,
            "unauthenticated",
            _("Send a valid access token (Authorization: Bearer …) or log in."),
        )

    @on(Throttled)
    def throttled(request, exc: Throttled):
        return error_response(
            api,
            request,
            429,
            "throttled",
            _("Too many requests: wait %(seconds)d seconds.") % {"seconds": int(exc.wait or 1)},
            {"retry_after": int(exc.wait or 1)},
        )

    @on(HttpError)
    def http_error(request, exc: HttpError):
        codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "not_allowed"}
        messages = {
            400: _("The request could not be read."),
            403: _("The request was refused: check the CSRF token of your session."),
        }
        return error_response(
            api,
            request,
            exc.status_code,
            codes.get(exc.status_code, "error"),
            messages.get(exc.status_code, _("The request was refused.")),
        )

    @on(Exception)
    def server_error(request, exc):
        logger.exception("API error", exc_info=exc)
        return error_response(
            api, request, 500, "server_error", _("Something went wrong on the server.")
        )
