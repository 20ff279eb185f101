"""The peer: rdflib-endpoint serving an N-Quads file (run with the peer's own virtualenv, not the project's).

    python peer_rdflib_endpoint.py DATASET.nq PORT

The default graph is the union of the named graphs, as in our service, so the same queries mean the same.
"""

from __future__ import annotations

import sys

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def main() -> None:
    dataset_file, port = sys.argv[1], int(sys.argv[2])
    dataset = Dataset(default_union=True)
    dataset.parse(dataset_file, format="nquads")
    app = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
