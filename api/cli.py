"""The `ilokg` command: build, validate, query, export, ask, serve."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.build import BuildError, build, build_dataset, current_build
from graph.ids import IdScheme
from graph.reference import read_sdg_indicator_iris
from graph.settings import Settings, get_settings
from graph.store import (
    CSV,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    SPARQL_JSON,
    TRIG,
    TURTLE,
    QueryForm,
    QuerySyntaxError,
    RemoteStoreError,
    StoreUnavailable,
    connect,
)

if TYPE_CHECKING:
    from graph.questions import Questions

EXPORT_FORMATS = {"turtle": TURTLE, "trig": TRIG, "nquads": N_QUADS, "ntriples": N_TRIPLES, "jsonld": JSON_LD}
QUESTIONS = ("flagships-for-target", "countries-of-flagship")


def _settings(args: argparse.Namespace) -> Settings:
    settings = get_settings()
    if getattr(args, "store", None):
        settings = settings.model_copy(update={"store": Path(args.store)})
    return settings


def id_scheme(settings: Settings) -> IdScheme:
    return IdScheme(settings.base_iri, read_sdg_indicator_iris(settings.seeds_dir))


def cmd_build(args: argparse.Namespace) -> int:
    settings = _settings(args)
    result = build(settings)
    print(
        f"build {result.build_id}: {result.manifest['triples']} triples, "
        f"{result.manifest['statements']} stated links, {result.manifest['derivations']} derived links"
    )
    print(f"written to {result.directory}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.file:
        from rdflib import Dataset

        from graph.shapes import validate

        dataset = Dataset()
        dataset.parse(args.file, format=args.format)
        problems = validate(dataset, id_scheme(settings))
        for problem in problems:
            print(f"shape violation: {problem}", file=sys.stderr)
        if problems:
            return 1
        print(f"{args.file}: conforms to the shapes ({len(dataset)} quads)")
        return 0
    output = build_dataset(settings)
    print(
        f"the seeds build: {sum(output.counts.values())} triples, {len(output.statements)} stated links "
        f"with evidence found in their documents, {len(output.derivations)} derived links; shapes conform"
    )
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = connect(settings)
    sparql = args.sparql if args.sparql != "-" else sys.stdin.read()
    if args.format == "table":
        from graph.store import query_form

        if query_form(sparql) == QueryForm.SELECT:
            rows = store.select(sparql)
            _print_table(rows)
            return 0
    media = {"json": SPARQL_JSON, "csv": CSV, "table": None}[args.format]
    result = store.query(sparql, media)
    sys.stdout.buffer.write(result.body)
    return 0


def _print_table(rows: list[dict[str, dict[str, str]]]) -> None:
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    cells: list[list[str]] = [[row.get(c, {}).get("value", "") for c in columns] for row in rows]
    widths = [min(60, max([len(c), *(len(r[i]) for r in cells)])) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for cell_row in cells:
        print("  ".join(v[:w].ljust(w) for v, w in zip(cell_row, widths, strict=True)))
    print(f"({len(rows)} rows)")


def cmd_export(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = connect(settings)
    media = EXPORT_FORMATS[args.format]
    if args.output:
        with Path(args.output).open("wb") as out:
            out.writelines(store.export(media))
    else:
        sys.stdout.buffer.writelines(store.export(media))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from graph.questions import Questions

    settings = _settings(args)
    store = connect(settings)
    questions = Questions(store, id_scheme(settings))
    if args.question == "countries-of-flagship":
        return _ask_countries(questions, args)
    if args.indicator or args.series:
        raise LookupError(f"{args.question} takes no --indicator or --series")
    answer = questions.flagships_for_target(args.argument)
    if args.format == "json":
        print(json.dumps(dataclasses.asdict(answer), indent=2, ensure_ascii=False))
        return 0
    target = answer.target
    print(f"Flagships serving SDG target {target.id}: {target.label}\n")
    print("Stated by the documents:" if answer.stated else "No document states a flagship for this target.")
    for item in answer.stated:
        print(f"  {item.flagship.label} ({item.flagship.id})")
        for evidence in item.evidence:
            print(f"    - {evidence.document.id} line {evidence.line}: \u201c{evidence.quote}\u201d")
        for derivation in item.derivations:
            print(f"    also derived: {derivation.rule.label}")
    if answer.derived_only:
        print("\nReached only by derivation:")
    for item in answer.derived_only:
        print(f"  {item.flagship.label} ({item.flagship.id})")
        for derivation in item.derivations:
            _print_derivation(derivation, "    ")
    return 0


def _ask_countries(questions: Questions, args: argparse.Namespace) -> int:
    from graph.countries import Countries

    answer = Countries(questions).countries_of_flagship(args.argument, args.indicator, args.series)
    if args.format == "json":
        print(json.dumps(dataclasses.asdict(answer), indent=2, ensure_ascii=False))
        return 0
    flagship = answer.flagship
    print(f"Countries where {flagship.label} ({flagship.id}) works, as the documents state it", end="")
    indicator = answer.indicator
    print(f", with SDG indicator {indicator.id}: {indicator.label}\n" if indicator else "\n")
    for item in answer.countries:
        print(f"  {item.country.label} ({item.country.id}, M49 {item.m49})")
        for evidence in item.evidence:
            print(f"    - {evidence.document.id} line {evidence.line}: \u201c{evidence.quote}\u201d")
        if indicator and not item.latest:
            print("    no data for this indicator")
        for value in item.latest:
            breakdown = ", ".join(code.label or code.notation or code.iri for code in value.breakdown.values())
            print(
                f"    {value.series.notation} ({value.series.label}): {value.value} {value.unit.label} in {value.year}"
                + (f" ({breakdown}; {value.nature.label})" if breakdown else f" ({value.nature.label})")
            )
    for source in answer.sources:
        print(f"\nData: {source.citation} ({source.licence})")
    return 0


def _print_derivation(derivation: Any, indent: str) -> None:
    print(f"{indent}by rule \u201c{derivation.rule.label}\u201d from:")
    for premise in derivation.premises:
        link = premise.predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        subject = premise.subject.id or premise.subject.iri
        obj = premise.object.id or premise.object.label
        if premise.evidence:
            evidence = premise.evidence
            print(
                f"{indent}  - {subject} {link} {obj}: {evidence.document.id} line {evidence.line}: "
                f"\u201c{evidence.quote}\u201d"
            )
        elif premise.derivation:
            print(f"{indent}  - {subject} {link} {obj}, itself derived")
            _print_derivation(premise.derivation, indent + "    ")


def cmd_load(args: argparse.Namespace) -> int:
    from graph.remote import Endpoints, RemoteSparqlStore, load_build

    settings = _settings(args)
    current = current_build(settings.data_dir)
    if current is None:
        raise StoreUnavailable(f"there is no build in {settings.data_dir}; run `ilokg build` first")
    endpoints = Endpoints.from_settings(settings, query_url=args.to)
    if args.graph_store:
        endpoints = dataclasses.replace(endpoints, graph_store_url=args.graph_store)
    report = load_build(current, endpoints)
    for graph in report.dropped:
        print(f"dropped {graph} (not in this build)")
    for graph, count in report.graphs.items():
        print(f"loaded {graph}: {count} triples")
    held = RemoteSparqlStore(endpoints)
    expected = sum(report.graphs.values())
    if held.build_id != current.build_id or held.triple_count() != expected:
        raise RemoteStoreError(
            f"after loading, {endpoints.query_url} reports build {held.build_id} with {held.triple_count()} "
            f"triples instead of build {current.build_id} with {expected}"
        )
    print(
        f"{endpoints.query_url} now holds build {current.build_id}: {expected} triples in {len(report.graphs)} graphs"
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    settings = _settings(args)
    update: dict[str, Any] = {}
    if args.host:
        update["host"] = args.host
    if args.port:
        update["port"] = args.port
    settings = settings.model_copy(update=update)
    if current_build(settings.data_dir) is None:
        print("no build yet: building the graph from the seeds first", file=sys.stderr)
        build(settings)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="ilokg", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    sub = commands.add_parser("build", help="build the graph from seeds/ and make it current")
    sub.set_defaults(run=cmd_build)

    sub = commands.add_parser("validate", help="check the seeds (no FILE) or an RDF file against the shapes")
    sub.add_argument("file", nargs="?", help="an RDF file to check against the SHACL shapes")
    sub.add_argument("--format", default="trig", help="RDF format of FILE for rdflib (trig, turtle, nquads, json-ld)")
    sub.set_defaults(run=cmd_validate)

    for name, run, help_text in (
        ("query", cmd_query, "run a SPARQL query on the current build"),
        ("export", cmd_export, "write the whole graph in an RDF format"),
        ("ask", cmd_ask, "answer a named question"),
        ("serve", cmd_serve, "serve the graph over HTTP"),
        ("load", cmd_load, "push the current build into a SPARQL 1.1 server (replacing what it held)"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--store", help="on-disk Oxigraph store directory (default: in memory)")
        sub.set_defaults(run=run)
        if name == "query":
            sub.add_argument("sparql", help="the query, or - to read it from standard input")
            sub.add_argument("--format", choices=("table", "json", "csv"), default="table")
        elif name == "export":
            sub.add_argument("--format", choices=tuple(EXPORT_FORMATS), default="turtle")
            sub.add_argument("-o", "--output", help="file to write (default: standard output)")
        elif name == "ask":
            sub.add_argument("question", choices=QUESTIONS)
            sub.add_argument(
                "argument", help="the SDG target code (8.7) or, for countries-of-flagship, the flagship (ipec-plus)"
            )
            sub.add_argument("--indicator", help="countries-of-flagship: the SDG indicator to show, e.g. 8.7.1")
            sub.add_argument("--series", help="countries-of-flagship: one data series of it, e.g. SL_TLF_CHLDEC")
            sub.add_argument("--format", choices=("text", "json"), default="text")
        elif name == "serve":
            sub.add_argument("--host", help="address to listen on (default 127.0.0.1)")
            sub.add_argument("--port", type=int, help="port to listen on (default 8000)")
        elif name == "load":
            sub.add_argument(
                "--to", metavar="URL", help="the server's SPARQL query endpoint (default: ILOKG_SPARQL_QUERY_URL)"
            )
            sub.add_argument(
                "--graph-store",
                metavar="URL",
                help="its Graph Store Protocol endpoint, written to (default: ILOKG_SPARQL_GRAPH_STORE_URL)",
            )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except BuildError as error:
        print(f"ilokg: {error}", file=sys.stderr)
        print("the last good build is still current", file=sys.stderr)
        return 1
    except (QuerySyntaxError, StoreUnavailable) as error:
        print(f"ilokg: {error}", file=sys.stderr)
        return 2
    except RemoteStoreError as error:
        print(f"ilokg: {error}", file=sys.stderr)
        return 3
    except LookupError as error:
        print(f"ilokg: {error.args[0] if error.args else error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
