import datetime

from villagedesk.projects import services
from villagedesk.projects.models import STAGE_ORDER, Project, ProjectKind

DECIDED = datetime.date(2025, 3, 1)


def make_project(*, by, village, name="村道硬化工程", kind=ProjectKind.ROADS, **fields) -> Project:
    """A project approved by a dated decision, with its seven stages, none done."""
    project = Project(
        village=village,
        name=name,
        kind=kind,
        year=2025,
        decided_on=DECIDED,
        decision_number="禄乡振〔2025〕12号",
        **fields,
    )
    return services.project_save(by=by, project=project)


def stages_done(*, by, project, until: str, start=DECIDED) -> None:
    """Do the project's stages in order up to `until`, a day apart from `start`."""
    for number, stage in enumerate(STAGE_ORDER):
        day = start + datetime.timedelta(days=number)
        services.stage_record(by=by, project=project, stage=stage, planned_on=day, done_on=day)
        if stage == until:
            return
