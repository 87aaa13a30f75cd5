"""Who is who around the village: organisations, positions, people, and the links between them.

Every entry is kept by an area (the village or office of the team that entered it). Entries are
shared with everyone working in the same county, so that a township's phone list is typed once;
an entry marked private stays within the area that keeps it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from villagedesk.areas.models import Area, Level
from villagedesk.core.codelists import bi
from villagedesk.core.concurrency import VersionField
from villagedesk.core.pinyin import pinyin_keys
from villagedesk.core.scoping import Scoped, ScopedQuerySet
from villagedesk.registry.models import Person


class OrganisationKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", bi("党委", "Party committee")
    GOVERNMENT = "government", bi("人民政府", "Government")
    DEPARTMENT = "department", bi("部门", "Department")
    HOME_UNIT = "home_unit", bi("派出单位", "Team's home unit")
    ASSISTING_UNIT = "assisting_unit", bi("帮扶单位", "Assisting unit")
    PARTY_BRANCH = "party_branch", bi("村党组织", "Village Party branch")
    VILLAGERS_COMMITTEE = "villagers_committee", bi("村民委员会", "Villagers' committee")
    SUPERVISION_COMMITTEE = "supervision_committee", bi("村务监督委员会", "Supervision committee")
    COOPERATIVE = "cooperative", bi("合作社", "Cooperative")
    ENTERPRISE = "enterprise", bi("企业", "Enterprise")
    OTHER = "other", bi("其他", "Other")


class ContactKind(models.TextChoices):
    CURRENT = "current", bi("现任", "In post")
    FORMER_CADRE = "former_cadre", bi("原村干部", "Former village cadre")
    FORMER_SECRETARY = "former_secretary", bi("原第一书记", "Former first secretary")
    NATIVE = "native", bi("在外乡贤", "Native outside the village")


class LinkKind(models.TextChoices):
    WORKS_WITH = "works_with", bi("同事", "Works with")
    REPORTS_TO = "reports_to", bi("上下级", "Reports to")
    FAMILY = "family", bi("亲属或宗族", "Family or clan")
    INTRODUCED_BY = "introduced_by", bi("经其介绍", "Introduced by")
    MET_AT_VISIT = "met_at_visit", bi("走访相识", "Met at a visit")


# Links that read the same both ways: a duplicate is the same pair in either order.
SYMMETRIC_LINKS = frozenset({LinkKind.WORKS_WITH, LinkKind.FAMILY, LinkKind.MET_AT_VISIT})


# A shared entry is seen by everyone working in the county of the area that keeps it.
SHARED_WITHIN_DIGITS = 6


class EntryQuerySet(ScopedQuerySet):
    def visible_within(self, prefixes):
        """Entries kept in the areas, and shared entries of the same counties."""
        if not prefixes:
            return self.none()
        q = Q()
        for prefix in prefixes:
            q |= Q(area_code__startswith=prefix)
            q |= Q(private=False, area_code__startswith=prefix[:SHARED_WITHIN_DIGITS])
        return self.filter(q)

    def visible_to(self, user):
        """Entries kept in the areas the user sees now, and the shared ones of their counties;
        a private entry of another area is not among them."""
        return self.visible_within(user.area_prefixes())


class Entry(Scoped):
    """Fields every directory entry has: the keeping area and whether it is shared."""

    area = models.ForeignKey(
        Area, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+"
    )
    private = models.BooleanField(
        _("private to the area"),
        default=False,
        help_text=_("Private entries are seen only by those working in the area that keeps them."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        abstract = True

    def scope_code(self) -> str:
        return self.area.code

    def clean(self):
        if self.area_id and self.area.level < Level.COUNTY:
            raise ValidationError({"area": _("Entries are kept by a county or an area below it.")})


class Organisation(Entry):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    name_pinyin = models.CharField(max_length=400, editable=False, db_index=True)
    name_initials = models.CharField(max_length=100, editable=False, db_index=True)

    version = VersionField()
    # The scope code follows the keeping area, which the history keeps.
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["level", "name_pinyin"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "name"],
                name="organisation_name_unique",
                violation_error_message=_("This area already keeps an organisation of this name."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("directory:organisation-detail", args=[self.pk])


class Position(models.Model):
    """A post in an organisation, e.g. deputy head in charge of rural work, or contact person."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="positions",
    )
    title = models.CharField(_("title"), max_length=100)
    duties = models.CharField(_("in charge of"), max_length=200, blank=True)
    is_contact_point = models.BooleanField(_("contact person for the village"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["organisation_id", "-is_contact_point", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"],
                name="position_title_unique",
                violation_error_message=_("This organisation already has a position of this name."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.title}"


class Contact(Entry):
    """A person to know: in post, a former cadre or first secretary, or a native outside."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ContactKind.choices, default=ContactKind.CURRENT
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holders",
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    wechat = models.CharField(_("WeChat id"), max_length=50, blank=True)
    office = models.CharField(_("office"), max_length=100, blank=True)
    term_start = models.DateField(_("term from"), null=True, blank=True)
    term_end = models.DateField(_("term to"), null=True, blank=True)
    lives_in = models.CharField(_("lives in"), max_length=100, blank=True)
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    help_given = models.TextField(_("how they have helped"), blank=True)
    tags = models.CharField(
        _("tags"), max_length=200, blank=True, help_text=_("Words separated by commas.")
    )
    # A villager in the directory is also a registry person; the link lets a visit that met the
    # person find their entry. A user's own entry lets their visits link them to whom they met.
    person = models.ForeignKey(
        Person,
        verbose_name=_("in the village registry as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_entries",
        help_text=_("A person of the village that keeps this entry."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="directory_entries",
    )
    name_pinyin = models.CharField(max_length=200, editable=False, db_index=True)
    name_initials = models.CharField(max_length=50, editable=False, db_index=True)

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name_pinyin", "id"]
        constraints = [
            # The same name and phone in one area is the same person entered twice (a double
            # submit, or a list imported again); two people may well share a name.
            models.UniqueConstraint(
                fields=["area", "name", "phone"],
                condition=~Q(phone=""),
                name="contact_unique_in_area",
                violation_error_message=_(
                    "This area already has a person of this name with this phone number."
                ),
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(person__isnull=False),
                name="contact_one_per_person",
                violation_error_message=_("This person already has an entry in the directory."),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(user__isnull=False),
                name="contact_one_per_user",
                violation_error_message=_("You already have your own entry in the directory."),
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=F("term_start")),
                name="contact_term_in_order",
                violation_error_message=_("A term cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("directory:contact-detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.position_id and self.organisation_id != self.position.organisation_id:
            errors["position"] = _("This position belongs to another organisation.")
        if self.term_start and self.term_end and self.term_end < self.term_start:
            errors["term_end"] = _("A term cannot end before it starts.")
        if self.person_id and self.area_id and self.person.area_code != self.area.code:
            errors["person"] = _("Choose a person of the village that keeps this entry.")
        if errors:
            raise ValidationError(errors)

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.replace("，", ",").split(",") if t.strip()]

    @property
    def role_label(self) -> str:
        return self.position.title if self.position_id else self.title


class Link(models.Model):
    """A known tie between two people of the directory."""

    source = models.ForeignKey(
        Contact, verbose_name=_("from"), on_delete=models.CASCADE, related_name="links_out"
    )
    target = models.ForeignKey(
        Contact, verbose_name=_("to"), on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(_("kind of link"), max_length=20, choices=LinkKind.choices)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["source_id", "target_id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="link_not_to_self",
                violation_error_message=_("A person cannot be linked to themselves."),
            ),
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                name="link_unique",
                violation_error_message=_("These two people are already linked this way."),
            ),
        ]

    def __str__(self):
        return f"{self.source} → {self.target} ({self.get_kind_display()})"

    def clean(self):
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError(_("A person cannot be linked to themselves."))
        if self.kind in SYMMETRIC_LINKS and self.source_id and self.target_id:
            reverse_pair = Link.objects.filter(
                source_id=self.target_id, target_id=self.source_id, kind=self.kind
            ).exclude(pk=self.pk)
            if reverse_pair.exists():
                raise ValidationError(_("These two people are already linked this way."))


class NetworkState(models.Model):
    """How many times the contacts and links kept in a county have changed. Figures of the
    network computed at an older count are out of date."""

    county = models.CharField(max_length=6, primary_key=True)
    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.county} · {self.generation}"


class NetworkFigures(models.Model):
    """The key people of one network as someone sees it, computed in the background.

    `spec` names the network: the areas whose every entry is in it, the counties whose shared
    entries are, and the filters that cut it (organisation, tag, distance from a person); `key`
    is its digest. Everyone who sees the same network reads the same figures.
    """

    key = models.CharField(max_length=64, unique=True)
    spec = models.JSONField()
    filtered = models.BooleanField(default=False)
    # The county generations the figures were computed at: older than the counties' now, they
    # are out of date.
    generations = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True)
    seconds = models.FloatField(null=True)
    people = models.PositiveIntegerField(default=0)
    links = models.PositiveIntegerField(default=0)
    # A computation was asked for and has not finished; started when the worker took it up.
    asked_at = models.DateTimeField(null=True)
    started_at = models.DateTimeField(null=True)

    def __str__(self):
        return self.key


class NetworkRank(models.Model):
    """One person's place among the key people of a network, with the figures behind it."""

    figures = models.ForeignKey(NetworkFigures, on_delete=models.CASCADE, related_name="ranks")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    degree = models.PositiveIntegerField()
    degree_centrality = models.FloatField()
    betweenness = models.FloatField()

    class Meta:
        ordering = ["figures", "position"]
        constraints = [
            models.UniqueConstraint(fields=["figures", "position"], name="network_rank_position"),
            models.UniqueConstraint(fields=["figures", "contact"], name="network_rank_contact"),
        ]

    def __str__(self):
        return f"{self.figures_id} · {self.position} · {self.contact_id}"
