"""The `ilokg` command: build, validate, query, export, ask, serve."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.build.directory import build, current_build, finish
from graph.build.reference import read_sdg_indicator_iris
from graph.build.seeds import BuildError, build_dataset
from graph.ids import IdScheme
from graph.read.asking import QuestionTextError
from graph.read.catalogue import Answer, ArgumentError
from graph.settings import Settings, get_settings
from graph.store.base import QuerySyntaxError, RemoteStoreError, StoreUnavailable
from graph.store.connection import connect
from graph.store.formats import CSV, JSON_LD, N_QUADS, N_TRIPLES, SPARQL_JSON, TRIG, TURTLE
from graph.store.reader import Limits, QueryForm, QueryRefused, dataset_of, read_query

EXPORT_FORMATS = {"turtle": TURTLE, "trig": TRIG, "nquads": N_QUADS, "ntriples": N_TRIPLES, "jsonld": JSON_LD}


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
        f"build {result.build_id}: {result.triples} triples ({result.quads} in named graphs), "
        f"{result.manifest['statements']} stated links, {result.manifest['derivations']} derived links"
    )
    print(f"written to {result.directory}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.file:
        from rdflib import Dataset

        from graph.build.shapes import validate

        dataset = Dataset()
        dataset.parse(args.file, format=args.format)
        problems = validate(dataset, id_scheme(settings))
        for problem in problems:
            print(f"shape violation: {problem}", file=sys.stderr)
        if problems:
            return 1
        print(f"{args.file}: conforms to the shapes ({len(dataset)} quads)")
        return 0
    finished = finish(build_dataset(settings), settings)
    print(
        f"the seeds build: {finished.triples} triples ({finished.quads} in named graphs), {finished.statements} "
        f"stated links with evidence found in their documents, {finished.derivations} derived links; shapes conform"
    )
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = connect(settings)
    sparql = args.sparql if args.sparql != "-" else sys.stdin.read()
    read = read_query(sparql, Limits(settings.max_query_length, settings.max_query_depth))
    dataset = dataset_of(read, None, store.graph_names())
    if args.format == "table" and read.form == QueryForm.SELECT:
        rows = json.loads(store.query(read, dataset, SPARQL_JSON).body)["results"]["bindings"]
        _print_table(rows)
        return 0
    graph_form = read.form is not None and read.form.returns_graph
    media = {"json": SPARQL_JSON, "csv": CSV, "table": TURTLE if graph_form else SPARQL_JSON}[args.format]
    sys.stdout.buffer.write(store.query(read, dataset, media).body)
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
    """A named question (`ask NAME ARGS`, each argument positional or name=value), or one in plain words."""
    from graph.read.asking import Asker
    from graph.read.named import named_questions
    from graph.read.questions import Questions

    settings = _settings(args)
    catalogue = named_questions(Questions(connect(settings), id_scheme(settings)))
    words: list[str] = args.words
    if not words:
        print(
            'The named questions (ilokg ask NAME ARGS), or ask in plain words (ilokg ask "which flagships serve 8.7?"):'
        )
        for question in catalogue:
            params = " ".join(p.name.upper() for p in question.params)
            print(f"  {question.name} {params}".rstrip() + f"\n      {question.title}")
        return 0
    if words[0] in catalogue.registry:
        question = catalogue.get(words[0])
        names = [p.name for p in question.params]
        arguments: dict[str, str] = {}
        for word in words[1:]:
            name, sep, value = word.partition("=")
            if sep and name in names:
                arguments[name] = value
            elif len(arguments) < len(names):
                arguments[next(n for n in names if n not in arguments)] = word
            else:
                raise ArgumentError(
                    f"{question.name} takes {', '.join(names) or 'no arguments'}; {word!r} is one too many"
                )
        answer = catalogue.answer(question.name, arguments, args.strength)
    else:
        understanding = Asker(catalogue).understand(" ".join(words))
        best = understanding.best
        if not understanding.sure or best is None:
            print(
                "I am not sure how to read this. The closest readings:"
                if understanding.readings
                else "I could not read this as any question; `ilokg ask` lists them."
            )
            for reading in understanding.readings:
                line = f"  ilokg ask {reading.question.name} " + " ".join(
                    f"{k}={v}" for k, v in reading.arguments.items()
                )
                print(f"{line.rstrip()}\n      {reading.sentence()} ({reading.explanation()})")
            return 1
        # The reading goes where a person reads it: with the text, or apart from JSON and CSV on standard output.
        print(
            f"I read this as: {best.sentence()}\n  ({best.explanation()})\n",
            file=sys.stdout if args.format == "text" else sys.stderr,
        )
        strength = best.strength if args.strength == "any" else args.strength
        answer = catalogue.answer(best.question.name, best.arguments, strength)
    _print_answer(answer, args.format, args.sparql)
    return 0


def _print_answer(answer: Answer, form: str, sparql: bool) -> None:
    from api.routes.catalogue import answer_csv, answer_data
    from api.routes.models import answer_model

    if form == "json":
        model = answer_model(answer.question).model_validate(answer_data(answer), from_attributes=True)
        print(model.model_dump_json(indent=2, by_alias=True))
        return
    if form == "csv":
        sys.stdout.write(answer_csv(answer))
        return
    print(answer.heading)
    for name, ref in answer.things.items():
        label = f": {ref.label}" if ref.label and ref.label != ref.id else ""
        print(f"  ({name}: {ref.id or ref.iri}{label})")
    if not answer.rows:
        print("\nNothing in the graph answers this" + (" at this strength." if answer.strength != "any" else "."))
    section: object = None
    for row in answer.rows:
        if row.get("section") != section:
            section = row.get("section")
            print(f"\n{section}" if section else "")
        print("  " + _row_text(answer, row))
        for step in row.get("evidence") or []:
            where = f"{(step.evidence.document.id or '').removeprefix('document:')} line {step.evidence.line}"
            link = ""
            if row.get("strength") != "stated":
                end = step.object.id if step.object else step.value
                link = f"{step.subject.id or step.subject.label} {step.predicate.label} {end}: "
            print(f"    - {link}{where}: \u201c{step.evidence.quote}\u201d")
    for note in answer.notes:
        print(f"\nNote: {note}")
    if sparql:
        for text in answer.sparql:
            print(f"\n{text}")


def _row_text(answer: Answer, row: dict[str, Any]) -> str:
    """A row on one line: its things, texts and numbers, then how strongly it is known."""
    parts: list[str] = []
    for column in answer.columns:
        value = row.get(column.key)
        if column.kind in ("section", "steps", "strength") or column.key == "why" or value in (None, "", []):
            continue
        if column.kind == "ref":
            parts.append(f"{value.label} ({value.id})" if value.label and value.id else str(value.id or value.label))
        elif column.kind == "refs":
            parts.append(f"{column.title}: " + ", ".join(r.id or r.label or r.iri for r in value))
        elif column.kind == "number":
            parts.append(f"{column.title} {value:,.0f}" if value == int(value) else f"{column.title} {value:,}")
        else:
            parts.append(f"{column.title}: {value}")
    why = row.get("why")
    return " \u00b7 ".join(parts) + (f": {why}" if why else f" [{row.get('strength')}]")


def cmd_load(args: argparse.Namespace) -> int:
    from graph.store.remote import Endpoints, RemoteSparqlStore, load_build

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
    counts = held.counts()
    if held.build_id != current.build_id or (counts.triples, counts.quads) != (current.triples, current.quads):
        raise RemoteStoreError(
            f"after loading, {endpoints.query_url} reports build {held.build_id} with {counts.triples} triples "
            f"({counts.quads} in named graphs) instead of build {current.build_id} with {current.triples} "
            f"({current.quads})"
        )
    print(
        f"{endpoints.query_url} now holds build {current.build_id}: {current.triples} triples "
        f"({current.quads} in {len(report.graphs)} named graphs)"
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
        ("ask", cmd_ask, "answer a named question, or one in plain words"),
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
            sub.add_argument(
                "words",
                nargs="*",
                help="NAME ARGS (a named question: flagships-for-target 8.7, or target=8.7), or a question in plain "
                'words ("which flagships serve 8.7?"); nothing lists the questions',
            )
            sub.add_argument("--format", choices=("text", "json", "csv"), default="text")
            sub.add_argument(
                "--strength",
                choices=("any", "serves", "stated", "range", "chain"),
                default="any",
                help="keep rows of one strength (serves: stated, or stated as a range)",
            )
            sub.add_argument("--sparql", action="store_true", help="print the SPARQL the answer runs")
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
    except QueryRefused as error:
        print(f"ilokg: {error.message}", file=sys.stderr)
        return 2
    except (QuerySyntaxError, StoreUnavailable) as error:
        print(f"ilokg: {error}", file=sys.stderr)
        return 2
    except RemoteStoreError as error:
        print(f"ilokg: {error}", file=sys.stderr)
        return 3
    except LookupError as error:
        print(f"ilokg: {error.args[0] if error.args else error}", file=sys.stderr)
        return 2
    except (ArgumentError, QuestionTextError) as error:
        print(f"ilokg: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
