"""The protocol tests (protocol/manifest.ttl) and the service description tests (service-description/).

A protocol test is a list of HTTP requests written in the W3C's HTTP vocabulary (ht:), each with the
response it expects (mf:expectedStatus, mf:expectedFormat, mf:expectedBoolean). Each request is sent
as written to the service's /sparql (the manifest's `/sparql/` path stands for the endpoint).

Two readings make the tests apply to a read-only endpoint that never fetches a graph:

- a request carrying an update (form `update=`, `application/sparql-update`) must be refused with 403;
  the requests after it, which check what the update changed, are not sent;
- graphs that requests name (default-graph-uri, named-graph-uri) without data in the manifest
  (data0.rdf) are served as empty graphs: the tests use them only to show that the parameters are read.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from tests.conformance.manifest import MF, Case, Dataset
from tests.conformance.outcome import PASSED, Verdict, failed
from tests.conformance.results import RDF_TYPE, Answer, Term, read_json, read_triples, read_xml, uri
from tests.conformance.service import LiveService, serve_dataset

HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
SD = "http://www.w3.org/ns/sparql-service-description#"
MANIFEST_ENDPOINT = "/sparql/"

BOOLEAN_FORMATS = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_FORMATS = (*BOOLEAN_FORMATS, "text/csv", "text/tab-separated-values")
RDF_FORMATS = {
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}
EXPECTED_FORMATS = {"boolean": BOOLEAN_FORMATS, "tabular": TABULAR_FORMATS, "RDF": tuple(RDF_FORMATS)}


def _verdict(reason: str = "") -> Verdict:
    return PASSED if not reason else failed(reason)


# ---------------------------------------------------------------- protocol tests


def run_protocol(case: Case, service: LiveService, http: httpx.Client) -> Verdict:
    """Send the test's requests in order; the first response that is not what it should be fails the test."""
    assert case.graph is not None
    manifest = case.graph
    action = manifest.value(URIRef(case.iri), MF.action)
    head = manifest.value(action, HT.requests) if action is not None else None
    if head is None:
        return _verdict("the manifest gives no requests")
    requests = list(Collection(manifest, head))
    serve_dataset(service, _with_named_graphs(case.dataset, manifest, requests))
    for number, request in enumerate(requests, start=1):
        method = str(manifest.value(request, HT.methodName))
        path = str(manifest.value(request, HT.absolutePath))
        headers = _headers(manifest, request)
        body = _body(manifest, request)
        url = service.endpoint + path.removeprefix(MANIFEST_ENDPOINT).removeprefix("/")
        response = http.request(method, url, content=body, headers=headers)
        expected = manifest.value(request, HT.resp)
        if expected is None:
            return _verdict(f"request {number} has no expected response (ht:resp) in the manifest")
        statuses = sorted(_status_class(s) for s in manifest.objects(expected, MF.expectedStatus))
        where = f"request {number} ({method} {path[:60]})"
        if _is_update(path, headers, body) and 2 in statuses:
            # Read-only: the update is refused, and what the later requests check never happened.
            if response.status_code == 403:
                return _verdict()
            return _verdict(f"{where}: the update was not refused with 403 but got HTTP {response.status_code}")
        if response.status_code // 100 not in statuses:
            expected_classes = " or ".join(f"{s}xx" for s in statuses)
            return _verdict(
                f"{where}: expected {expected_classes}, got HTTP {response.status_code} {response.text[:200]}"
            )
        failure = _check_content(manifest, expected, response)
        if failure:
            return _verdict(f"{where}: {failure}")
    return _verdict()


def _headers(manifest: Graph, request: Node) -> dict[str, str]:
    head = manifest.value(request, HT.headers)
    headers: dict[str, str] = {}
    for header in Collection(manifest, head) if head is not None else []:
        headers[str(manifest.value(header, HT.fieldName))] = str(manifest.value(header, HT.fieldValue))
    return headers


def _body(manifest: Graph, request: Node) -> bytes | None:
    body = manifest.value(request, HT.body)
    if body is None:
        return None
    encoding = str(manifest.value(body, CNT.characterEncoding) or "UTF-8")
    return str(manifest.value(body, CNT.chars)).encode(encoding)


def _status_class(status: Node) -> int:
    # hts:StatusCode2xx and the like
    return int(str(status).rstrip("x")[-1])


def _parameters(path: str, headers: dict[str, str], body: bytes | None) -> dict[str, list[str]]:
    parameters = parse_qs(urlsplit(path).query)
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded") and body is not None:
        for name, values in parse_qs(body.decode("utf-8", errors="replace")).items():
            parameters.setdefault(name, []).extend(values)
    return parameters


def _is_update(path: str, headers: dict[str, str], body: bytes | None) -> bool:
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    return content_type.startswith("application/sparql-update") or "update" in _parameters(path, headers, body)


def _with_named_graphs(dataset: Dataset, manifest: Graph, requests: list[Node]) -> Dataset:
    """The test's graphs, plus an empty graph for each graph a request names that has no data."""
    held = {name for name, _ in dataset.named}
    named = list(dataset.named)
    for request in requests:
        path = str(manifest.value(request, HT.absolutePath))
        parameters = _parameters(path, _headers(manifest, request), _body(manifest, request))
        for key in ("default-graph-uri", "named-graph-uri"):
            for name in parameters.get(key, []):
                if name not in held:
                    held.add(name)
                    named.append((name, None))
    return Dataset(dataset.default, tuple(sorted(named, key=lambda item: item[0])))


def _check_content(manifest: Graph, expected: Node, response: httpx.Response) -> str:
    media = response.headers.get("content-type", "").partition(";")[0].strip()
    expected_format = manifest.value(expected, MF.expectedFormat)
    if expected_format is not None:
        allowed = EXPECTED_FORMATS[str(expected_format)]
        if media not in allowed:
            return f"expected a {expected_format} result ({', '.join(allowed)}), got {media or 'no media type'}"
    expected_boolean = manifest.value(expected, MF.expectedBoolean)
    if expected_boolean is not None:
        answer: Answer = read_json(response.content) if media.endswith("json") else read_xml(response.content)
        wanted = str(expected_boolean) == "true"
        if answer.boolean is not wanted:
            return f"expected the boolean {str(wanted).lower()}, got {answer.describe()}"
    return ""


# ---------------------------------------------------------------- service description tests

# The terms of the SPARQL 1.1 Service Description vocabulary (https://www.w3.org/TR/sparql11-service-description/).
SD_CLASSES = (
    "Service",
    "Feature",
    "Language",
    "Function",
    "Aggregate",
    "EntailmentRegime",
    "EntailmentProfile",
    "GraphCollection",
    "Dataset",
    "Graph",
    "NamedGraph",
)
SD_INSTANCES = {
    "SPARQL10Query": "Language",
    "SPARQL11Query": "Language",
    "SPARQL11Update": "Language",
    "DereferencesURIs": "Feature",
    "UnionDefaultGraph": "Feature",
    "RequiresDataset": "Feature",
    "EmptyGraphs": "Feature",
    "BasicFederatedQuery": "Feature",
}
# property -> what its object must be: an IRI, a class the object is an instance of, or any term.
SD_PROPERTIES = {
    "endpoint": "IRI",
    "feature": "Feature",
    "defaultEntailmentRegime": "IRI",
    "entailmentRegime": "IRI",
    "defaultSupportedEntailmentProfile": "IRI",
    "supportedEntailmentProfile": "IRI",
    "extensionFunction": "any",
    "extensionAggregate": "any",
    "languageExtension": "IRI",
    "supportedLanguage": "Language",
    "propertyFeature": "IRI",
    "defaultDataset": "any",
    "availableGraphs": "any",
    "resultFormat": "IRI",
    "inputFormat": "IRI",
    "defaultGraph": "any",
    "namedGraph": "any",
    "name": "IRI",
    "graph": "any",
}
DESCRIPTION_ACCEPTS = (None, "application/rdf+xml", "text/turtle")


def run_description(case: Case, service: LiveService, http: httpx.Client) -> Verdict:
    """GET /sparql with no query: an RDF description of the endpoint (for each test of the manifest)."""
    descriptions: list[list[tuple[Term, Term, Term]]] = []
    for accept in DESCRIPTION_ACCEPTS:
        response = http.get(service.endpoint, headers={"Accept": accept} if accept else {})
        media = response.headers.get("content-type", "").partition(";")[0].strip()
        if response.status_code != 200 or media not in RDF_FORMATS:
            return _verdict(f"GET with Accept {accept or '(none)'}: HTTP {response.status_code} {media}, not RDF")
        try:
            descriptions.append(read_triples(response.content, RDF_FORMATS[media]))
        except SyntaxError as error:
            return _verdict(f"the {media} description does not parse: {error}")
    if case.name == "returns-rdf":
        return _verdict()
    triples = descriptions[0]
    if case.name == "has-endpoint-triple":
        if any(p == uri(SD + "endpoint") and o == uri(service.endpoint) for _, p, o in triples):
            return _verdict()
        return _verdict(f"no sd:endpoint <{service.endpoint}> in the description")
    return _verdict("; ".join(_schema_problems(triples)))


def _schema_problems(triples: list[tuple[Term, Term, Term]]) -> list[str]:
    """What in the description does not follow the Service Description vocabulary."""
    problems: list[str] = []
    types: dict[Term, set[str]] = {}
    for s, p, o in triples:
        if p == uri(RDF_TYPE) and o.value.startswith(SD):
            types.setdefault(s, set()).add(o.value.removeprefix(SD))
    for name, kind in SD_INSTANCES.items():
        types.setdefault(uri(SD + name), set()).add(kind)
    services = [s for s, kinds in types.items() if "Service" in kinds]
    if not services:
        problems.append("no resource of type sd:Service")
    for service in services:
        if not any(s == service and p == uri(SD + "supportedLanguage") for s, p, _ in triples):
            problems.append("the sd:Service has no sd:supportedLanguage")
    for _, p, o in triples:
        for term in (p, o) if p == uri(RDF_TYPE) else (p,):
            if term.kind == "uri" and term.value.startswith(SD):
                local = term.value.removeprefix(SD)
                if local not in SD_CLASSES and local not in SD_PROPERTIES and local not in SD_INSTANCES:
                    problems.append(f"sd:{local} is not a term of the vocabulary")
        if not p.value.startswith(SD):
            continue
        wanted = SD_PROPERTIES.get(p.value.removeprefix(SD))
        if wanted == "IRI" and o.kind != "uri":
            problems.append(f"sd:{p.value.removeprefix(SD)} takes an IRI, not {o}")
        elif wanted in ("Feature", "Language") and wanted not in types.get(o, set()) and o.kind != "uri":
            problems.append(f"sd:{p.value.removeprefix(SD)} takes an sd:{wanted}, not {o}")
        elif wanted == "Language" and o.value.removeprefix(SD) not in SD_INSTANCES:
            problems.append(f"{o} is not one of the languages sd:SPARQL10Query, sd:SPARQL11Query, sd:SPARQL11Update")
    for s, kinds in types.items():
        if "NamedGraph" in kinds:
            names = [o for x, p, o in triples if x == s and p == uri(SD + "name")]
            if len(names) != 1:
                problems.append(f"an sd:NamedGraph has {len(names)} sd:name (exactly one is required)")
    return problems
