from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, Level, PointOfInterest, VillageNote
from villagedesk.core import paging, spreadsheets
from villagedesk.core.concurrency import saved_once
from villagedesk.core.converters import number_or_none
from villagedesk.core.forms import (
    form_with_service_errors,
    numbers_in_full_asked,
    search_pushed,
    search_shown,
)
from villagedesk.core.masking import phone_shown, query_shown
from villagedesk.core.photos import photo_response
from villagedesk.directory import exports, imports, selectors, services
from villagedesk.directory.forms import (
    ContactFilterForm,
    ContactForm,
    ImportForm,
    LinkForm,
    NoteForm,
    OrganisationForm,
    PointForm,
    PositionForm,
)
from villagedesk.directory.models import Contact, Link, Organisation, Position
from villagedesk.directory.profile import area_figures

CONTACT_PAGE_SIZE = 50
ORGANISATION_PAGE_SIZE = 50


def contact_filters(request) -> tuple[ContactFilterForm, selectors.ContactFilters]:
    form = ContactFilterForm(
        request.GET or None, organisations=selectors.organisation_choices(user=request.user)
    )
    data = form.cleaned_data if form.is_valid() else {}
    organisation = data.get("organisation")
    return form, selectors.ContactFilters(
        q=data.get("q") or "",
        kind=data.get("kind") or "",
        organisation=organisation.pk if organisation else None,
        tag=data.get("tag") or "",
    )


@login_required
def contact_list(request):
    form, filters = contact_filters(request)
    contacts = selectors.contact_list(user=request.user, filters=filters)
    page = paging.key_page(
        contacts,
        fields=("name_pinyin", "id"),
        size=CONTACT_PAGE_SIZE,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    query = search_shown(request, form)
    context = {
        "form": form,
        "page": page,
        "total": paging.total(contacts),
        "on_first_page": not (request.GET.get("after") or request.GET.get("before")),
        "query": query.urlencode(),
        "organisations": selectors.organisation_list(user=request.user, q=filters.q)[:20]
        if filters.q
        else [],
        "show_phones": selectors.may_see_phones(user=request.user),
        "may_add": selectors.keeping_area_list(user=request.user).exists(),
        "may_export_phones": permissions.holds_anywhere(
            request.user, Capability.EXPORT_PERSONAL_DATA
        ),
    }
    template = "directory/contact_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return search_pushed(request, render(request, template, context))


def contact_page(request, contact: Contact, link_form: LinkForm | None = None):
    """The contact's page; the link form comes back with its errors after a refused link."""
    context = {
        "contact": contact,
        "phone": phone_shown(contact.phone, reveal=selectors.may_see_phones(user=request.user)),
        "links": selectors.link_list(user=request.user, contact=contact),
        "registry_person": selectors.contact_registry_person(user=request.user, contact=contact),
        "may_keep": selectors.may_keep(user=request.user, entry=contact),
        "link_form": link_form
        or LinkForm(contacts=selectors.contact_list(user=request.user).exclude(pk=contact.pk)),
    }
    return render(request, "directory/contact_detail.html", context)


@login_required
def contact_detail(request, pk):
    return contact_page(request, selectors.contact_get(user=request.user, pk=pk))


def kept_entry(request, entry):
    """An entry the user sees, checked to be theirs to keep (403 when they only read it)."""
    if not selectors.may_keep(user=request.user, entry=entry):
        raise PermissionDenied
    return entry


@login_required
def contact_edit(request, pk=None):
    """Add a contact (no pk) or change one the user keeps."""
    create = pk is None
    if create:
        contact = Contact()
    else:
        contact = kept_entry(request, selectors.contact_get(user=request.user, pk=pk))
    areas = selectors.keeping_area_list(user=request.user)
    form = ContactForm(
        request.POST or None,
        instance=contact,
        areas=areas,
        organisations=selectors.organisation_list(user=request.user),
        persons=selectors.registry_person_choices(user=request.user, contact=contact),
        user=request.user,
        initial={"area": areas.first()} if create else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with saved_once(form) as receipt:
                contact = services.contact_save(by=request.user, contact=form.instance)
                receipt.leads_to(contact)
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(contact)
    context = {
        "form": form,
        "heading": _("Add person") if create else _("Edit %s") % contact.name,
        "back": reverse("directory:contact-list") if create else contact.get_absolute_url(),
        "back_label": _("Directory"),
    }
    return render(request, "directory/form_page.html", context)


def delete_page(request, *, heading: str, question: str, back: str, form_errors=()):
    """The confirmation step of a removal: a POST button, and a way back."""
    context = {"heading": heading, "question": question, "back": back, "errors": form_errors}
    return render(request, "directory/delete_confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request, pk):
    """Ask (GET), then remove (POST) a contact the user keeps."""
    contact = kept_entry(request, selectors.contact_get(user=request.user, pk=pk))
    errors = []
    if request.method == "POST":
        try:
            services.contact_delete(by=request.user, contact=contact)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request, _("%(name)s was removed from the directory.") % {"name": contact.name}
            )
            return redirect("directory:contact-list")
    return delete_page(
        request,
        heading=_("Remove %(name)s") % {"name": contact.name},
        question=_(
            "Remove %(name)s and their links from the directory? Everyone who sees this entry "
            "loses it; its history keeps who removed it."
        )
        % {"name": contact.name},
        back=contact.get_absolute_url(),
        form_errors=errors,
    )


@login_required
@require_POST
def link_create(request, pk):
    contact = selectors.contact_get(user=request.user, pk=pk)
    form = LinkForm(
        request.POST,
        instance=Link(source=contact),
        contacts=selectors.contact_list(user=request.user),
    )
    if form.is_valid():
        try:
            with saved_once(form) as receipt:
                services.link_create(by=request.user, link=form.instance)
                receipt.leads_to(contact)
        except ValidationError as error:
            form_with_service_errors(form, error)
    if form.errors:
        return contact_page(request, contact, form)
    messages.success(request, _("Link added."))
    return redirect(contact)


@login_required
@require_POST
def link_delete(request, pk):
    link = selectors.link_get(user=request.user, pk=pk)
    services.link_delete(by=request.user, link=link)
    messages.success(request, _("Link removed."))
    return redirect(link.source)


@login_required
def organisation_list(request):
    q = request.GET.get("q", "")
    organisations = selectors.organisation_list(user=request.user, q=q)
    page, pager = paging.numbered_page(
        request,
        organisations.order_by("level", "name_pinyin", "pk"),
        param="page",
        size=ORGANISATION_PAGE_SIZE,
    )
    context = {
        "organisations": page,
        "page": page,
        "pager": pager,
        "q": query_shown(q),
        "may_add": selectors.keeping_area_list(user=request.user).exists(),
    }
    return render(request, "directory/organisation_list.html", context)


@login_required
def organisation_detail(request, pk):
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    context = {
        "organisation": organisation,
        "positions": selectors.position_list(organisation=organisation),
        "people": selectors.contact_list(
            user=request.user, filters=selectors.ContactFilters(organisation=organisation.pk)
        ),
        "may_keep": selectors.may_keep(user=request.user, entry=organisation),
        "position_form": PositionForm(),
        "show_phones": selectors.may_see_phones(user=request.user),
    }
    return render(request, "directory/organisation_detail.html", context)


@login_required
def organisation_edit(request, pk=None):
    """Add an organisation (no pk) or change one the user keeps."""
    create = pk is None
    if create:
        organisation = Organisation()
    else:
        organisation = kept_entry(request, selectors.organisation_get(user=request.user, pk=pk))
    areas = selectors.keeping_area_list(user=request.user)
    form = OrganisationForm(
        request.POST or None,
        instance=organisation,
        areas=areas,
        organisations=selectors.organisation_list(user=request.user),
        initial={"area": areas.first(), "level": Level.VILLAGE} if create else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with saved_once(form) as receipt:
                organisation = services.organisation_save(
                    by=request.user, organisation=form.instance
                )
                receipt.leads_to(organisation)
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(organisation)
    context = {
        "form": form,
        "heading": _("Add organisation") if create else _("Edit %s") % organisation.name,
        "back": reverse("directory:organisation-list")
        if create
        else organisation.get_absolute_url(),
        "back_label": _("Organisations"),
    }
    return render(request, "directory/form_page.html", context)


@login_required
@require_POST
def position_create(request, pk):
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    form = PositionForm(request.POST, instance=Position(organisation=organisation))
    if form.is_valid():
        try:
            with saved_once(form) as receipt:
                services.position_save(by=request.user, position=form.instance)
                receipt.leads_to(organisation)
        except ValidationError as error:
            form_with_service_errors(form, error)
    if form.errors:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    else:
        messages.success(request, _("Position added."))
    return redirect(organisation)


# People listed beside the network, and drawn in the chart at a time (more on demand).
RANKING_SHOWN = 30
CHART_PAGE = 200


@dataclass(frozen=True)
class NetworkAsked:
    """What the network pages were asked for, each part checked against the user's areas."""

    filters: selectors.NetworkFilters
    area: Area | None
    centre: Contact | None

    def query(self) -> str:
        """The request's filters as a query string, for the status and chart addresses."""
        params = {
            "area": self.area.code if self.area else "",
            "organisation": self.filters.organisation or "",
            "tag": self.filters.tag,
            "centre": self.filters.centre or "",
            "distance": self.filters.distance if self.filters.centre else "",
        }
        return urlencode({k: v for k, v in params.items() if v != ""})


def network_asked(request) -> NetworkAsked:
    """The network filters of the request; an area, organisation or person outside the user's
    areas is a 404, like an unknown one."""

    def number(name):
        return number_or_none(request.GET.get(name))

    user = request.user
    code = request.GET.get("area", "").strip()
    area = selectors.network_area_get(user=user, code=code) if code else None
    organisation = number("organisation")
    if organisation:
        selectors.organisation_get(user=user, pk=organisation)
    centre = number("centre")
    return NetworkAsked(
        filters=selectors.NetworkFilters(
            organisation=organisation,
            tag=request.GET.get("tag", "").strip(),
            centre=centre,
            distance=min(number("distance") or 2, 4),
        ),
        area=area,
        centre=selectors.contact_get(user=user, pk=centre) if centre else None,
    )


def network_status_context(asked: NetworkAsked, reading) -> dict:
    """How far the figures are: their time, and while new ones are computed, how long it has
    taken against how long the last computation took."""
    figures = reading.figures
    progress = None
    if not reading.up_to_date and figures.started_at and figures.seconds:
        elapsed = (timezone.now() - figures.started_at).total_seconds()
        progress = min(99, int(100 * elapsed / figures.seconds))
    return {
        "reading": reading,
        "figures": figures,
        "progress": progress,
        "status_url": f"{reverse('directory:network-status')}?{asked.query()}",
        "shown": figures.computed_at.isoformat() if figures.computed_at else "",
    }


@login_required
def network(request):
    asked = network_asked(request)
    reading = selectors.network_reading(user=request.user, filters=asked.filters)
    ranking, listed = [], 0
    if reading.computed:
        ranks = selectors.network_ranks(user=request.user, reading=reading, area=asked.area)
        ranking = list(ranks[:RANKING_SHOWN])
        listed = ranks.count()
    around = [rank.contact for rank in ranking]
    if asked.centre is not None and asked.centre not in around:
        around.insert(0, asked.centre)
    query = asked.query()
    context = {
        **network_status_context(asked, reading),
        "filters": asked.filters,
        "area": asked.area,
        "areas": selectors.network_area_list(user=request.user),
        "organisations": selectors.network_organisation_list(
            user=request.user, area=asked.area, chosen=asked.filters.organisation
        ),
        "around": around,
        "ranking": ranking,
        "listed": listed,
        "chart_url": f"{reverse('directory:network-chart')}?{query}",
        "chart_page": CHART_PAGE,
    }
    return render(request, "directory/network.html", context)


@login_required
def network_status(request):
    """The figures' status for the page to poll while they are computed; once new figures are
    there, the page is reloaded to show them."""
    asked = network_asked(request)
    reading = selectors.network_reading(user=request.user, filters=asked.filters)
    context = network_status_context(asked, reading)
    if reading.up_to_date and context["shown"] != request.GET.get("shown", ""):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "directory/network.html#status", context)


# A node's label in the chart: longer names are cut, the full name is in its tooltip.
LABEL_CHARACTERS = 6


def short_label(name: str) -> str:
    """The name as a chart label: at most LABEL_CHARACTERS characters, "…" marking a cut."""
    if len(name) <= LABEL_CHARACTERS:
        return name
    return name[: LABEL_CHARACTERS - 1] + "…"


@login_required
def network_chart(request):
    """One page of the chart: the next people by rank (of the area when one is chosen) and the
    links they add to those drawn before. Names, and the short labels drawn beside the nodes,
    reach the page as JSON text."""
    asked = network_asked(request)
    reading = selectors.network_reading(user=request.user, filters=asked.filters)
    offset = number_or_none(request.GET.get("offset")) or 0
    nodes, links, more = [], [], False
    if reading.computed:
        ranks = selectors.network_ranks(user=request.user, reading=reading, area=asked.area)
        page = list(ranks[offset : offset + CHART_PAGE + 1])
        more, page = len(page) > CHART_PAGE, page[:CHART_PAGE]
        nodes = [
            {
                "id": str(rank.contact_id),
                "name": rank.contact.name,
                "short": short_label(rank.contact.name),
                "symbolSize": 8 + min(rank.degree, 12) * 2,
                "category": rank.contact.organisation.name if rank.contact.organisation_id else "",
            }
            for rank in page
        ]
        if page:
            pairs = selectors.network_links(
                ranks=ranks, first=page[0].position, last=page[-1].position
            )
            links = [{"source": str(a), "target": str(b)} for a, b in pairs]
    return JsonResponse(
        {
            "nodes": nodes,
            "links": links,
            "next": offset + CHART_PAGE if more else None,
        }
    )


@login_required
def contact_export(request, fmt):
    """The visible contacts as a file, phones masked unless asked in full with a purpose by
    a user who may export them (an audited export either way)."""
    _form, filters = contact_filters(request)
    contacts = selectors.contact_list(user=request.user, filters=filters)
    in_full, purpose = numbers_in_full_asked(request)
    try:
        content = exports.contacts_export(
            by=request.user,
            request=request,
            contacts=contacts,
            fmt=fmt,
            full_numbers=in_full,
            purpose=purpose,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("directory:contact-list")
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        return spreadsheets.download(content, filename=f"contacts-{stamp}.xlsx")
    return spreadsheets.download(
        content.encode(),
        filename=f"contacts-{stamp}.vcf",
        content_type="text/vcard; charset=utf-8",
    )


@login_required
def contact_import(request):
    areas = selectors.keeping_area_list(user=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, areas=areas)
    report = None
    if request.method == "POST" and form.is_valid():
        with saved_once(form) as receipt:
            report = imports.contacts_import(
                by=request.user,
                area=form.cleaned_data["area"],
                upload=form.cleaned_data["file"],
                organisations=selectors.organisation_list(user=request.user),
            )
            receipt.leads_to("directory:contact-list")
            if not report.saved:
                receipt.void()
        if report.saved:
            messages.success(request, _("%(n)d contacts imported.") % {"n": report.saved})
            return redirect("directory:contact-list")
    return render(request, "directory/contact_import.html", {"form": form, "report": report})


@login_required
def contact_import_template(request):
    return spreadsheets.download(exports.import_template(), filename="contacts-template.xlsx")


@login_required
def profile_index(request):
    villages = selectors.profile_area_list(user=request.user)
    if villages.count() == 1:
        return redirect("directory:profile", code=villages.first().code)
    return render(request, "directory/profile_index.html", {"villages": villages})


@login_required
def profile(request, code):
    """The profile of a village, or the summary of an area above villages: its figures and
    charts, and its points and notes (above a village, their counts per village, and the map's
    points fetched when the map comes into view)."""
    area = selectors.profile_area_get(user=request.user, code=code)
    figures = area_figures(prefix=area.prefix, today=timezone.localdate())
    charts = {
        "pyramid": {
            "bands": [b.label for b in figures.age_pyramid],
            "male": [b.male for b in figures.age_pyramid],
            "female": [b.female for b in figures.age_pyramid],
        },
        "labour": figures.labour,
        "migrants": figures.migrants_by_place,
        "surnames": figures.surnames,
        "disabled": figures.disabled_by_category,
        "status": figures.households_by_status,
        "labels": {"male": _("Male"), "female": _("Female")},
    }
    context = {
        "area": area,
        "figures": figures,
        "charts": charts,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "may_edit": selectors.may_keep_profile(user=request.user, area=area),
    }
    if area.is_village:
        points = list(selectors.point_list(area=area))
        context.update(points=points, map=map_data(points), notes=selectors.note_list(area=area))
    else:
        context.update(
            points_by_category=selectors.point_counts_by_category(area=area),
            villages=selectors.profile_village_summary(area=area),
        )
    return render(request, "directory/profile.html", context)


@login_required
def profile_points(request, code):
    """The points of an area's map, fetched by the profile page of an area above villages."""
    area = selectors.profile_area_get(user=request.user, code=code)
    return JsonResponse({"points": map_data(selectors.point_list(area=area))})


def map_data(points: list[PointOfInterest]) -> list[dict]:
    return [
        {
            "id": p.pk,
            "name": p.name,
            "category": p.get_category_display(),
            "code": p.category,
            "lat": float(p.latitude),
            "lng": float(p.longitude),
        }
        for p in points
    ]


def profile_back(item, anchor: str) -> str:
    return reverse("directory:profile", args=[item.village.code]) + anchor


def profile_item_form(request, item, *, form_class, save, heading, anchor: str, delete=""):
    """The add/edit page of a point of interest or a village note, back to the profile.

    `save(user, form)` calls the service; `delete` is the address of the removal step, if any.
    """
    form = form_class(request.POST or None, request.FILES or None, instance=item)
    back = profile_back(item, anchor)
    if request.method == "POST" and form.is_valid():
        try:
            with saved_once(form) as receipt:
                save(request.user, form)
                receipt.leads_to(back)
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    context = {
        "form": form,
        "heading": heading,
        "back": back,
        "back_label": _("Village profile"),
        "delete": delete,
    }
    return render(request, "directory/form_page.html", context)


def point_form(request, point: PointOfInterest):
    def save(by, form):
        # A new upload is re-encoded by the service; the form only checked its name.
        photo = form.cleaned_data.get("photo") if "photo" in form.changed_data else None
        services.point_save(by=by, point=form.instance, photo=photo or None)

    return profile_item_form(
        request,
        point,
        form_class=PointForm,
        save=save,
        heading=_("Point of interest"),
        anchor="#map",
        delete=reverse("directory:point-delete", args=[point.pk]) if point.pk else "",
    )


def kept_village(request, code):
    """A village in the user's areas whose profile they keep; 404 outside, 403 when only read."""
    area = selectors.profile_area_get(user=request.user, code=code)
    if not selectors.may_keep_profile(user=request.user, area=area):
        raise PermissionDenied
    return area


def kept_point(request, pk):
    """A point in the user's areas that they keep; 404 outside, 403 when only read."""
    point = selectors.point_get(user=request.user, pk=pk)
    if not selectors.may_keep_profile(user=request.user, area=point.village):
        raise PermissionDenied
    return point


@login_required
def point_create(request, code):
    return point_form(request, PointOfInterest(village=kept_village(request, code)))


@login_required
def point_edit(request, pk):
    return point_form(request, kept_point(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def point_delete(request, pk):
    """Ask (GET), then remove (POST) a point of a village whose profile the user keeps."""
    point = kept_point(request, pk)
    back = profile_back(point, "#map")
    if request.method == "POST":
        services.point_delete(by=request.user, point=point)
        messages.success(request, _("%(name)s was removed from the map.") % {"name": point.name})
        return redirect(back)
    return delete_page(
        request,
        heading=_("Remove %(name)s") % {"name": point.name},
        question=_("Remove %(name)s from the village map? Its history keeps who removed it.")
        % {"name": point.name},
        back=back,
    )


@login_required
def point_photo(request, pk):
    point = selectors.point_get(user=request.user, pk=pk)
    return photo_response(point.photo)


def note_form(request, note: VillageNote):
    return profile_item_form(
        request,
        note,
        form_class=NoteForm,
        save=lambda by, form: services.note_save(by=by, note=form.instance),
        heading=_("Village note"),
        anchor="#notes",
    )


@login_required
def note_create(request, code):
    return note_form(request, VillageNote(village=kept_village(request, code)))


@login_required
def note_edit(request, pk):
    note = selectors.note_get(user=request.user, pk=pk)
    if not selectors.may_keep_profile(user=request.user, area=note.village):
        raise PermissionDenied
    return note_form(request, note)
