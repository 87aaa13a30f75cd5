"""The guidance library: how-to guidance for the steps of the method, policy documents and local
notices, with their tags and attached files.

An article is kept by an area: a county or an area above it (seen by everyone working there) or
one village (seen only by those who see that village). Title and body are kept per language in
one row (`title_zh`/`body_zh`, `title_en`/`body_en`), like the welfare catalogue's names, so that
one article has one set of tags, steps, attachments and related articles in both languages; a
page shows the active language's text and falls back to the other when it is empty.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villagedesk.areas.models import PREFIX_LENGTH, Area, Level
from villagedesk.core.codelists import bi
from villagedesk.core.concurrency import VersionField
from villagedesk.core.scoping import Scoped, ScopedQuerySet, prefix_match

# The ten steps of the method (docs/library.md); an article may serve several.
STEPS = range(1, 11)

key_validator = RegexValidator(
    r"^[a-z0-9_]+$", _("Use lower-case letters, digits and underscores only.")
)


class ArticleKind(models.TextChoices):
    GUIDANCE = "guidance", bi("工作指引", "Guidance")
    POLICY = "policy", bi("政策文件", "Policy document")
    NOTICE = "notice", bi("本地通知", "Local notice")


def english_active() -> bool:
    return (get_language() or "").startswith("en")


class Tag(models.Model):
    code = models.CharField(_("code"), max_length=50, unique=True, validators=[key_validator])
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=50)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if english_active() and self.name_en else self.name_zh


# Wide articles are kept by these levels; a township keeps none (its notices go to its villages).
WIDE_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)


def codes_above(prefix: str) -> list[str]:
    """The codes of the province, city and county above an area of this prefix (the area's own
    code among them when it is one of those)."""
    return [
        prefix[:digits].ljust(12, "0")
        for level, digits in PREFIX_LENGTH.items()
        if level in WIDE_LEVELS and digits <= len(prefix)
    ]


class ArticleQuerySet(ScopedQuerySet):
    def visible_within(self, prefixes):
        """Articles kept inside the areas, and the wide articles of the province, city and
        county above them: a county's guidance is read in each of its villages, a village's
        notice only by those who see that village."""
        if not prefixes:
            return self.none()
        above = sorted({code for prefix in prefixes for code in codes_above(prefix)})
        return self.filter(prefix_match(prefixes) | Q(area_code__in=above))

    def visible_to(self, user):
        return self.visible_within(user.area_prefixes())


class Article(Scoped):
    area = models.ForeignKey(
        Area, verbose_name=_("for"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.GUIDANCE
    )
    # The stable name of a shipped article (`load_guidance` finds it again by it); empty for
    # articles written in the application.
    key = models.CharField(_("key"), max_length=60, blank=True, editable=False)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    body_zh = models.TextField(
        _("text (Chinese)"),
        blank=True,
        help_text=_(
            "Plain text: a blank line starts a paragraph, a line starting with “- ” is a list "
            "item, a line starting with “## ” a heading."
        ),
    )
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    document_number = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("文号, e.g. 民发〔2021〕57号")
    )
    issuing_body = models.CharField(
        pgettext_lazy("a policy document", "issuing body"), max_length=200, blank=True
    )
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    published_on = models.DateField(_("published on"), default=timezone.localdate)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    # Every word of the title and text of both languages as the search reads them
    # (library/segmenting.py): kept by the service, indexed by FTS5 or a tsvector (docs/library.md).
    terms = models.TextField(blank=True, editable=False)

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code", "terms"])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "key"], condition=~Q(key=""), name="library_article_key_unique"
            ),
            models.CheckConstraint(
                condition=~Q(title_zh="") | ~Q(title_en=""), name="library_article_has_title"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("library:article-detail", args=[self.pk])

    def scope_code(self) -> str:
        return self.area.code

    @property
    def title(self) -> str:
        if english_active():
            return self.title_en or self.title_zh
        return self.title_zh or self.title_en

    @property
    def body(self) -> str:
        if english_active():
            return self.body_en or self.body_zh
        return self.body_zh or self.body_en

    @property
    def village_only(self) -> bool:
        return self.area.level == Level.VILLAGE

    def clean(self):
        super().clean()
        errors = {}
        if self.area_id and self.area.level not in (*WIDE_LEVELS, Level.VILLAGE):
            errors["area"] = _("An article is for a county (or an area above it) or one village.")
        if not (self.title_zh.strip() or self.title_en.strip()):
            errors["title_zh"] = _("Give the title in Chinese, in English or in both.")
        if not (self.body_zh.strip() or self.body_en.strip()):
            errors["body_zh"] = _("Give the text in Chinese, in English or in both.")
        if self.kind == ArticleKind.POLICY:
            if not self.document_number.strip():
                errors["document_number"] = _("A policy document has its document number.")
            if not self.issuing_body.strip():
                errors["issuing_body"] = _("A policy document has its issuing body.")
            if self.issued_on is None:
                errors["issued_on"] = _("A policy document has its date of issue.")
        if errors:
            raise ValidationError(errors)


class ArticleStep(models.Model):
    """A step of the method an article serves (the playbook links each step to them)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="steps")
    step = models.PositiveSmallIntegerField(
        _("step"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "step"], name="library_step_unique"),
            models.CheckConstraint(
                condition=Q(step__gte=1, step__lte=10), name="library_step_in_method"
            ),
        ]
        indexes = [models.Index(fields=["step", "article"], name="library_step_article")]

    def __str__(self):
        return str(self.step)


class ArticlePolicy(models.Model):
    """A policy an article concerns, by the stable code of the welfare catalogue (`dibao`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="policies")
    policy_key = models.CharField(_("policy"), max_length=50, validators=[key_validator])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "policy_key"], name="library_policy_unique"),
        ]
        indexes = [models.Index(fields=["policy_key", "article"], name="library_policy_article")]

    def __str__(self):
        return self.policy_key


class ArticleTerm(models.Model):
    """A significant word of an article, once: what related articles share
    (`selectors.related_articles`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="keywords")
    term = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "term"], name="library_term_unique"),
        ]
        indexes = [models.Index(fields=["term", "article"], name="library_term_article")]

    def __str__(self):
        return self.term


class AttachmentKind(models.TextChoices):
    PDF = "pdf", bi("PDF", "PDF")
    DOCX = "docx", bi("Word 文档 (.docx)", "Word document (.docx)")


class Attachment(models.Model):
    """A file attached to an article, checked by its content (`library/attachments.py`) and kept
    under a random name; its own name is only shown and given back on download."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="library/%Y/%m/")
    name = models.CharField(_("file name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["added_at", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("library:attachment-download", args=[self.pk])
