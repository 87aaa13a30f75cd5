"""Code lists of fieldwork: kinds of visit, topics, key groups, attitudes, problem categories."""

from django.db import models

from villagedesk.core.codelists import bi


class VisitKind(models.TextChoices):
    HOME = "home", bi("入户走访", "Home visit")
    FIELD = "field", bi("田间地头交谈", "Chat in the field")
    MEETING = "meeting", bi("座谈会议", "Meeting")
    PHONE = "phone", bi("电话联系", "Phone call")


class Topic(models.TextChoices):
    INCOME = "income", bi("收入", "Income")
    HEALTH = "health", bi("健康医疗", "Health")
    SCHOOLING = "schooling", bi("上学教育", "Schooling")
    HOUSING = "housing", bi("住房", "Housing")
    WATER = "water", bi("饮水", "Water")
    JOBS = "jobs", bi("就业务工", "Jobs")
    POLICY = "policy", bi("政策落实", "Policy")
    DISPUTE = "dispute", bi("矛盾纠纷", "Dispute")
    OTHER = "other", bi("其他", "Other")


class KeyGroup(models.TextChoices):
    """The people a new team talks to first (step 4 of the method)."""

    COMMITTEE = "committee", bi("村两委成员", "Two-committee member")
    PARTY = "party", bi("党员", "Party member")
    RETIRED_CADRE = "retired_cadre", bi("老干部", "Retired cadre")
    DOCTOR_TEACHER = "doctor_teacher", bi("乡村医生和教师", "Village doctor or teacher")
    ENTREPRENEUR = "entrepreneur", bi("致富能手", "Entrepreneur")
    RETURNED_YOUTH = "returned_youth", bi("返乡青年", "Returned young person")


class Attitude(models.TextChoices):
    EAGER = "eager", bi("积极支持", "Eager")
    NEUTRAL = "neutral", bi("态度一般", "Neutral")
    ASIDE = "aside", bi("观望旁观", "Standing aside")
    OPPOSED = "opposed", bi("反对", "Opposed")


class Influence(models.TextChoices):
    HIGH = "high", bi("影响大", "High")
    MEDIUM = "medium", bi("影响一般", "Medium")
    LOW = "low", bi("影响小", "Low")


class Presence(models.TextChoices):
    IN_VILLAGE = "in_village", bi("在村", "In the village")
    LEAVE = "leave", bi("请假", "Leave")
    TRAVEL = "travel", bi("公差出差", "Official travel")
    TRAINING = "training", bi("外出培训", "Training away")


class ProblemCategory(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", bi("基础设施", "Infrastructure")
    LIVELIHOOD = "livelihood", bi("民生保障", "Livelihood")
    INDUSTRY = "industry", bi("产业发展", "Industry")
    DISPUTE = "dispute", bi("矛盾纠纷", "Dispute")
    GOVERNANCE = "governance", bi("基层治理", "Governance")
    POLICY = "policy", bi("政策落实", "Policy")
    ENVIRONMENT = "environment", bi("人居环境", "Environment")
    OTHER = "other", bi("其他", "Other")


class Urgency(models.TextChoices):
    LOW = "low", bi("不急", "Not urgent")
    NORMAL = "normal", bi("一般", "Normal")
    HIGH = "high", bi("紧急", "Urgent")


class Solvable(models.TextChoices):
    LOCALLY = "locally", bi("村内可解决", "Can be solved locally")
    OUTSIDE = "outside", bi("需上级或外部支持", "Needs outside help")


class ProblemStatus(models.TextChoices):
    NEW = "new", bi("新提出", "New")
    ANALYSING = "analysing", bi("分析中", "Being analysed")
    IN_PROGRESS = "in_progress", bi("办理中", "In progress")
    SOLVED = "solved", bi("已解决", "Solved")
    REFERRED = "referred", bi("已上报", "Referred")
    LONG_TERM = "long_term", bi("长期推进", "Long-term")


# The register's workflow: a problem is analysed before work starts, and only work in progress
# (or a referral or long-term item coming back) can end as solved.
STATUS_STEPS = {
    ProblemStatus.NEW: {ProblemStatus.ANALYSING},
    ProblemStatus.ANALYSING: {
        ProblemStatus.IN_PROGRESS,
        ProblemStatus.REFERRED,
        ProblemStatus.LONG_TERM,
    },
    ProblemStatus.IN_PROGRESS: {
        ProblemStatus.SOLVED,
        ProblemStatus.REFERRED,
        ProblemStatus.LONG_TERM,
    },
    ProblemStatus.REFERRED: {ProblemStatus.IN_PROGRESS, ProblemStatus.SOLVED},
    ProblemStatus.LONG_TERM: {ProblemStatus.IN_PROGRESS, ProblemStatus.SOLVED},
    ProblemStatus.SOLVED: set(),
}

OPEN_STATUSES = [
    ProblemStatus.NEW,
    ProblemStatus.ANALYSING,
    ProblemStatus.IN_PROGRESS,
    ProblemStatus.REFERRED,
    ProblemStatus.LONG_TERM,
]
