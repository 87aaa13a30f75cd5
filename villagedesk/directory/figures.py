"""The key people of the contact network, computed once and stored, read by the page.

Betweenness weighs every pair of people, so over a county's network it takes seconds; it depends
on the network, not on who asks. The figures of a network are therefore computed by the
background worker (`directory.tasks.network_figures_refresh`) when the network changes, stored as
one `NetworkFigures` with a `NetworkRank` per person, and the page reads the rows it shows.

A network is named by a `Spec`: the areas whose every entry is in it, the counties whose shared
entries are (a private entry is seen only within the area that keeps it), and the filters that
cut it. Users who see the same entries get the same spec, so a county's supervisor and its
cadres share one set of figures as long as no village keeps private entries.

Every change of contacts or links bumps the county's generation (`network_changed`, called by
the directory's services in the writing transaction); figures computed at an older generation
are out of date. After the change commits, the figures of the networks that include the county
are asked for again, and the page shows the last figures with their time until then. A network
cut by filters is usually small: it is computed in the request when it has few people, by the
worker otherwise.
"""

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from villagedesk.core.planner import statistics_refresh
from villagedesk.core.scoping import prefix_match
from villagedesk.directory import network
from villagedesk.directory.models import (
    SHARED_WITHIN_DIGITS,
    Contact,
    Link,
    NetworkFigures,
    NetworkRank,
    NetworkState,
)

# A network cut by filters with no more people than this is computed in the request (a few
# hundred people take milliseconds); a larger one by the worker.
INLINE_PEOPLE = 300
# A computation asked for that has not finished after this long is asked for again (the worker
# was stopped, say).
PATIENCE = timedelta(minutes=15)


def outermost(prefixes) -> list[str]:
    """The prefixes that no other of them contains."""
    unique = set(prefixes)
    return sorted(p for p in unique if not any(p != q and p.startswith(q) for q in unique))


def covered(code: str, prefixes) -> bool:
    return any(code.startswith(p) for p in prefixes)


@dataclass(frozen=True)
class Spec:
    """One network: the entries it is made of, and the filters that cut it."""

    everything: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()
    organisation: int | None = None
    tag: str = ""
    centre: int | None = None
    distance: int | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.organisation or self.tag or self.centre)

    @property
    def key(self) -> str:
        text = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def counties(self) -> list[str]:
        """The counties (or wider areas) whose changes concern this network."""
        return outermost(p[:SHARED_WITHIN_DIGITS] for p in self.everything + self.shared)

    def seen(self, prefix: str = "") -> Q:
        """A filter for the entries of the network (on contacts, or through `prefix`)."""
        q = Q(pk__in=[])
        for p in self.everything:
            q |= Q(**{f"{prefix}area_code__startswith": p})
        for county in self.shared:
            q |= Q(**{f"{prefix}private": False, f"{prefix}area_code__startswith": county})
        return q

    def contacts(self) -> QuerySet[Contact]:
        return Contact.objects.filter(self.seen())

    @classmethod
    def of(cls, data: dict) -> "Spec":
        return cls(
            **{**data, "everything": tuple(data["everything"]), "shared": tuple(data["shared"])}
        )


def spec_for(
    prefixes,
    *,
    organisation: int | None = None,
    tag: str = "",
    centre: int | None = None,
    distance: int = 2,
) -> Spec:
    """The network seen with these area prefixes, cut by the filters (one query).

    Seen are the entries kept in the areas, and the shared entries of their counties
    (`EntryQuerySet.visible_within`). Within a county whose private entries are all kept in the
    areas, that is the whole county; otherwise the county's shared entries and every entry of
    the areas that keep private ones.
    """
    prefixes = outermost(prefixes)
    whole = {p for p in prefixes if len(p) <= SHARED_WITHIN_DIGITS}
    inner = [p for p in prefixes if len(p) > SHARED_WITHIN_DIGITS]
    everything, shared = set(whole), set()
    counties = {p[:SHARED_WITHIN_DIGITS] for p in inner if not covered(p, whole)}
    if counties:
        private = list(
            Contact.objects.filter(private=True)
            .filter(prefix_match(counties))
            .values_list("area_code", flat=True)
            .distinct()
        )
        for county in counties:
            own = [p for p in inner if p.startswith(county)]
            kept = [code for code in private if code.startswith(county)]
            if all(covered(code, own) for code in kept):
                everything.add(county)
            else:
                shared.add(county)
                everything.update(p for p in own if any(code.startswith(p) for code in kept))
    return Spec(
        everything=tuple(outermost(everything)),
        shared=tuple(sorted(shared)),
        organisation=organisation,
        tag=tag,
        centre=centre,
        distance=distance if centre else None,
    )


def graph_of(spec: Spec):
    """The network of the spec as a graph of contact ids, filters applied: distance is measured
    over the whole network, and organisation and tag then cut it (the person at the centre
    stays)."""
    contacts = spec.contacts()
    chosen = contacts
    if spec.organisation:
        chosen = chosen.filter(organisation_id=spec.organisation)
    if spec.tag:
        chosen = chosen.filter(tags__contains=spec.tag)
    nodes = contacts if spec.centre else chosen
    ids = list(nodes.values_list("pk", flat=True))
    inside = nodes.values("pk")
    edges = Link.objects.filter(source__in=inside, target__in=inside).values_list(
        "source_id", "target_id"
    )
    graph = network.build_graph(nodes=ids, edges=edges)
    if spec.centre:
        graph = network.within_distance(graph, centre=spec.centre, distance=spec.distance)
        if spec.organisation or spec.tag:
            keep = set(chosen.values_list("pk", flat=True)) | {spec.centre}
            graph = graph.subgraph(n for n in graph.nodes if n in keep)
    return graph


def generations_of(spec: Spec) -> dict[str, int]:
    """The generations of the counties of the spec, now."""
    states = NetworkState.objects.filter(prefix_match(spec.counties, "county"))
    return {state.county: state.generation for state in states}


def up_to_date(figures: NetworkFigures, generations: dict[str, int]) -> bool:
    return figures.computed_at is not None and figures.generations == generations


def figures_store(figures: NetworkFigures, graph, *, generations: dict, started: float) -> None:
    """Rank the people of the graph and replace the stored figures with theirs."""
    ranking = network.key_nodes(graph)
    with transaction.atomic():
        NetworkFigures.objects.select_for_update().filter(pk=figures.pk).first()
        NetworkRank.objects.filter(figures=figures).delete()
        NetworkRank.objects.bulk_create(
            (
                NetworkRank(
                    figures=figures,
                    contact_id=rank.node,
                    position=position,
                    degree=rank.degree,
                    degree_centrality=rank.degree_centrality,
                    betweenness=rank.betweenness,
                )
                for position, rank in enumerate(ranking, start=1)
            ),
            batch_size=1_000,
        )
        figures.generations = generations
        figures.computed_at = timezone.now()
        figures.seconds = time.monotonic() - started
        figures.people = graph.number_of_nodes()
        figures.links = graph.number_of_edges()
        figures.started_at = None
        figures.save(
            update_fields=[
                "generations",
                "computed_at",
                "seconds",
                "people",
                "links",
                "started_at",
            ]
        )


def figures_get(spec: Spec) -> NetworkFigures:
    """The stored figures of the spec's network, created empty when there are none yet."""
    figures = NetworkFigures.objects.filter(key=spec.key).first()
    if figures is not None:
        return figures
    try:
        with transaction.atomic():
            return NetworkFigures.objects.create(
                key=spec.key, spec=asdict(spec), filtered=spec.filtered
            )
    except IntegrityError:  # created meanwhile by another request
        return NetworkFigures.objects.get(key=spec.key)


def ask(figures: NetworkFigures, *, again_while_running: bool = False) -> None:
    """Have the worker compute the figures, unless it has been asked and not finished (or,
    after a change, not yet started): a computation running now may have read the network
    before the change."""
    from villagedesk.directory.tasks import network_figures_refresh

    now = timezone.now()
    waiting = Q(asked_at__isnull=True) | Q(asked_at__lt=now - PATIENCE)
    if again_while_running:
        waiting |= Q(started_at__isnull=False)
    if NetworkFigures.objects.filter(waiting, pk=figures.pk).update(asked_at=now):
        figures.asked_at = now
        network_figures_refresh.enqueue(key=figures.key)


@dataclass(frozen=True)
class Reading:
    """Stored figures as the page shows them: up to date, or the last ones while new ones are
    computed (none yet when `figures.computed_at` is None)."""

    spec: Spec
    figures: NetworkFigures
    up_to_date: bool

    @property
    def computed(self) -> bool:
        return self.figures.computed_at is not None


def reading(spec: Spec) -> Reading:
    """The figures of the network to show: read, asked for when missing or out of date, and
    computed at once for a small network cut by filters."""
    figures = figures_get(spec)
    generations = generations_of(spec)
    if up_to_date(figures, generations):
        return Reading(spec, figures, up_to_date=True)
    if spec.filtered and figures.asked_at is None:
        started = time.monotonic()
        graph = graph_of(spec)
        if graph.number_of_nodes() <= INLINE_PEOPLE:
            figures_store(figures, graph, generations=generations, started=started)
            return Reading(spec, figures, up_to_date=True)
    ask(figures)
    return Reading(spec, figures, up_to_date=False)


def figures_refresh(key: str) -> None:
    """The worker's part: compute the figures named by the key, unless they are up to date."""
    figures = NetworkFigures.objects.filter(key=key).first()
    if figures is None:
        return
    spec = Spec.of(figures.spec)
    asked = figures.asked_at
    if not up_to_date(figures, generations_of(spec)):
        started = time.monotonic()
        NetworkFigures.objects.filter(pk=figures.pk).update(started_at=timezone.now())
        # The generations are read before the network: a change in between leaves the figures
        # out of date, never wrongly up to date.
        generations = generations_of(spec)
        figures_store(figures, graph_of(spec), generations=generations, started=started)
        # Thousands of rows at once: plan the page's "first 30 by position" on them.
        statistics_refresh(NetworkRank._meta.db_table)
    NetworkFigures.objects.filter(pk=figures.pk, asked_at=asked).update(asked_at=None)


def network_changed(area_codes) -> None:
    """Contacts or links kept in these areas were added, changed or removed: call inside the
    writing transaction. The counties' figures are asked for again once it commits."""
    counties = sorted({code[:SHARED_WITHIN_DIGITS] for code in area_codes if code})
    for county in counties:
        state = NetworkState.objects.filter(county=county)
        if not state.update(generation=F("generation") + 1):
            _state, created = NetworkState.objects.get_or_create(
                county=county, defaults={"generation": 1}
            )
            if not created:  # created meanwhile by another writer
                state.update(generation=F("generation") + 1)
    transaction.on_commit(partial(figures_ask_after_change, counties))


def figures_ask_after_change(counties: list[str]) -> None:
    """Ask again for the figures of every whole network that includes one of the counties (a
    county's own first of all); drop those of networks cut by filters, which are computed again
    when next shown."""
    for county in counties:
        figures_get(Spec(everything=(county,)))
    for figures in NetworkFigures.objects.only("pk", "key", "spec", "filtered"):
        if not any(covered(county, Spec.of(figures.spec).counties) for county in counties):
            continue
        if figures.filtered:
            figures.delete()
        else:
            ask(figures, again_while_running=True)
