"""Baseline of `npm run bench` (suite analytics): igraph's Leiden and Louvain on an edge list.

Reads the edge list the Credence run wrote (one "a b" per line), then times igraph's
community_leiden (objective: modularity, its default two iterations) and
community_multilevel (Louvain) on it, and prints JSON: load and community times in ms,
the modularity of each partition (computed by igraph), and the process's peak RSS.
Usage: igraph_communities.py EDGES NODES
"""

import json
import random
import resource
import sys
import time

import igraph

path, nodes = sys.argv[1], int(sys.argv[2])
random.seed(1)
t0 = time.perf_counter()
g = igraph.Graph.Read_Edgelist(path, directed=False)
if g.vcount() < nodes:
    g.add_vertices(nodes - g.vcount())
t1 = time.perf_counter()
leiden = g.community_leiden(objective_function="modularity", n_iterations=2)
t2 = time.perf_counter()
leiden_q = g.modularity(leiden.membership)
t3 = time.perf_counter()
louvain = g.community_multilevel()
t4 = time.perf_counter()
louvain_q = g.modularity(louvain.membership)
print(
    json.dumps(
        {
            "igraph": igraph.__version__,
            "nodes": g.vcount(),
            "edges": g.ecount(),
            "loadMs": (t1 - t0) * 1000,
            "leidenMs": (t2 - t1) * 1000,
            "leidenModularity": leiden_q,
            "leidenCommunities": len(leiden),
            "louvainMs": (t4 - t3) * 1000,
            "louvainModularity": louvain_q,
            "maxRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )
)
