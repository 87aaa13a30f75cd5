"""The contact network as a graph, and its key people ranked by networkx.

Betweenness says who sits on the paths between others (the people who open doors); degree says
who knows the most people. A new team meets the first ones first.
"""

from dataclasses import dataclass

import networkx as nx


@dataclass(frozen=True)
class Rank:
    node: int
    degree: int
    degree_centrality: float
    betweenness: float


def build_graph(*, nodes, edges) -> nx.Graph:
    """An undirected graph of ids; links in either direction count once."""
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((a, b) for a, b in edges if a in graph and b in graph)
    return graph


def within_distance(graph: nx.Graph, *, centre: int, distance: int) -> nx.Graph:
    """The part of the graph no more than `distance` links from the centre."""
    if centre not in graph:
        return nx.Graph()
    return nx.ego_graph(graph, centre, radius=distance)


def key_nodes(graph: nx.Graph) -> list[Rank]:
    """Every node, highest betweenness first, then most links, then id for a stable order."""
    betweenness = nx.betweenness_centrality(graph)
    degree_centrality = nx.degree_centrality(graph)
    ranks = [
        Rank(
            node=node,
            degree=graph.degree(node),
            degree_centrality=degree_centrality[node],
            betweenness=betweenness[node],
        )
        for node in graph.nodes
    ]
    return sorted(ranks, key=lambda r: (-r.betweenness, -r.degree, r.node))
