"""The contact network: key people computed by the worker, stored, and read by the page."""

import json

import networkx as nx
import pytest
from django.urls import reverse

from conftest import make_area
from villagedesk.areas.models import Area, Level
from villagedesk.directory import figures, network, selectors, services, views
from villagedesk.directory.models import (
    Contact,
    Link,
    LinkKind,
    NetworkFigures,
    NetworkRank,
    NetworkState,
)
from villagedesk.directory.tests.factories import (
    ContactFactory,
    OrganisationFactory,
    worker_runs,
)

pytestmark = pytest.mark.django_db

# Two clusters joined through a broker, with a tail: betweenness orders them unambiguously.
TEST_EDGES = [
    ("甲", "乙"), ("甲", "丙"), ("乙", "丙"), ("丙", "中"),
    ("中", "丁"), ("丁", "戊"), ("丁", "己"), ("戊", "己"),
    ("己", "庚"), ("庚", "辛"), ("甲", "壬"),
]  # fmt: skip


def networkx_order(graph: nx.Graph) -> list:
    betweenness = nx.betweenness_centrality(graph)
    return sorted(graph.nodes, key=lambda n: (-betweenness[n], -graph.degree(n), n))


def stored_network(village) -> dict:
    names = sorted({name for pair in TEST_EDGES for name in pair})
    people = {name: ContactFactory(area=village, name=name) for name in names}
    for a, b in TEST_EDGES:
        Link.objects.create(source=people[a], target=people[b], kind=LinkKind.WORKS_WITH)
    return people


def direct_ranking(user) -> list[network.Rank]:
    """The key people computed straight from what the user sees, as the page once did."""
    contacts = Contact.objects.visible_to(user)
    ids = list(contacts.values_list("pk", flat=True))
    edges = Link.objects.filter(source__in=ids, target__in=ids).values_list(
        "source_id", "target_id"
    )
    return network.key_nodes(network.build_graph(nodes=ids, edges=edges))


def stored_ranking(user) -> list[network.Rank]:
    """The figures stored for the network the user sees, every person of it."""
    reading = selectors.network_reading(user=user)
    return [
        network.Rank(
            node=rank.contact_id,
            degree=rank.degree,
            degree_centrality=rank.degree_centrality,
            betweenness=rank.betweenness,
        )
        for rank in NetworkRank.objects.filter(figures=reading.figures).order_by("position")
    ]


def test_key_nodes_follow_networkx_betweenness_order():
    graph = nx.Graph(TEST_EDGES)
    ranking = network.key_nodes(graph)
    assert [r.node for r in ranking] == networkx_order(graph)
    betweenness = nx.betweenness_centrality(graph)
    assert all(r.betweenness == betweenness[r.node] for r in ranking)
    assert ranking[0].node in {"丙", "中", "丁"}


@pytest.fixture
def county_network(county, village_a, village_b):
    """The test network in village A, a shared county office linked to it, and a private
    entry of village B linked to both."""
    people = stored_network(village_a)
    office = ContactFactory(area=county, name="县局长")
    hidden = ContactFactory(area=village_b, name="乙村私密", private=True)
    Link.objects.create(source=office, target=people["中"], kind=LinkKind.REPORTS_TO)
    Link.objects.create(source=hidden, target=people["辛"], kind=LinkKind.FAMILY)
    Link.objects.create(source=hidden, target=office, kind=LinkKind.REPORTS_TO)
    return {**people, "县局长": office, "乙村私密": hidden}


def test_stored_figures_equal_the_direct_computation_for_each_user(
    county_network, cadre_a, cadre_b, county_supervisor
):
    for user in (cadre_a, cadre_b, county_supervisor):
        selectors.network_reading(user=user)
    assert worker_runs() == 2  # the supervisor and village B's cadre see the same network
    for user in (cadre_a, cadre_b, county_supervisor):
        assert selectors.network_reading(user=user).up_to_date
        assert stored_ranking(user) == direct_ranking(user)
    # Village A's cadre does not see village B's private entry, so their figures differ.
    hidden = county_network["乙村私密"].pk
    assert hidden not in {r.node for r in stored_ranking(cadre_a)}
    assert hidden in {r.node for r in stored_ranking(cadre_b)}
    assert stored_ranking(cadre_a) != stored_ranking(county_supervisor)


def test_the_ranking_of_the_stored_network_matches_networkx(cadre_a, village_a):
    people = stored_network(village_a)
    selectors.network_reading(user=cadre_a)
    worker_runs()
    reference = nx.Graph([(people[a].pk, people[b].pk) for a, b in TEST_EDGES])
    assert [r.node for r in stored_ranking(cadre_a)] == networkx_order(reference)


def test_a_network_is_named_by_the_entries_seen(county, village_a, village_b):
    county_spec = figures.spec_for(["530128"])
    # Without private entries, a village's team sees the whole county's network.
    assert figures.spec_for(["530128100001"]) == county_spec
    ContactFactory(area=village_b, name="私人", private=True)
    assert figures.spec_for(["530128100002"]) == county_spec
    outside = figures.spec_for(["530128100001"])
    assert outside == figures.Spec(shared=("530128",))
    assert set(outside.contacts()) == set(Contact.objects.visible_within(["530128100001"]))


def test_distance_filter_keeps_only_people_near_the_centre(cadre_a, village_a):
    people = stored_network(village_a)
    filters = selectors.NetworkFilters(centre=people["辛"].pk, distance=2)
    reading = selectors.network_reading(user=cadre_a, filters=filters)
    assert reading.up_to_date  # a small cut of the network is computed at once
    ranks = selectors.network_ranks(user=cadre_a, reading=reading)
    assert {rank.contact.name for rank in ranks} == {"辛", "庚", "己"}


def test_distance_and_tag_filters_combine(cadre_a, village_a):
    people = stored_network(village_a)
    Contact.objects.filter(pk=people["庚"].pk).update(tags="乡贤")
    filters = selectors.NetworkFilters(centre=people["辛"].pk, distance=2, tag="乡贤")
    reading = selectors.network_reading(user=cadre_a, filters=filters)
    ranks = selectors.network_ranks(user=cadre_a, reading=reading)
    assert {rank.contact.name for rank in ranks} == {"辛", "庚"}
    assert reading.figures.links == 1


def test_a_large_cut_of_the_network_is_left_to_the_worker(client, cadre_a, village_a, monkeypatch):
    people = stored_network(village_a)
    monkeypatch.setattr(figures, "INLINE_PEOPLE", 2)
    client.force_login(cadre_a)
    address = f"{reverse('directory:network')}?centre={people['辛'].pk}&distance=2"
    page = client.get(address).content.decode()
    assert "being computed" in page and 'id="ranking"' not in page
    assert worker_runs() == 1
    page = client.get(address).content.decode()
    assert page.count("<tr><td>") == 3


def contacts_linked(village, count: int) -> list[int]:
    """People of three organisations of the village, each linked to another."""
    organisations = [OrganisationFactory(area=village) for _ in range(3)]
    Contact.objects.bulk_create(
        [
            Contact(
                area=village,
                area_code=village.code,
                name=f"人{n}",
                name_pinyin=f"ren{n}",
                organisation=organisations[n % 3],
            )
            for n in range(count)
        ]
    )
    ids = list(Contact.objects.order_by("pk").values_list("pk", flat=True))
    Link.objects.bulk_create(
        Link(source_id=ids[n], target_id=ids[(n * 7 + 3) % count], kind=LinkKind.WORKS_WITH)
        for n in range(count)
        if ids[n] != ids[(n * 7 + 3) % count]
    )
    return ids


# Session, user, assignments; private entries of the county; figures and their counties'
# generations; the ranking and the number of people in it; the areas and organisations to
# choose from.
NETWORK_PAGE_QUERIES = 10
# The same up to the figures; then the people of the page and the links they add.
NETWORK_CHART_QUERIES = 8


@pytest.mark.parametrize("people", [20, 200])
def test_the_network_page_takes_the_same_queries_at_any_size(
    client, cadre_a, village_a, people, django_assert_num_queries
):
    contacts_linked(village_a, people)
    client.force_login(cadre_a)
    client.get(reverse("directory:network"))
    worker_runs()
    with django_assert_num_queries(NETWORK_PAGE_QUERIES):
        response = client.get(reverse("directory:network"))
    assert response.content.decode().count("<tr><td>") == min(people, views.RANKING_SHOWN)
    with django_assert_num_queries(NETWORK_CHART_QUERIES):
        chart = client.get(reverse("directory:network-chart")).json()
    assert len(chart["nodes"]) == min(people, views.CHART_PAGE)


def test_the_page_ships_a_summary_and_loads_the_chart_by_pages(
    client, cadre_a, village_a, monkeypatch
):
    ids = contacts_linked(village_a, 40)
    monkeypatch.setattr(views, "CHART_PAGE", 15)
    client.force_login(cadre_a)
    client.get(reverse("directory:network"))
    worker_runs()
    page = client.get(reverse("directory:network")).content.decode()
    assert page.count("<tr><td>") == 30
    assert "人" not in page.split('id="ranking"')[0].split("</form>")[1]  # no data for scripts
    drawn, links, offset = [], set(), 0
    while offset is not None:
        part = client.get(reverse("directory:network-chart"), {"offset": offset}).json()
        drawn += [int(node["id"]) for node in part["nodes"]]
        links |= {(int(link["source"]), int(link["target"])) for link in part["links"]}
        assert all(a in drawn and b in drawn for a, b in links)
        offset = part["next"]
    assert len(drawn) == 40 and sorted(drawn) == sorted(ids)
    ranked = [rank.contact_id for rank in NetworkRank.objects.order_by("position")]
    assert drawn == ranked
    expected = {
        (min(a, b), max(a, b)) for a, b in Link.objects.values_list("source_id", "target_id")
    }
    assert links == expected


def test_the_page_says_when_figures_are_being_computed(client, cadre_a, village_a):
    stored_network(village_a)
    client.force_login(cadre_a)
    page = client.get(reverse("directory:network")).content.decode()
    assert "being computed" in page and "Waiting for the background worker" in page
    assert 'id="ranking"' not in page
    figures_row = NetworkFigures.objects.get()
    status = client.get(reverse("directory:network-status"), {"shown": ""})
    assert status.status_code == 200 and "being computed" in status.content.decode()
    assert worker_runs() == 1  # asked once, however often the page is shown
    status = client.get(reverse("directory:network-status"), {"shown": ""})
    assert status.status_code == 204 and status["HX-Refresh"] == "true"
    figures_row.refresh_from_db()
    assert figures_row.asked_at is None and figures_row.people == 10
    assert client.get(reverse("directory:network")).content.decode().count("<tr><td>") == 10


def test_after_a_change_the_last_figures_show_with_their_time_until_new_ones_are_in(
    client, cadre_a, village_a, django_capture_on_commit_callbacks
):
    people = stored_network(village_a)
    client.force_login(cadre_a)
    client.get(reverse("directory:network"))
    worker_runs()
    newcomer = ContactFactory(area=village_a, name="新人")
    with django_capture_on_commit_callbacks(execute=True):
        services.link_create(
            by=cadre_a, link=Link(source=newcomer, target=people["辛"], kind=LinkKind.FAMILY)
        )
    assert NetworkState.objects.get(county="530128").generation == 1
    page = client.get(reverse("directory:network")).content.decode()
    assert "The network has changed since" in page and "Figures as of" in page
    assert "新人" not in page and page.count("<tr><td>") == 10
    assert worker_runs() == 1
    page = client.get(reverse("directory:network")).content.decode()
    assert "The network has changed since" not in page
    assert "新人" in page and page.count("<tr><td>") == 11


def test_a_change_while_figures_are_computed_asks_for_them_again(
    cadre_a, village_a, django_capture_on_commit_callbacks
):
    people = stored_network(village_a)
    reading = selectors.network_reading(user=cadre_a)
    NetworkFigures.objects.filter(pk=reading.figures.pk).update(started_at="2026-01-01T00:00Z")
    with django_capture_on_commit_callbacks(execute=True):
        services.link_delete(by=cadre_a, link=Link.objects.filter(source=people["庚"]).get())
    assert worker_runs() == 2
    assert selectors.network_reading(user=cadre_a).up_to_date


@pytest.fixture
def next_county(county):
    """A village of another county of the same city, with its own shared people."""
    city = Area.objects.get(code="530100000000")
    other = make_area("530129000000", Level.COUNTY, "寻甸回族彝族自治县", city)
    township = make_area("530129100000", Level.TOWNSHIP, "仁德街道", other)
    return make_area("530129100001", Level.VILLAGE, "东村", township)


def test_another_countys_people_never_appear_and_its_places_are_404(
    client, cadre_a, village_a, village_b, next_county
):
    people = stored_network(village_a)
    stranger = ContactFactory(area=next_county, name="外县人")
    Link.objects.create(source=stranger, target=people["甲"], kind=LinkKind.FAMILY)
    hidden = ContactFactory(area=village_b, name="乙村私密", private=True)
    Link.objects.create(source=hidden, target=people["甲"], kind=LinkKind.FAMILY)
    client.force_login(cadre_a)
    client.get(reverse("directory:network"))
    worker_runs()
    page = client.get(reverse("directory:network")).content.decode()
    chart = client.get(reverse("directory:network-chart")).content.decode()
    for name in ("外县人", "乙村私密"):
        assert name not in page and name not in chart
    assert NetworkRank.objects.filter(contact__in=[stranger, hidden]).count() == 0
    assert json.loads(chart)["links"] and len(json.loads(chart)["nodes"]) == 10
    network_pages = ("directory:network", "directory:network-chart", "directory:network-status")
    outside = [
        {"area": next_county.code},
        {"area": village_b.code},  # the cadre's areas are their own village's
        {"centre": stranger.pk},
        {"centre": hidden.pk},
        {"organisation": OrganisationFactory(area=next_county).pk},
    ]
    for name in network_pages:
        for params in outside:
            assert client.get(reverse(name), params).status_code == 404, (name, params)


def test_people_of_an_area_are_listed_in_the_order_of_the_whole_network(
    client, county_supervisor, village_a, village_b
):
    people = stored_network(village_a)
    others = [ContactFactory(area=village_b, name=name) for name in ("乙村人", "乙村新人")]
    Link.objects.create(source=others[0], target=people["甲"], kind=LinkKind.FAMILY)
    Link.objects.create(source=others[1], target=people["甲"], kind=LinkKind.FAMILY)
    Link.objects.create(source=others[1], target=people["丁"], kind=LinkKind.FAMILY)
    client.force_login(county_supervisor)
    client.get(reverse("directory:network"))
    worker_runs()
    page = client.get(reverse("directory:network"), {"area": village_b.code}).content.decode()
    order = [rank.contact.name for rank in NetworkRank.objects.filter(contact__in=others)]
    assert order == ["乙村新人", "乙村人"]  # a bridge between the two clusters comes first
    assert page.count("<tr><td>") == 2 and "2 people of Xiaohe in this network" in page
    rows = page.split("<tr><td>")[1:]
    assert [row.split("</td>")[0] for row in rows] == ["1", "2"]
    assert [name in row for row, name in zip(rows, order, strict=True)] == [True, True]
    chart = client.get(reverse("directory:network-chart"), {"area": village_b.code}).json()
    assert [node["name"] for node in chart["nodes"]] == order


def test_a_contact_made_private_leaves_the_figures_of_those_who_no_longer_see_it(
    client, cadre_a, village_a, township
):
    people = stored_network(village_a)
    ContactFactory(area=township, name="街道私密", private=True)
    other = ContactFactory(area=township, name="街道人")
    Link.objects.create(source=other, target=people["甲"], kind=LinkKind.FAMILY)
    client.force_login(cadre_a)
    client.get(reverse("directory:network"))
    worker_runs()
    assert "街道人" in client.get(reverse("directory:network")).content.decode()
    # Made private by a write the figures have not caught up with yet.
    Contact.objects.filter(pk=other.pk).update(private=True)
    assert NetworkRank.objects.filter(contact=other).exists()
    assert "街道人" not in client.get(reverse("directory:network")).content.decode()
    assert "街道人" not in client.get(reverse("directory:network-chart")).content.decode()


def test_a_cadre_is_listed_only_people_of_their_village_and_of_the_offices_above_it(
    client, cadre_a, county_supervisor, county, township, village_a, village_b
):
    people = stored_network(village_a)
    far_township = make_area("530128200000", Level.TOWNSHIP, "翠华镇", county)
    far_village = make_area("530128200001", Level.VILLAGE, "远村", far_township)
    near = {
        "县局长": ContactFactory(area=county, name="县局长"),
        "街道主任": ContactFactory(area=township, name="街道主任"),
    }
    # The best-linked people of the county are elsewhere: they join everyone to village A.
    far = {
        "镇书记": ContactFactory(area=far_township, name="镇书记"),
        "远村书记": ContactFactory(area=far_village, name="远村书记"),
        "乙村书记": ContactFactory(area=village_b, name="乙村书记"),
    }
    for person in (*near.values(), far["远村书记"], far["乙村书记"]):
        Link.objects.create(source=far["镇书记"], target=person, kind=LinkKind.WORKS_WITH)
    for name in ("甲", "中", "辛"):
        Link.objects.create(source=far["镇书记"], target=people[name], kind=LinkKind.WORKS_WITH)
    Link.objects.create(source=far["乙村书记"], target=people["丁"], kind=LinkKind.FAMILY)
    Link.objects.create(source=near["街道主任"], target=people["庚"], kind=LinkKind.WORKS_WITH)
    client.force_login(cadre_a)
    client.get(reverse("directory:network"))
    worker_runs()
    first = NetworkRank.objects.order_by("position").first()
    assert first.contact == far["镇书记"]  # the county's figures rank the far official first

    page = client.get(reverse("directory:network")).content.decode()
    ranking = page.split('id="ranking"')[1]
    chart = client.get(reverse("directory:network-chart")).json()
    charted = {node["name"] for node in chart["nodes"]}
    for name in far:
        assert name not in ranking and name not in charted, name
    for name in (*near, *people):
        assert name in ranking and name in charted, name
    assert ranking.count("<tr><td>") == len(near) + len(people)
    assert all(
        int(link["source"]) not in {p.pk for p in far.values()}
        and int(link["target"]) not in {p.pk for p in far.values()}
        for link in chart["links"]
    )

    client.force_login(county_supervisor)
    page = client.get(reverse("directory:network")).content.decode()
    ranking = page.split('id="ranking"')[1]
    assert all(name in ranking for name in (*far, *near, *people))
    assert ranking.split("<tr><td>")[1].split("</tr>")[0].count("镇书记") == 1


def test_the_chart_labels_every_node_with_its_name_cut_short(client, cadre_a, village_a):
    people = stored_network(village_a)
    long_name = "欧阳司马慕容诸葛明"
    Contact.objects.filter(pk=people["甲"].pk).update(name=long_name)
    client.force_login(cadre_a)
    client.get(reverse("directory:network"))
    worker_runs()
    nodes = client.get(reverse("directory:network-chart")).json()["nodes"]
    labels = {node["name"]: node["short"] for node in nodes}
    assert labels[long_name] == "欧阳司马慕…"
    assert labels["中"] == "中" and len(labels) == len(people)
    assert all(len(short) <= views.LABEL_CHARACTERS for short in labels.values())
