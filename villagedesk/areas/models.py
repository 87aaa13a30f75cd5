"""The area tree: province > city > county > township > village, and village groups.

Official division codes have 12 digits: province 2, city 2, county 2, township 3, village 3. An
area's significant prefix is the part of its code that its level fixes; every area below it
shares that prefix, so "this area and everything below" is a prefix match on the code.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villagedesk.core.codelists import bi
from villagedesk.core.concurrency import VersionField
from villagedesk.core.pinyin import pinyin_keys
from villagedesk.core.scoping import ScopedQuerySet, VillageScoped


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    COUNTY = 3, _("County")
    TOWNSHIP = 4, _("Township")
    VILLAGE = 5, _("Village")


PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}

code_validator = RegexValidator(r"^\d{12}$", _("A division code has exactly 12 digits."))


def prefix_of(code: str, level: int) -> str:
    return code[: PREFIX_LENGTH[Level(level)]]


class AreaQuerySet(ScopedQuerySet):
    area_field = "code"

    def villages(self):
        return self.filter(level=Level.VILLAGE)


class Area(models.Model):
    code = models.CharField(
        _("division code"), max_length=12, unique=True, validators=[code_validator]
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, blank=True, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=Level.PROVINCE, parent__isnull=True)
                | Q(level__gt=Level.PROVINCE, parent__isnull=False),
                name="area_parent_matches_level",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin = pinyin_keys(self.name)[0]
        super().save(*args, **kwargs)

    @property
    def is_village(self) -> bool:
        return self.level == Level.VILLAGE

    @property
    def prefix(self) -> str:
        return prefix_of(self.code, self.level)

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def clean(self):
        errors = {}
        if self.code and len(self.code) == 12 and self.code.isdigit() and self.level:
            prefix = self.prefix
            start = PREFIX_LENGTH[Level(self.level - 1)] if self.level > Level.PROVINCE else 0
            if self.code[len(prefix) :].strip("0"):
                errors["code"] = _(
                    "The digits after position %(n)s of a %(level)s code must be zero."
                ) % {"n": len(prefix), "level": Level(self.level).label}
            elif not self.code[start : len(prefix)].strip("0"):
                errors["code"] = _("The digits of this level in the code cannot all be zero.")
        if self.parent_id and self.level:
            parent = self.parent
            if parent.level != self.level - 1:
                errors["parent"] = _("A %(level)s must sit directly under a %(parent)s.") % {
                    "level": Level(self.level).label,
                    "parent": Level(self.level - 1).label,
                }
            elif self.code and not self.code.startswith(parent.prefix):
                errors["code"] = _(
                    "Code %(code)s does not start with %(prefix)s, the code of %(parent)s."
                ) % {"code": self.code, "prefix": parent.prefix, "parent": parent.name}
        if errors:
            raise ValidationError(errors)

    def ancestors(self) -> list["Area"]:
        """This area's chain from the province down, itself included (one query)."""
        codes = [self.code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)][: self.level]
        by_code = {a.code: a for a in Area.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]


class VillageGroup(VillageScoped):
    """A villagers' group (村民小组) within a village; numbered within the village."""

    village = models.ForeignKey(
        Area,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="groups",
        limit_choices_to={"level": Level.VILLAGE},
    )
    number = models.PositiveSmallIntegerField(_("group number"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("village group")
        verbose_name_plural = _("village groups")
        ordering = ["village__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "number"], name="villagegroup_number_unique"
            ),
        ]

    def __str__(self):
        return self.name


class PoiCategory(models.TextChoices):
    ROAD = "road", bi("道路", "Road")
    BUS_STOP = "bus_stop", bi("公交站", "Bus stop")
    SCHOOL = "school", bi("学校", "School")
    CLINIC = "clinic", bi("卫生室", "Clinic")
    SHOP = "shop", bi("商店", "Shop")
    LANDMARK = "landmark", bi("地标", "Landmark")
    FIRE = "fire", bi("消防点", "Fire-fighting point")
    WATER = "water", bi("水源", "Water source")
    POND = "pond", bi("池塘", "Pond")
    VENUE = "venue", bi("文化活动场所", "Cultural or activity venue")
    OFFICE = "office", bi("村委会", "Village office")
    OTHER = "other", bi("其他", "Other")


# The rectangle that holds mainland China, Hainan and Taiwan; a point outside it is a typo or
# swapped latitude and longitude.
CHINA_LATITUDE = (Decimal("3.8"), Decimal("53.6"))
CHINA_LONGITUDE = (Decimal("73.5"), Decimal("135.1"))


class PointOfInterest(VillageScoped):
    """A place of the village worth knowing: a school, a water source, the village office."""

    village = models.ForeignKey(
        Area,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="points",
        limit_choices_to={"level": Level.VILLAGE},
    )
    category = models.CharField(_("category"), max_length=20, choices=PoiCategory.choices)
    name = models.CharField(_("name"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    photo = models.FileField(
        _("photo"),
        upload_to="points/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )
    notes = models.TextField(_("notes"), blank=True)

    # The scope code is the village's and is left out of the history, which keeps the village.
    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("point of interest")
        verbose_name_plural = _("points of interest")
        ordering = ["area_code", "category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=CHINA_LATITUDE[0], latitude__lte=CHINA_LATITUDE[1])
                & Q(longitude__gte=CHINA_LONGITUDE[0], longitude__lte=CHINA_LONGITUDE[1]),
                name="point_inside_china",
                violation_error_message=_(
                    "These coordinates are outside China. Check them, and that latitude and "
                    "longitude are not swapped."
                ),
            ),
        ]

    def __str__(self):
        return self.name


class NoteTopic(models.TextChoices):
    HISTORY = "history", bi("村史", "History")
    CUSTOMS = "customs", bi("民俗", "Customs")
    NOTABLE_PEOPLE = "notable_people", bi("知名人物", "Notable people")
    PAST_WORK = "past_work", bi("以往工作", "Past work")


class VillageNote(VillageScoped):
    """What a new team should know about the village beyond the figures."""

    village = models.ForeignKey(
        Area,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="notes",
        limit_choices_to={"level": Level.VILLAGE},
    )
    topic = models.CharField(_("topic"), max_length=20, choices=NoteTopic.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("village note")
        verbose_name_plural = _("village notes")
        ordering = ["area_code", "topic", "title"]

    def __str__(self):
        return self.title
