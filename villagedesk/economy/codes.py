"""Code lists of the village economy: organisations, the collective's members and accounts,
land and its transfers."""

from django.db import models

from villagedesk.core.codelists import bi


class OrganisationKind(models.TextChoices):
    COOPERATIVE = "cooperative", bi("农民专业合作社", "Farmers' cooperative")
    FAMILY_FARM = "family_farm", bi("家庭农场", "Family farm")
    LEADING_ENTERPRISE = "leading_enterprise", bi("龙头企业", "Leading enterprise")
    OTHER = "other", bi("其他经营主体", "Other business")


class MembershipBasis(models.TextChoices):
    """How a person came to be a member of the collective economic organisation.

    The 2024 law on rural collective economic organisations (《农村集体经济组织法》, in force
    1 May 2025): a person added by a member's birth shall be confirmed; one added by marriage,
    adoption or policy migration generally is. Founding members were confirmed by household
    registration, a stable relation of rights and obligations with the collective and reliance
    on its land for a basic living; the members' assembly confirms every member."""

    ORIGINAL = "original", bi("初始确认", "Confirmed at founding")
    BIRTH = "birth", bi("出生", "Birth")
    MARRIAGE = "marriage", bi("婚姻", "Marriage")
    ADOPTION = "adoption", bi("收养", "Adoption")
    POLICY_MIGRATION = "policy_migration", bi("政策性移民", "Policy migration")
    OTHER = "other", bi("其他（成员大会确认）", "Other (confirmed by the members' assembly)")


class IncomeSource(models.TextChoices):
    """The income items of a village collective's accounts (村集体经济组织收益分配表)."""

    OPERATION = "operation", bi("经营收入", "Operation")
    CONTRACTING = "contracting", bi("发包及上交收入", "Contracting and leasing")
    INVESTMENT = "investment", bi("投资收益", "Investment")
    SUBSIDY = "subsidy", bi("补助收入", "Subsidies")
    OTHER = "other", bi("其他收入", "Other")


# The collective's operating income (经营性收入) is what it earns itself: subsidies and other
# income (gifts, one-off receipts) are left out when a village is judged weak.
OPERATING_SOURCES = (IncomeSource.OPERATION, IncomeSource.CONTRACTING, IncomeSource.INVESTMENT)


class SpendingKind(models.TextChoices):
    OPERATION = "operation", bi("经营支出", "Operating costs")
    MANAGEMENT = "management", bi("管理费用", "Management")
    PUBLIC_WELFARE = "public_welfare", bi("公益支出", "Public welfare")
    DISTRIBUTION = "distribution", bi("成员分配", "Distribution to members")
    OTHER = "other", bi("其他支出", "Other")


class CapitalKind(models.TextChoices):
    """The three capitals (三资) of a collective."""

    FUNDS = "funds", bi("资金", "Funds")
    ASSETS = "assets", bi("资产", "Assets")
    RESOURCES = "resources", bi("资源", "Resources")


class LandKind(models.TextChoices):
    """Kinds of contracted land, as the household survey forms name them (水田/旱地/林果地 and
    the national form's forest land, grassland and water surface)."""

    PADDY = "paddy", bi("水田", "Paddy field")
    DRY = "dry", bi("旱地", "Dry land")
    ORCHARD = "orchard", bi("林果地", "Orchard")
    FOREST = "forest", bi("林地", "Forest land")
    GRASSLAND = "grassland", bi("牧草地", "Grassland")
    WATER = "water", bi("水面", "Water surface")


class CertificateStatus(models.TextChoices):
    """Where a plot stands in the confirmation of contract rights (承包地确权登记颁证)."""

    NOT_CONFIRMED = "not_confirmed", bi("未确权", "Not confirmed")
    CONFIRMED = "confirmed", bi("已确权未颁证", "Confirmed, certificate not issued")
    ISSUED = "issued", bi("已颁证", "Certificate issued")


class TransferForm(models.TextChoices):
    """How the management right of a contracted plot passes to someone else (流转方式)."""

    LEASE = "lease", bi("出租", "Lease")
    SUBCONTRACT = "subcontract", bi("转包", "Subcontract")
    SHARES = "shares", bi("入股", "Shares")
    OTHER = "other", bi("其他", "Other")


# The welfare parameter (per area and year) below which a collective's operating income makes a
# village weak (集体经济薄弱村). No national figure exists: each province or county sets its own,
# so a village without one is not judged.
WEAK_INCOME_PARAMETER = "collective_weak_income"
