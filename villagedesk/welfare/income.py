"""Which income a policy counts, and a household's income split into what counted and what was
left out, with the reason.

Social assistance (低保, 特困, 低保边缘) counts the household's income over the 12 months before
the check but not (最低生活保障审核确认办法, 民发〔2021〕57号; the same list for 特困 in
特困人员认定办法, 民发〔2021〕43号): special-care payments to entitled groups, family-planning
awards and support, scholarships and rewards such as for bravery, any social-assistance payment by
government (the subsistence allowance itself, extreme-poverty support, temporary assistance) and,
during the 14th five-year plan (2021–2025), the central base part of the residents' basic pension.
Every other policy (exit, the monitoring range) counts the full per-capita net income.

Income is counted over the 12 months before the evaluation day (`IncomeWindow`: from the same
day a year earlier to the day before; Dingnan: "the 12 months before application", Anhui: "from
the start of the same month last year to the end of last month"). Income lines are kept per
calendar year, as the household form records them, so the window's income is the figures of the
years it overlaps weighted by the window's days in each: (income(Y−1) × days in Y−1 + income(Y)
× days in Y) / (days in Y−1 + days in Y), where a year without any line drops out of both sums.
One recorded year thus gives its own figure exactly, and on 1 January the window is last year.
What a basis leaves out is decided per year, so a window across 2025 and 2026 leaves the base
pension out of its 2025 part only.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from villagedesk.welfare.codes import COST_KINDS, IncomeBasis, IncomeKind
from villagedesk.welfare.rules.dates import IncomeWindow

CENT = Decimal("0.01")
BASE_PENSION_EXCLUDED_YEARS = range(2021, 2026)
ASSISTANCE_EXCLUDED = {
    IncomeKind.TRANSFER_SPECIAL_CARE: _("special-care payments are not counted (民发〔2021〕57号)"),
    IncomeKind.TRANSFER_FAMILY_PLANNING: _(
        "family-planning awards and support are not counted (民发〔2021〕57号)"
    ),
    IncomeKind.TRANSFER_AWARD: _(
        "scholarships and rewards such as for bravery are not counted (民发〔2021〕57号)"
    ),
    IncomeKind.TRANSFER_DIBAO: _(
        "social-assistance payments by government, the subsistence allowance included, are not "
        "counted (民发〔2021〕57号)"
    ),
    IncomeKind.TRANSFER_TEKUN: _(
        "social-assistance payments by government, extreme-poverty support included, are not "
        "counted (民发〔2021〕57号)"
    ),
    IncomeKind.TRANSFER_ASSISTANCE: _(
        "social-assistance payments by government, temporary assistance included, are not "
        "counted (民发〔2021〕57号)"
    ),
}
BASE_PENSION_REASON = _(
    "the central base pension is not counted during 2021–2025 (民发〔2021〕57号)"
)


def excluded_kinds(*, basis: str, year: int) -> dict[str, str]:
    """The income kinds the basis leaves out in the year, each with its reason."""
    if basis != IncomeBasis.SOCIAL_ASSISTANCE:
        return {}
    excluded = {kind.value: reason for kind, reason in ASSISTANCE_EXCLUDED.items()}
    if year in BASE_PENSION_EXCLUDED_YEARS:
        excluded[IncomeKind.TRANSFER_BASE_PENSION.value] = BASE_PENSION_REASON
    return excluded


def assistance_excluded_sql() -> str:
    """The SQL condition, over `kind` and `year`, of a line social assistance leaves out."""
    always = ", ".join(f"'{kind.value}'" for kind in sorted(ASSISTANCE_EXCLUDED))
    first, last = BASE_PENSION_EXCLUDED_YEARS[0], BASE_PENSION_EXCLUDED_YEARS[-1]
    return (
        f"(kind IN ({always}) OR (kind = '{IncomeKind.TRANSFER_BASE_PENSION.value}' "
        f"AND year BETWEEN {first} AND {last}))"
    )


@dataclass(frozen=True)
class IncomeItem:
    kind: str
    label: str
    amount: Decimal
    reason: str = ""

    @property
    def signed(self) -> Decimal:
        return -self.amount if self.kind in COST_KINDS else self.amount


@dataclass(frozen=True)
class YearIncome:
    """A household's lines of one calendar year under a basis, and the window's days in it."""

    year: int
    days: int
    counted: list[IncomeItem]
    excluded: list[IncomeItem]

    @property
    def recorded(self) -> bool:
        return bool(self.counted or self.excluded)

    @property
    def counted_net(self) -> Decimal:
        return sum((item.signed for item in self.counted), Decimal(0))

    @property
    def excluded_total(self) -> Decimal:
        return sum((item.signed for item in self.excluded), Decimal(0))


@dataclass(frozen=True)
class IncomeBreakdown:
    """A household's income over the window under a basis: each year's lines that counted and
    those left out, and the figure the rules compare (each recorded year weighted by its days in
    the window)."""

    basis: str
    window: IncomeWindow
    size: int
    years: list[YearIncome]

    @property
    def recorded(self) -> bool:
        return any(year.recorded for year in self.years)

    @property
    def recorded_days(self) -> int:
        return sum(year.days for year in self.years if year.recorded)

    def _weighted(self, members: int) -> Decimal | None:
        if not self.recorded or not members:
            return None
        total = sum((y.counted_net * y.days for y in self.years if y.recorded), Decimal(0))
        return (total / (self.recorded_days * members)).quantize(CENT)

    @property
    def counted_net(self) -> Decimal | None:
        """The net income counted over the 12 months, to the cent."""
        return self._weighted(1)

    @property
    def per_capita(self) -> Decimal | None:
        return self._weighted(self.size)


def year_income(*, lines: dict[str, Decimal], basis: str, year: int, days: int) -> YearIncome:
    """Split one year's lines (kind → amount) by what the basis counts, in code-list order."""
    left_out = excluded_kinds(basis=basis, year=year)
    counted, excluded = [], []
    for kind in IncomeKind:
        if kind.value not in lines:
            continue
        item = IncomeItem(kind.value, str(kind.label), lines[kind.value])
        if kind.value in left_out:
            excluded.append(
                IncomeItem(item.kind, item.label, item.amount, str(left_out[kind.value]))
            )
        else:
            counted.append(item)
    return YearIncome(year, days, counted, excluded)


def income_breakdown(
    *, lines: dict[int, dict[str, Decimal]], size: int, basis: str, window: IncomeWindow
) -> IncomeBreakdown:
    """The household's income over the window: `lines` holds each year's lines (year → kind →
    amount); years of the window without lines are listed as not recorded."""
    years = [
        year_income(lines=lines.get(year, {}), basis=basis, year=year, days=days)
        for year, days in window.days.items()
    ]
    return IncomeBreakdown(basis, window, size, years)
