"""Registry imports as background jobs, through the ImportJob machinery of the web's import
pages: submit a file (checked at once, nothing written), load it in the background, poll its
progress, fetch its report."""

import datetime

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from villagedesk.api.cursors import AREA_CODE, row_id
from villagedesk.api.errors import READ_ERRORS, WRITE_ERRORS, ApiError
from villagedesk.registry.import_forms import UPLOAD_SUFFIXES, importable_areas
from villagedesk.registry.import_views import shown_issues
from villagedesk.registry.imports import jobs
from villagedesk.registry.models import ImportJob

router = Router(tags=["imports"])


class Issue(Schema):
    row: int | None = Field(None, description="表格行号")
    column: str = Field("", description="列 (字母和表头)")
    message: str = Field(examples=["“1980-13-01”不是日期"])


class ImportOut(Schema):
    id: int
    area: str = Field(description="导入的区划代码")
    file_name: str = Field(alias="original_name", examples=["大河村台账.xlsx"])
    status: str = Field(
        description="checked 已检查, queued 排队, running 导入中, done 完成, "
        "rejected 被拒, cancelled 已取消, failed 失败",
        examples=["checked"],
    )
    done: int = Field(description="已写入的行")
    total: int = Field(description="要写入的行")
    percent: int
    errors: int = Field(description="有错误的行数")
    message: str
    issues: list[Issue] = Field(description="逐行的问题 (号码打码)")
    has_report: bool
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


def shown(job: ImportJob) -> dict:
    done, total = jobs.job_progress(job)
    percent = (
        100 if job.status == ImportJob.Status.DONE else (int(100 * done / total) if total else 0)
    )
    return {
        "id": job.pk,
        "area": job.area.code,
        "original_name": job.original_name,
        "status": job.status,
        "done": done,
        "total": total,
        "percent": percent,
        "errors": job.counts.get("errors", 0),
        "message": job.message,
        "issues": [
            {"row": i.get("row"), "column": i["shown_column"], "message": i["message"]}
            for i in shown_issues(job)
        ],
        "has_report": bool(job.report),
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


class ImportIn(Schema):
    area: str = Field(
        pattern=AREA_CODE, description="导入到的村、乡镇或县", examples=["520123101001"]
    )


@router.post("/imports", response={201: ImportOut, **WRITE_ERRORS}, url_name="import-create")
def import_create(
    request,
    file: File[UploadedFile],
    data: Form[ImportIn],
):
    """Submit a household ledger (.xlsx, .xls, .ods, .csv) for an area whose registry the caller
    keeps: it is checked at once and nothing is written; `status` says whether it can load."""
    into = importable_areas(request.user).filter(code=data.area).first()
    if into is None:
        raise ApiError(404, "not_found", _("Not found."))
    if not file.name.lower().endswith(UPLOAD_SUFFIXES):
        raise ApiError(
            422,
            "refused",
            _("The record was not saved: see the details."),
            {"file": [_("Give a .xlsx, .xls, .ods, .csv or .txt file.")]},
        )
    job = jobs.import_check(by=request.user, area=into, upload=file)
    return Status(201, shown(job))


@router.get(
    "/imports/{int:import_id}", response={200: ImportOut, **READ_ERRORS}, url_name="import-detail"
)
def import_detail(request, import_id: int = row_id()):
    """One of the caller's imports, with its progress: poll it until `status` is done."""
    return shown(jobs.import_job_get(user=request.user, pk=import_id))


class LoadIn(Schema):
    partial: bool = Field(False, description="只导入没有错误的户")


@router.post(
    "/imports/{int:import_id}/load",
    response={202: ImportOut, **WRITE_ERRORS},
    url_name="import-load",
)
def import_load(request, data: LoadIn, import_id: int = row_id()):
    """Load a checked file in the background (all or nothing, or only its valid households with
    `partial`); sending it again does not load it twice."""
    job = jobs.import_job_get(user=request.user, pk=import_id)
    if job.status == ImportJob.Status.CHECKED and job.counts.get("errors") and not data.partial:
        raise ApiError(
            409,
            "import_has_errors",
            _("The file has errors: correct them, or load the valid households only."),
        )
    if job.status not in {ImportJob.Status.CHECKED, ImportJob.Status.QUEUED}:
        raise ApiError(409, "import_not_loadable", _("This import cannot be loaded now."))
    return Status(202, shown(jobs.import_queue(by=request.user, job=job, partial=data.partial)))


@router.get(
    "/imports/{int:import_id}/report",
    response={200: None, **READ_ERRORS},
    url_name="import-report",
)
def import_report(request, import_id: int = row_id()):
    """The row-by-row report of an import, as the web's page gives it."""
    job = jobs.import_job_get(user=request.user, pk=import_id)
    if not job.report:
        raise ApiError(404, "not_found", _("Not found."))
    name = f"{job.original_name.rsplit('.', 1)[0]}-report.xlsx"
    return FileResponse(job.report.open("rb"), as_attachment=True, filename=name)
