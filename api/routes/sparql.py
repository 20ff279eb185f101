"""The SPARQL 1.1 Protocol endpoint (queries only): GET, POST form and POST application/sparql-query."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.negotiation import GRAPH_OFFERS, SOLUTION_OFFERS, NotAcceptable, body_content, negotiate
from api.problems import Problem, problem_doc
from api.routes.dependencies import NOT_MODIFIED, LoadedGraph, get_graph, get_settings, if_none_match
from graph.settings import Settings
from graph.store.base import QueryResult
from graph.store.description import service_description
from graph.store.reader import DatasetScope, Limits, QueryForm, dataset_of, read_query
from graph.store.results import ResultCache, result_etag, result_key
from graph.terms import is_iri

router = APIRouter(tags=["SPARQL"])

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
TEXT_TYPES = ("text/", "application/sparql-results+", "application/n-triples", "application/ld+json")

_RESULT_CONTENT = body_content(offer.media_type for offer in (*SOLUTION_OFFERS, *GRAPH_OFFERS))
_RESPONSES = {
    **problem_doc(400, 403, 406, 413, 415),
    **NOT_MODIFIED,
    200: {"description": "The query result (or, with no query, the service description)", "content": _RESULT_CONTENT},
}
READ_ONLY = (
    "the endpoint is read-only: SPARQL updates are not accepted; send a query "
    "(SELECT, ASK, CONSTRUCT or DESCRIBE) as query="
)


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise Problem(400, "invalid-parameter", f"give {name} once; the request has it {len(values)} times")
    return values[0] if values else None


def _scope(default_graphs: list[str], named_graphs: list[str]) -> DatasetScope | None:
    for graph_iri in (*default_graphs, *named_graphs):
        if not is_iri(graph_iri):
            raise Problem(400, "invalid-parameter", f"graph IRI {graph_iri!r} is not an absolute IRI")
    if not default_graphs and not named_graphs:
        return None
    return DatasetScope(tuple(default_graphs), tuple(named_graphs))


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problem(413, "body-too-large", f"the request body is {declared} bytes; the limit is {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Problem(413, "body-too-large", f"the request body is over the limit of {limit} bytes")
    return bytes(body)


def _endpoint(request: Request) -> str:
    """The endpoint's own IRI: relative IRIs of a query without BASE resolve against it."""
    return str(request.url.replace(query="", fragment=""))


def _results(request: Request, graph: LoadedGraph, settings: Settings) -> ResultCache:
    """The result cache of the build being served (a reload starts an empty one; the old one goes with its build)."""
    cache: ResultCache | None = getattr(request.app.state, "results", None)
    if cache is None or cache.build_id != graph.build_id:
        cache = ResultCache(graph.build_id, settings.result_cache_entries, settings.result_cache_mb * 2**20)
        request.app.state.results = cache
    return cache


def _fresh(request: Request) -> bool:
    """Whether the client asks for the answer to be computed again (Cache-Control: no-cache, RFC 9111)."""
    directives = request.headers.get("cache-control", "") + "," + request.headers.get("pragma", "")
    return any(part.strip().lower() in ("no-cache", "no-store") for part in directives.split(","))


async def _run(
    request: Request,
    graph: LoadedGraph,
    settings: Settings,
    text: str,
    scope: DatasetScope | None,
) -> Response:
    # The one reading of the text: the form, the query's own dataset, or the refusal (QueryRefused -> 4xx).
    # Remembered per text, so a repeated query is read, negotiated and found in the cache without a thread hop.
    read = read_query(text, Limits(settings.max_query_length, settings.max_query_depth), _endpoint(request))
    offers = GRAPH_OFFERS if read.form is not None and read.form.returns_graph else SOLUTION_OFFERS
    try:
        media_type = negotiate(request.headers.get("accept"), offers)
    except NotAcceptable as error:
        raise Problem(406, "not-acceptable", str(error), available=error.available) from error
    dataset = dataset_of(read, scope, graph.store.graph_names())
    key = result_key(read, dataset, media_type, settings.max_result_rows)
    if key is None or settings.result_cache_entries == 0:
        return _response(
            await run_in_threadpool(graph.store.query, read, dataset, media_type, settings.max_result_rows)
        )
    etag = result_etag(graph.build_id, key)
    if if_none_match(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept"})
    cache = _results(request, graph, settings)
    result: QueryResult | None = None if _fresh(request) else cache.get(key)
    if result is None:
        result = await run_in_threadpool(graph.store.query, read, dataset, media_type, settings.max_result_rows)
        cache.put(key, result)
    return _response(result, etag)


def _response(result: QueryResult, etag: str | None = None) -> Response:
    media = result.media_type
    if media.startswith(TEXT_TYPES):
        media += "; charset=utf-8"
    headers = {"Vary": "Accept"}
    if etag is not None:  # a build never changes: the same query gives the same bytes until a reload
        headers["ETag"] = etag
        headers["Cache-Control"] = "no-cache"
    if result.truncated:
        headers["Result-Truncated"] = f"only the first {result.rows} results are sent"
    return Response(content=result.body, media_type=media, headers=headers)


def _description(request: Request, graph: LoadedGraph) -> Response:
    try:
        media = negotiate(request.headers.get("accept"), GRAPH_OFFERS)
    except NotAcceptable as error:
        raise Problem(406, "not-acceptable", str(error), available=error.available) from error
    endpoint = _endpoint(request)
    formats = [offer.media_type for offer in (*SOLUTION_OFFERS, *GRAPH_OFFERS)]
    body = service_description(endpoint, graph.store.graph_names(), formats, media)
    return _response(QueryResult(form=QueryForm.CONSTRUCT, media_type=media, body=body))


@router.get(
    "/sparql",
    summary="SPARQL query (GET), or the service description when there is no query",
    responses=_RESPONSES,
    response_class=Response,
)
async def sparql_get(
    request: Request,
    graph: Annotated[LoadedGraph, Depends(get_graph)],
    settings: Annotated[Settings, Depends(get_settings)],
    query: Annotated[str | None, Query(description="The SPARQL query.")] = None,
    default_graph_uri: Annotated[
        list[str], Query(alias="default-graph-uri", description="Graphs whose union is the default graph.")
    ] = [],  # noqa: B006  (FastAPI copies defaults per request)
    named_graph_uri: Annotated[
        list[str], Query(alias="named-graph-uri", description="Graphs the query may name with GRAPH.")
    ] = [],  # noqa: B006
) -> Response:
    params = request.query_params
    if "update" in params:
        raise Problem(403, "read-only", READ_ONLY)
    text = _one(params.getlist("query"), "query")
    if text is None:
        return await run_in_threadpool(_description, request, graph)
    return await _run(request, graph, settings, text, _scope(default_graph_uri, named_graph_uri))


@router.post(
    "/sparql",
    summary="SPARQL query (POST form or application/sparql-query body)",
    responses=_RESPONSES,
    response_class=Response,
    openapi_extra={
        "requestBody": {
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "query": {"type": "string"},
                            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        },
                        "required": ["query"],
                    }
                },
                SPARQL_QUERY: {"schema": {"type": "string"}},
            },
            "required": True,
        }
    },
)
async def sparql_post(
    request: Request,
    graph: Annotated[LoadedGraph, Depends(get_graph)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Response:
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if content_type == SPARQL_UPDATE:
        raise Problem(403, "read-only", READ_ONLY)
    if content_type not in (FORM, SPARQL_QUERY):
        raise Problem(
            415,
            "unsupported-media-type",
            f"send the query as {FORM} (query=...) or as {SPARQL_QUERY}; got {content_type or 'no Content-Type'}",
        )
    body = await _read_body(request, settings.max_body_bytes)
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Problem(400, "invalid-encoding", "the request body is not UTF-8") from error
    url_params = request.query_params
    if content_type == FORM:
        form = parse_qs(decoded, keep_blank_values=True)
        if "update" in form:
            raise Problem(403, "read-only", READ_ONLY)
        text = _one(form.get("query", []), "query")
        defaults = form.get("default-graph-uri", [])
        named = form.get("named-graph-uri", [])
    else:
        text = decoded
        defaults = url_params.getlist("default-graph-uri")
        named = url_params.getlist("named-graph-uri")
    if not text or not text.strip():
        raise Problem(400, "missing-query", "the request has no query; send it as query= or as the body")
    return await _run(request, graph, settings, text, _scope(defaults, named))
