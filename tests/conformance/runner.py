"""Runs each test of the suite against the service over HTTP, and the evaluation and syntax tests also
in process on pyoxigraph (the engine the service builds on), so that both verdicts sit side by side."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery

from tests.conformance.manifest import EMPTY, Case, Dataset, Kind
from tests.conformance.outcome import PASSED, Outcome, Status, Verdict, failed
from tests.conformance.protocol import run_description, run_protocol
from tests.conformance.results import (
    Answer,
    compare,
    compare_header,
    from_oxigraph,
    ordering,
    read_csv,
    read_expected,
    read_json,
    read_result_graph,
    read_triples,
    read_tsv,
)
from tests.conformance.service import LiveService, load_dataset, serve_dataset

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
CSV = "text/csv"
TSV = "text/tab-separated-values"
SPARQL_QUERY = "application/sparql-query"


def with_base(case: Case) -> str:
    """The test's query with its file IRI declared as BASE.

    The suite resolves a query's relative IRIs against the query file; the SPARQL Protocol has no
    parameter for a base IRI, so the harness states it in the text (a prologue may hold several BASE)."""
    assert case.text is not None
    return f"BASE <{case.text.iri}>\n" + case.text.text().lstrip("\ufeff")


def _problem_type(response: httpx.Response) -> str:
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return ""
    return str(response.json().get("type", ""))


def problem(response: httpx.Response) -> str:
    """The status and the problem detail of a refused request, in one line."""
    detail = response.text
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        body = response.json()
        detail = f"{body.get('type', '')}: {body.get('detail', '')}".strip(": ")
    return f"HTTP {response.status_code} {' '.join(detail.split())[:300]}"


class Runner:
    """Runs cases against one live service (sequentially: the served dataset changes between tests)."""

    def __init__(self, service: LiveService, http: httpx.Client) -> None:
        self.service = service
        self.http = http

    def run(self, case: Case) -> Outcome:
        if case.skip is not None:
            skipped = Verdict(Status.SKIPPED, case.skip)
            return Outcome(case, skipped, skipped if case.kind in (Kind.EVALUATION, Kind.CSV, Kind.SYNTAX) else None)
        if case.kind in (Kind.EVALUATION, Kind.CSV):
            return Outcome(case, self._evaluate_on_service(case), _evaluate_on_engine(case))
        if case.kind is Kind.SYNTAX:
            return Outcome(case, self._syntax_on_service(case), _syntax_on_engine(case))
        if case.kind is Kind.UPDATE:
            return Outcome(case, self._update_on_service(case), None)
        if case.kind is Kind.PROTOCOL:
            return Outcome(case, run_protocol(case, self.service, self.http), None)
        return Outcome(case, run_description(case, self.service, self.http), None)

    # ------------------------------------------------------------ query evaluation

    def _evaluate_on_service(self, case: Case) -> Verdict:
        endpoint = serve_dataset(self.service, case.dataset)
        response = self.http.post(
            endpoint,
            content=with_base(case).encode("utf-8"),
            headers={"Content-Type": SPARQL_QUERY, "Accept": _accept(case)},
        )
        if response.status_code != 200:
            return failed(problem(response))
        media = response.headers.get("content-type", "").partition(";")[0].strip()
        try:
            actual = _read_answer(media, response.content)
        except ValueError as error:
            return failed(f"the {media} answer does not read: {error}")
        return _judge(case, actual)

    # ------------------------------------------------------------ syntax

    def _syntax_on_service(self, case: Case) -> Verdict:
        text = with_base(case)
        # A valid query may name graphs in FROM; the service holds every graph it answers from and
        # refuses others (it never fetches), so they are served, empty, as the suite leaves them unspecified.
        endpoint = serve_dataset(self.service, _graphs_named(text) if case.positive else EMPTY)
        response = self.http.post(endpoint, content=text.encode("utf-8"), headers={"Content-Type": SPARQL_QUERY})
        if case.positive:
            # 422: it parsed, but the engine cannot evaluate it (an extension function it does not know).
            if response.status_code == 200 or _problem_type(response).endswith("/query-failed"):
                return PASSED
            return failed("refused: " + problem(response))
        if response.status_code == 400:
            return PASSED
        return failed(f"accepted an invalid query ({problem(response)}; 400 expected)")

    # ------------------------------------------------------------ updates: refused

    def _update_on_service(self, case: Case) -> Verdict:
        assert case.text is not None
        response = self.http.post(
            self.service.endpoint,
            content=case.text.text().encode("utf-8"),
            headers={"Content-Type": SPARQL_QUERY},
        )
        # Every valid update must be refused as such; an invalid one may also be refused for its syntax.
        expected = (403,) if case.positive else (400, 403)
        if response.status_code in expected:
            return PASSED
        return failed(f"{problem(response)}; the read-only endpoint must refuse updates with 403")


def _accept(case: Case) -> str:
    if case.kind is Kind.CSV:
        return CSV
    if case.result is not None and case.result.path.suffix == ".tsv":
        return TSV  # the TSV results tests check the TSV the endpoint writes
    return f"{SPARQL_JSON}, {N_TRIPLES}"  # the endpoint picks by the query form


def _read_answer(media: str, body: bytes) -> Answer:
    if media == SPARQL_JSON:
        return read_json(body)
    if media == N_TRIPLES:
        return read_result_graph(read_triples(body, ox.RdfFormat.N_TRIPLES))
    if media == CSV:
        return read_csv(body.decode("utf-8"))
    if media == TSV:
        return read_tsv(body.decode("utf-8"))
    raise ValueError(f"unexpected media type {media!r}")


def _expected(case: Case) -> Answer:
    assert case.result is not None
    return read_expected(case.result.path.suffix, case.result.path.read_bytes(), case.result.iri)


def _judge(case: Case, actual: Answer) -> Verdict:
    expected = _expected(case)
    assert case.text is not None
    if case.kind is Kind.CSV:
        difference = compare_header(expected, actual)
    else:
        difference = compare(expected, actual, ordering(case.text.text()))
    return PASSED if difference is None else failed(difference)


def _evaluate_on_engine(case: Case) -> Verdict:
    assert case.text is not None
    store = load_dataset(case.dataset)
    try:
        result = store.query(case.text.text(), base_iri=case.text.iri)
        if case.kind is Kind.CSV or (case.result is not None and case.result.path.suffix == ".tsv"):
            assert isinstance(result, ox.QuerySolutions)
            if case.kind is Kind.CSV:
                actual = read_csv((result.serialize(format=ox.QueryResultsFormat.CSV) or b"").decode("utf-8"))
            else:
                actual = read_tsv((result.serialize(format=ox.QueryResultsFormat.TSV) or b"").decode("utf-8"))
        else:
            actual = _engine_answer(result)
    except Exception as error:  # the engine's own errors are its verdict
        return failed(f"the engine raised {type(error).__name__}: {error}")
    return _judge(case, actual)


def _engine_answer(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> Answer:
    if isinstance(result, ox.QueryBoolean):
        return Answer(boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [
            {name: from_oxigraph(solution[name]) for name in variables if solution[name] is not None}
            for solution in result
        ]
        return Answer(variables, rows)
    triples = [(from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in result]
    return Answer(triples=triples)


def _syntax_on_engine(case: Case) -> Verdict:
    assert case.text is not None
    try:
        ox.Store().query(case.text.text(), base_iri=case.text.iri)
        accepted, message = True, ""
    except SyntaxError as error:
        accepted, message = False, str(error)
    except Exception:  # it parsed; evaluating it on the empty store failed (an unknown function, say)
        accepted, message = True, ""
    if accepted == case.positive:
        return PASSED
    return failed(f"the parser refuses it: {message}" if case.positive else "the parser accepts it")


def _graphs_named(text: str) -> Dataset:
    """The graphs a query names in FROM / FROM NAMED, as empty named graphs (rdflib's parser finds them)."""
    try:
        parsed = parseQuery(text)
    except (ParseException, ValueError, RecursionError):
        return EMPTY
    prologue = translatePrologue(parsed[0], None)
    query = parsed[1]
    # Not query.get(): a CompValue's get() takes no default and answers the key's name when it is absent.
    clauses = query["datasetClause"] if "datasetClause" in query else []  # noqa: SIM401
    names = sorted(
        {str(prologue.absolutize(clause["named"] if "named" in clause else clause["default"])) for clause in clauses}
    )
    return Dataset(named=tuple((name, None) for name in names))
