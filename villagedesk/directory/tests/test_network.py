import networkx as nx
import pytest
from django.urls import reverse

from villagedesk.directory import network, selectors
from villagedesk.directory.models import Contact, Link, LinkKind
from villagedesk.directory.tests.factories import ContactFactory

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


def test_key_nodes_follow_networkx_betweenness_order():
    graph = nx.Graph(TEST_EDGES)
    ranking = network.key_nodes(graph)
    assert [r.node for r in ranking] == networkx_order(graph)
    betweenness = nx.betweenness_centrality(graph)
    assert all(r.betweenness == betweenness[r.node] for r in ranking)
    assert ranking[0].node in {"丙", "中", "丁"}


def test_ranking_of_the_stored_network_matches_networkx(cadre_a, village_a):
    people = stored_network(village_a)
    view = selectors.contact_network(user=cadre_a)
    reference = nx.Graph([(people[a].pk, people[b].pk) for a, b in TEST_EDGES])
    assert [r.node for r in view.ranking] == networkx_order(reference)


def test_distance_filter_keeps_only_people_near_the_centre(cadre_a, village_a):
    people = stored_network(village_a)
    filters = selectors.NetworkFilters(centre=people["辛"].pk, distance=2)
    view = selectors.contact_network(user=cadre_a, filters=filters)
    assert {c.name for c in view.contacts.values()} == {"辛", "庚", "己"}


def test_network_page_stays_within_a_few_queries_at_500_people(
    client, cadre_a, village_a, django_assert_max_num_queries
):
    Contact.objects.bulk_create(
        [
            Contact(area=village_a, area_code=village_a.code, name=f"人{n}", name_pinyin=f"ren{n}")
            for n in range(500)
        ]
    )
    ids = list(Contact.objects.values_list("pk", flat=True))
    Link.objects.bulk_create(
        Link(source_id=ids[n], target_id=ids[(n * 7 + 3) % 500], kind=LinkKind.WORKS_WITH)
        for n in range(500)
        if ids[n] != ids[(n * 7 + 3) % 500]
    )
    client.force_login(cadre_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:network"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr><td>") == 30


def test_distance_and_tag_filters_combine(cadre_a, village_a):
    people = stored_network(village_a)
    Contact.objects.filter(pk=people["庚"].pk).update(tags="乡贤")
    filters = selectors.NetworkFilters(centre=people["辛"].pk, distance=2, tag="乡贤")
    view = selectors.contact_network(user=cadre_a, filters=filters)
    assert {c.name for c in view.contacts.values()} == {"辛", "庚"}
    assert len(view.edges) == 1
