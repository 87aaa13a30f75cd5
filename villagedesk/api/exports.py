"""Ledger exports as background jobs, through the web's export form and audited export: ask
for a ledger of an area, poll until it is written, fetch the file. Numbers are masked unless the
caller may export them in full and states a purpose, as on the web's ledger page."""

import datetime
from typing import Literal

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from villagedesk.api.cursors import AREA_CODE, row_id
from villagedesk.api.errors import READ_ERRORS, WRITE_ERRORS, ApiError, ErrorBody
from villagedesk.registry import export_jobs
from villagedesk.registry.codes import HouseholdStatus
from villagedesk.registry.exports import LEDGERS
from villagedesk.registry.import_forms import LedgerExportForm
from villagedesk.registry.models import ExportJob

router = Router(tags=["exports"])

LedgerName = Literal[tuple(LEDGERS)]
HouseholdStatusCode = Literal[tuple(HouseholdStatus.values)]


class ExportIn(Schema):
    ledger: LedgerName = Field(
        description="台账: household_roster 户花名册, person_roster 人员花名册, "
        "households_by_status 按户类型, persons_by_disability 残疾人员, "
        "persons_by_schooling 在校和学龄前人员",
        examples=["person_roster"],
    )
    area: str = Field(pattern=AREA_CODE, description="村、乡镇或县", examples=["520123101001"])
    file_format: Literal["xlsx", "csv"] = Field("xlsx", description="文件格式")
    household_status: HouseholdStatusCode | None = Field(None, description="只导出这一户类型")
    full_numbers: bool = Field(
        False, description="身份证号码和电话不打码: 须有导出个人信息的权限并说明用途, 导出被记录"
    )
    purpose: str = Field("", max_length=200, description="不打码导出的用途", examples=["县级核查"])


class ExportOut(Schema):
    id: int
    ledger: str
    area: str = Field(description="区划代码")
    file_format: str
    household_status: str = Field(description="户类型 (空: 全部)")
    full_numbers: bool
    status: str = Field(
        description="queued 排队, running 生成中, done 完成, failed 失败", examples=["queued"]
    )
    percent: int
    rows: int | None = Field(description="写入的行数 (完成后)")
    message: str
    has_file: bool
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


def shown(job: ExportJob) -> dict:
    return {
        "id": job.pk,
        "ledger": job.ledger,
        "area": job.area.code,
        "file_format": job.file_format,
        "household_status": job.household_status,
        "full_numbers": job.full_numbers,
        "status": job.status,
        "percent": 100 if job.status == ExportJob.Status.DONE else 0,
        "rows": job.rows,
        "message": job.message,
        "has_file": bool(job.file),
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@router.post("/exports", response={202: ExportOut, **WRITE_ERRORS}, url_name="export-create")
def export_create(request, data: ExportIn):
    """Ask for a ledger of an area the caller sees, written in the background in the caller's
    language; asked again while it waits, it is the same export."""
    areas = LedgerExportForm(user=request.user).fields["area"].queryset
    area = areas.filter(code=data.area).first()
    if area is None:
        raise ApiError(404, "not_found", _("Not found."))
    form = LedgerExportForm(
        {
            "ledger": data.ledger,
            "area": area.pk,
            "status": data.household_status or "",
            "file_format": data.file_format,
            "full_numbers": data.full_numbers,
            "purpose": data.purpose,
        },
        user=request.user,
    )
    if not form.is_valid():
        raise ApiError(
            422,
            "refused",
            _("The export was refused: see the details."),
            {field: [str(m) for m in messages] for field, messages in form.errors.items()},
        )
    job = export_jobs.export_request(
        by=request.user,
        ledger=form.cleaned_data["ledger"],
        area=area,
        file_format=form.cleaned_data["file_format"],
        household_status=form.cleaned_data["status"],
        full_numbers=form.cleaned_data["full_numbers"],
        purpose=form.cleaned_data["purpose"],
    )
    return Status(202, shown(job))


@router.get(
    "/exports/{int:export_id}", response={200: ExportOut, **READ_ERRORS}, url_name="export-detail"
)
def export_detail(request, export_id: int = row_id()):
    """One of the caller's exports: poll it until `status` is done, then fetch its file."""
    return shown(export_jobs.export_job_get(user=request.user, pk=export_id))


@router.get(
    "/exports/{int:export_id}/file",
    response={200: None, **READ_ERRORS, 409: ErrorBody},
    url_name="export-file",
)
def export_file(request, export_id: int = row_id()):
    """The written ledger (.xlsx or .csv), watermarked with who asked for it and when."""
    job = export_jobs.export_job_get(user=request.user, pk=export_id)
    if job.status != ExportJob.Status.DONE:
        raise ApiError(
            409,
            "export_not_ready",
            _("The ledger is not written: poll the export until its status is done."),
        )
    if not job.file:
        raise ApiError(
            409,
            "export_removed",
            _("The file was removed after its retention: ask for the export again."),
        )
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=export_jobs.export_filename(job)
    )
