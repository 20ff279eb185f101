"""The `ilokg` command: build, validate, coverage, query, export, ask, serve, load, propose."""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import re
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.build.directory import build, current_build, finish
from graph.build.propose.document import InputError
from graph.build.reference import read_sdg_indicator_iris
from graph.build.seeds import BuildError, build_dataset
from graph.ids import IdScheme
from graph.read.asking import QuestionTextError
from graph.read.catalogue import Answer, ArgumentError
from graph.settings import Settings, get_settings
from graph.store.base import QuerySyntaxError, RemoteStoreError, StoreUnavailable
from graph.store.connection import connect
from graph.store.formats import (
    CSV,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    SPARQL_JSON,
    SPARQL_XML,
    TRIG,
    TSV,
    TURTLE,
)
from graph.store.isolation import Isolation, leave_network
from graph.store.reader import Limits, QueryRefused, dataset_of, read_query
from ontology.namespaces import PREFIXES  # the prefixes the editor declares too (graph.queries.PROLOGUE)

EXPORT_FORMATS = {"turtle": TURTLE, "trig": TRIG, "nquads": N_QUADS, "ntriples": N_TRIPLES, "jsonld": JSON_LD}
# Every result format the SPARQL endpoint speaks (api/negotiation.py), by a short name; `table` is for people.
SOLUTION_FORMATS = {"json": SPARQL_JSON, "xml": SPARQL_XML, "csv": CSV, "tsv": TSV}
GRAPH_FORMATS = {"turtle": TURTLE, "ntriples": N_TRIPLES, "jsonld": JSON_LD, "rdfxml": RDF_XML}


class UsageError(ValueError):
    """A command asked for something it cannot do (a format that does not fit the query, a file it cannot read)."""


def _settings(args: argparse.Namespace) -> Settings:
    settings = get_settings()
    if getattr(args, "store", None):
        settings = settings.model_copy(update={"store": Path(args.store)})
    if getattr(args, "seeds", None):
        seeds = Path(args.seeds).resolve()
        if not (seeds / "curated").is_dir() or not (seeds / "documents" / "documents.csv").is_file():
            raise UsageError(
                f"{args.seeds}: not a seeds directory; it needs curated/, documents/documents.csv and reference/ "
                "(like the seeds/ of the project)"
            )
        settings = settings.model_copy(update={"seeds_dir": seeds})
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
        try:
            dataset.parse(args.file, format=args.format)
        except OSError as error:
            raise UsageError(f"{args.file}: cannot read it ({error.strerror or error})") from error
        except Exception as error:  # rdflib's parsers raise many kinds; each says where the file is wrong
            raise UsageError(f"{args.file}: not valid {args.format} ({_one_line(str(error))})") from error
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
    text = args.sparql if args.sparql != "-" else sys.stdin.read()
    if not text.strip():
        raise UsageError(
            "the query is empty; write a SELECT, ASK, CONSTRUCT or DESCRIBE query (- reads standard input)"
        )
    # The project's prefixes may be used without declaring them (the editor declares the same ones).
    read = read_query(text, Limits(settings.max_query_length, settings.max_query_depth), None, PREFIXES)
    graph_form = read.form is not None and read.form.returns_graph
    if args.format in SOLUTION_FORMATS and graph_form:
        raise UsageError(
            f"--format {args.format} is for SELECT and ASK results; a {read.form} query gives a graph: "
            f"use --format {', '.join(GRAPH_FORMATS)} (table writes Turtle)"
        )
    if args.format in GRAPH_FORMATS and not graph_form:
        raise UsageError(
            f"--format {args.format} is for CONSTRUCT and DESCRIBE results; a {read.form or 'SELECT'} query gives "
            f"a table: use --format table, {', '.join(SOLUTION_FORMATS)}"
        )
    store = connect(settings)
    dataset = dataset_of(read, None, store.graph_names())
    try:
        if args.format == "table" and not graph_form:
            _print_table(json.loads(store.query(read, dataset, SPARQL_JSON).body))
            return 0
        media = {**SOLUTION_FORMATS, **GRAPH_FORMATS}.get(args.format, TURTLE)
        sys.stdout.buffer.write(store.query(read, dataset, media).body)
    except QuerySyntaxError as error:
        raise QuerySyntaxError(_syntax_message(str(error), text)) from error
    return 0


_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_PREFIXED_NAME_END = re.compile(r"([A-Za-z][\w.-]*)?:[\w.-]*$")


def _syntax_message(message: str, text: str) -> str:
    """The parser's error as one line: where in the query as written, what it expected, and the text there."""
    found = _POSITION.match(message.strip())
    if found is None:
        return _one_line(message)
    line = int(found.group(1))
    column = int(found.group(2))
    expected = found.group(3)
    lines = text.splitlines() or [""]
    source = lines[line - 1] if 1 <= line <= len(lines) else ""
    where = f"line {line}, column {column}"
    if "Prefix not found" in expected:  # the parser stops after the name: point at its start
        name = _PREFIXED_NAME_END.search(source[: max(column - 1, 0)])
        prefix = (name.group(1) or "") if name else ""
        where = f"line {line}, column {name.start() + 1}" if name else where
        return (
            f"{where}: the prefix {prefix}: is not declared; add PREFIX {prefix}: <...> "
            f"(known without declaring: {', '.join(PREFIXES)})"
        )
    # Oxigraph lists the characters it could have read as Rust ranges (left out: the words are what helps), the
    # keywords it could have read, and messages of its own about the text just before the position.
    items = re.sub(r"\[[^\]]*\]", "", expected).removeprefix("expected one of").removeprefix("expected").split(",")
    words = [item.strip() for item in items if item.strip()]
    messages = [word for word in words if " " in word]
    keywords = [word for word in words if " " not in word]
    if messages:
        before = source[: max(column - 1, 0)].rstrip()[-30:]
        return f"{where}: {'; '.join(messages)}" + (f", after {before!r}" if before else "")
    shown = " or ".join(keywords[:8]) + (f" (or {len(keywords) - 8} more)" if len(keywords) > 8 else "")
    wanted = f"expected {shown}" if keywords else "unexpected text"
    near = source[max(column - 1, 0) :].strip()[:30]
    return f"{where}: {wanted}" + (f", found {near!r}" if near else ", at the end of the line")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _print_table(results: dict[str, Any]) -> None:
    """SELECT results as a text table, its columns in the query's order (ASK: true or false)."""
    if "boolean" in results:
        print("true" if results["boolean"] else "false")
        return
    columns: list[str] = results["head"]["vars"]
    rows: list[dict[str, dict[str, str]]] = results["results"]["bindings"]
    cells: list[list[str]] = [[row.get(c, {}).get("value", "") for c in columns] for row in rows]
    widths = [min(60, max([len(c), *(len(r[i]) for r in cells)])) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for cell_row in cells:
        print("  ".join(v[:w].ljust(w) for v, w in zip(cell_row, widths, strict=True)).rstrip())
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
        derived: object = None
        for step in row.get("evidence") or []:
            where = f"{(step.evidence.document.id or '').removeprefix('document:')} line {step.evidence.line}"
            link = ""
            if row.get("strength") != "stated":
                end = step.object.id if step.object else step.value
                link = f"{step.subject.id or step.subject.label} {step.predicate.label} {end}: "
            indent = "    "
            if step.derived is not None:
                # A link of the chain no document states: its rule, then the stated links it is derived from.
                if step.derived != derived:
                    d = step.derived
                    rule = f"by rule \u201c{d.rule.label}\u201d"
                    print(f"    - {d.subject.id} {d.predicate.label} {d.object.id}, {rule}, from:")
                indent = "        "
            derived = step.derived
            print(f"{indent}- {link}{where}: \u201c{step.evidence.quote}\u201d")
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


def cmd_coverage(args: argparse.Namespace) -> int:
    from graph.build.coverage import document_coverage, render
    from graph.build.curated import CuratedError

    settings = _settings(args)
    try:
        report = document_coverage(settings.seeds_dir)
    except CuratedError as error:
        print(f"ilokg: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(render(report))
    return 0


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


def cmd_propose(args: argparse.Namespace) -> int:
    from collections import Counter

    from graph.build.propose.pipeline import read_file
    from graph.build.propose.report import render
    from graph.build.propose.rows import KINDS, to_csv

    settings = _settings(args)
    reading = read_file(settings.seeds_dir, Path(args.file), args.document, topics_on=not args.no_topics)
    proposals = [p for p in reading.proposals if p.confidence >= args.min_confidence]
    reading.proposals = proposals
    text = to_csv(proposals)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if args.report:
        Path(args.report).write_text(render(reading), encoding="utf-8")
    counts = Counter(p.kind for p in proposals)
    kinds = ", ".join(f"{counts.get(kind, 0)} {kind}" for kind in KINDS)
    where = [f"written to {args.output}"] if args.output else []
    where += [f"report {args.report}"] if args.report else []
    print(
        f"{args.document}: {len(proposals)} proposed rows ({kinds}), {len(reading.new_ids())} new ids"
        + (f"; {'; '.join(where)}" if where else ""),
        file=sys.stderr,
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.security import header_deadline_protocol

    settings = _settings(args)
    update: dict[str, Any] = {}
    if args.host:
        update["host"] = args.host
    if args.port:
        update["port"] = args.port
    settings = settings.model_copy(update=update)
    if settings.store_kind != "sparql" and current_build(settings.data_dir) is None:
        print("no build yet: building the graph from the seeds first", file=sys.stderr)
        build(settings)
    http = header_deadline_protocol(settings.header_timeout_s, settings.http_parser)
    loop = event_loop(settings.event_loop)
    # Bind first, then leave the network: the listening socket stays reachable, nothing else can connect out.
    family, kind, proto, _, address = socket.getaddrinfo(settings.host, settings.port, type=socket.SOCK_STREAM)[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(address)
    network = isolate(settings)
    if network is not Isolation.ISOLATED:
        print(f"ilokg: WARNING: {NETWORK_NOTES[network]}", file=sys.stderr)
    config = uvicorn.Config(create_app(settings, network=network), log_level="info", http=http, loop=loop)
    print(f"ilokg: HTTP parser {http.parser}, event loop {loop}", file=sys.stderr)
    uvicorn.Server(config).run(sockets=[listener])
    return 0


def event_loop(choice: str) -> str:
    """The event loop uvicorn runs: uvloop (libuv, in C) when installed and not declined, else asyncio's own."""
    installed = importlib.util.find_spec("uvloop") is not None
    if choice == "uvloop" and not installed:
        raise UsageError("ILOKG_EVENT_LOOP=uvloop, but uvloop is not installed: `pip install uvloop`, or choose auto")
    return "uvloop" if choice == "uvloop" or (choice == "auto" and installed) else "asyncio"


NETWORK_NOTES = {
    Isolation.ISOLATED: "the server process is in an empty network namespace: it can open no connection",
    Isolation.REFUSED: (
        "this system refused a network namespace: the server process could open outbound connections "
        "(SPARQL texts that could make the engine call out are still refused by the reader); "
        "allow unshare(CLONE_NEWNET), e.g. run the container with a seccomp profile that permits it"
    ),
    Isolation.OFF: "network isolation is off (ILOKG_ISOLATE_NETWORK=false, or the store is a SPARQL server)",
}


def isolate(settings: Settings) -> Isolation:
    """Move the server process out of the network, where the settings and the system allow it."""
    if not settings.isolate_network or settings.store_kind == "sparql":
        return Isolation.OFF
    return Isolation.ISOLATED if leave_network() else Isolation.REFUSED


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="ilokg", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    seeds_help = "the seeds directory (documents/, curated/, reference/); default: the seeds the package carries"
    sub = commands.add_parser("build", help="build the graph from the seeds and make it current")
    sub.add_argument("--seeds", metavar="DIR", help=seeds_help)
    sub.set_defaults(run=cmd_build)

    sub = commands.add_parser("validate", help="check the seeds (no FILE) or an RDF file against the shapes")
    sub.add_argument("file", nargs="?", help="an RDF file to check against the SHACL shapes")
    sub.add_argument("--format", default="trig", help="RDF format of FILE for rdflib (trig, turtle, nquads, json-ld)")
    sub.add_argument("--seeds", metavar="DIR", help=seeds_help)
    sub.set_defaults(run=cmd_validate)

    sub = commands.add_parser(
        "coverage",
        help="per document and section, the lines the curated rows cite; the uncited lines naming codes or flagships",
    )
    sub.set_defaults(run=cmd_coverage)

    sub = commands.add_parser(
        "propose", help="propose curated rows (names, codes, links, SDG topics) from a plain-text document"
    )
    sub.add_argument("file", help="the document as plain text (UTF-8)")
    sub.add_argument("--document", required=True, metavar="KEY", help="its key in seeds/documents/documents.csv")
    sub.add_argument("-o", "--output", help="CSV file to write (default: standard output)")
    sub.add_argument("--report", metavar="FILE.html", help="also write a page for the curator")
    sub.add_argument("--min-confidence", type=float, default=0.0, help="leave out proposals below this (0-1)")
    sub.add_argument("--no-topics", action="store_true", help="leave out the Aurora topic suggestions")
    sub.set_defaults(run=cmd_propose)

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
            sub.add_argument(
                "sparql", help=f"the query, or - to read it from standard input (prefixes known: {', '.join(PREFIXES)})"
            )
            sub.add_argument(
                "--format",
                choices=("table", *SOLUTION_FORMATS, *GRAPH_FORMATS),
                default="table",
                help="table (Turtle for CONSTRUCT and DESCRIBE); SELECT and ASK: "
                f"{', '.join(SOLUTION_FORMATS)}; CONSTRUCT and DESCRIBE: {', '.join(GRAPH_FORMATS)}",
            )
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
            sub.add_argument("--seeds", metavar="DIR", help=seeds_help + " (read when there is no build yet)")
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
    except BrokenPipeError:
        # The reader of the output went away (`ilokg export | head`): stop without a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except BuildError as error:
        print(f"ilokg: {error}", file=sys.stderr)
        last = current_build(get_settings().data_dir)
        print(f"the last good build is still current ({last.build_id})" if last else "no build yet", file=sys.stderr)
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
    except InputError as error:
        print(f"ilokg: {error}", file=sys.stderr)
        return 2
    except (UsageError, ArgumentError, QuestionTextError) as error:
        print(f"ilokg: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
