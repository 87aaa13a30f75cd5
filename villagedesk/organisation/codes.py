"""Code lists of the village organisation, with their Chinese and English labels side by side."""

from django.db import models

from villagedesk.core.codelists import bi


class Stage(models.TextChoices):
    """The steps of joining the Party (发展党员), in order."""

    APPLICANT = "applicant", bi("入党申请人", "Applicant")
    ACTIVIST = "activist", bi("入党积极分子", "Activist")
    CANDIDATE = "candidate", bi("发展对象", "Development object")
    PROBATIONARY = "probationary", bi("预备党员", "Probationary member")
    FULL = "full", bi("正式党员", "Full member")


# Each stage and the date field that says when it was reached, in the pipeline's order.
STAGE_DATES = {
    Stage.APPLICANT: "applied_on",
    Stage.ACTIVIST: "activist_on",
    Stage.CANDIDATE: "candidate_on",
    Stage.PROBATIONARY: "probationary_on",
    Stage.FULL: "full_on",
}
STAGES = list(STAGE_DATES)


class TalentKind(models.TextChoices):
    EX_SERVICEMAN = "ex_serviceman", bi("退役军人", "Ex-serviceman")
    GRADUATE = "graduate", bi("返乡大学生", "Returned graduate")
    RETURNED_WORKER = "returned_worker", bi("返乡务工人员", "Returned migrant worker")
    ENTREPRENEUR = "entrepreneur", bi("创业致富带头人", "Entrepreneur")
    RESERVE_CADRE = "reserve_cadre", bi("村级后备干部", "Reserve cadre")
