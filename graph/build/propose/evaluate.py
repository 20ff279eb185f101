"""How good the proposals are: each document read with its own curated rows hidden, scored against them.

For document D, the recognizers know the reference data and the curated rows of the four other
documents (Knowledge.load leaves D's rows out). A proposal is right when a curated row of D has the
same subject, link and object and a line within WINDOW lines of a line the proposal cites (its line or
one of the lines its note adds). Text objects (names) are compared without case, spacing, hyphens or a
final full stop (a curator may write `forward-looking` for the printed `forwardlooking`). An id the
graph does not know yet (a new partner) is the curator's choice of spelling: a proposed new id counts
as a curated new id of the same kind when the two share a name. Recall: the share of D's curated rows
that some right proposal finds. Topic suggestions have no curated counterpart: they are measured on
a public labelled benchmark (`benchmark`).

Run: `python -m graph.build.propose.evaluate` (`make propose-eval`).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from graph.build.curated import Row
from graph.build.propose.aurora import read_queries
from graph.build.propose.document import read_document
from graph.build.propose.knowledge import Knowledge, fold_chars, read_registry
from graph.build.propose.pipeline import propose
from graph.build.propose.rows import CODES, LINKS, NAMES, Proposal, kind_of_link
from graph.build.propose.topics import goals_of
from graph.settings import get_settings

WINDOW = 3
SCORED_KINDS = (NAMES, CODES, LINKS)


def normal_object(value: str) -> str:
    """How objects are compared: ids as they are; texts without case, white space, hyphens or final stop."""
    if re.fullmatch(r"[a-z-]+:\S+|[CPR]\d{3}", value):
        return value
    return re.sub(r"[\s-]+", "", fold_chars(value).casefold()).rstrip(".")


@dataclass
class Score:
    proposed: int = 0
    right: int = 0
    curated: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.proposed if self.proposed else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.curated if self.curated else 0.0

    def add(self, other: Score) -> None:
        self.proposed += other.proposed
        self.right += other.right
        self.curated += other.curated
        self.found += other.found


@dataclass
class DocumentResult:
    document: str
    scores: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in SCORED_KINDS})
    wrong: list[Proposal] = field(default_factory=list)
    missed: list[Row] = field(default_factory=list)


def _known_ids(known: Knowledge, other_rows: Iterable[tuple[str, str, str]]) -> set[str]:
    ids = set(known.known_ids)
    for subject, _, obj in other_rows:
        ids.add(subject)
        if re.fullmatch(r"[a-z-]+:\S+|[CPR]\d{3}", obj):
            ids.add(obj)
    return ids


def align_new_ids(proposals: list[Proposal], rows: list[Row], known_ids: set[str]) -> list[Proposal]:
    """Rename each proposed new id to the curated new id of the same kind that shares a name with it."""

    def names(pairs: Iterable[tuple[str, str, str]]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for subject, link, obj in pairs:
            if kind_of_link(link) == NAMES and subject not in known_ids:
                out[subject].add(normal_object(obj))
        return out

    proposed = names(p.triple for p in proposals)
    curated = names((r["subject"], r["link"], r["object"]) for r in rows)
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    pairs = sorted(
        (
            (len(p_names & c_names), p_id, c_id)
            for p_id, p_names in proposed.items()
            for c_id, c_names in curated.items()
            if p_id.split(":", 1)[0] == c_id.split(":", 1)[0] and p_names & c_names
        ),
        reverse=True,
    )
    for _, p_id, c_id in pairs:
        if p_id not in renamed and c_id not in taken and p_id != c_id:
            renamed[p_id] = c_id
            taken.add(c_id)
    return [
        replace(p, subject=renamed.get(p.subject, p.subject), object=renamed.get(p.object, p.object)) for p in proposals
    ]


def score(proposals: Sequence[Proposal], rows: Sequence[Row], window: int = WINDOW) -> DocumentResult:
    """Match proposals to curated rows on (subject, link, object) with lines within `window`."""
    result = DocumentResult(rows[0]["document"] if rows else "")
    index: dict[tuple[str, str, str], list[tuple[int, Row]]] = defaultdict(list)
    for row in rows:
        index[(row["subject"], row["link"], normal_object(row["object"]))].append((int(row["line"]), row))
    found_rows: set[int] = set()
    for proposal in proposals:
        kind = proposal.kind
        if kind not in result.scores:
            continue
        result.scores[kind].proposed += 1
        key = (proposal.subject, proposal.link, normal_object(proposal.object))
        hits = [id(row) for line, row in index.get(key, []) if any(abs(line - at) <= window for at in proposal.lines)]
        if hits:
            result.scores[kind].right += 1
            found_rows.update(hits)
        else:
            result.wrong.append(proposal)
    for row in rows:
        kind = kind_of_link(row["link"])
        result.scores[kind].curated += 1
        if id(row) in found_rows:
            result.scores[kind].found += 1
        else:
            result.missed.append(row)
    return result


def evaluate_document(seeds_dir: Path, key: str, window: int = WINDOW) -> DocumentResult:
    registry = read_registry(seeds_dir)
    entry = registry[key]
    document = read_document(seeds_dir / "documents" / entry.file, key, entry.title)
    known = Knowledge.load(seeds_dir, key)
    others = [
        (r["subject"], r["link"], r["object"])
        for other in registry
        if other != key
        for r in Knowledge.load(seeds_dir, other).own_rows
    ]
    proposals = propose(document, known)
    aligned = align_new_ids(proposals, known.own_rows, _known_ids(known, others))
    result = score(aligned, known.own_rows, window)
    result.document = key
    return result


@dataclass
class TopicScore:
    """Goal-level scores of the Aurora queries on a labelled benchmark: per goal and over all rows."""

    by_goal: dict[int, Counter[str]]
    total: Counter[str]
    texts: int

    @staticmethod
    def precision(counts: Counter[str]) -> float:
        return counts["tp"] / (counts["tp"] + counts["fp"]) if counts["tp"] + counts["fp"] else 0.0

    @staticmethod
    def recall(counts: Counter[str]) -> float:
        return counts["tp"] / (counts["tp"] + counts["fn"]) if counts["tp"] + counts["fn"] else 0.0

    @staticmethod
    def accuracy(counts: Counter[str]) -> float:
        n = sum(counts.values())
        return (counts["tp"] + counts["tn"]) / n if n else 0.0


def benchmark_rows() -> list[tuple[str, int, bool]]:
    """(text, goal, label) of the SDG Classification Benchmark, read from the package's own data file."""
    from importlib import resources

    data = resources.files("sdgclassification.benchmark.resources").joinpath("benchmark.csv").read_text("utf-8")
    return [(r["text"], int(r["sdg"]), r["label"] == "True") for r in csv.DictReader(data.splitlines(keepends=True))]


def benchmark(seeds_dir: Path, rows: Sequence[tuple[str, int, bool]]) -> TopicScore:
    """For each (text, goal, label): does some target query of that goal match the text? Against the label."""
    queries = read_queries(seeds_dir)
    by_goal: dict[int, Counter[str]] = defaultdict(Counter)
    for text, goal, label in rows:
        predicted = goal in goals_of(text, queries)
        outcome = ("tp" if label else "fp") if predicted else ("fn" if label else "tn")
        by_goal[goal][outcome] += 1
    total: Counter[str] = Counter()
    for counts in by_goal.values():
        total.update(counts)
    return TopicScore(dict(by_goal), total, len(rows))


def _percent(value: float) -> str:
    return f"{100 * value:.0f}"


def markdown(results: list[DocumentResult], topics: TopicScore | None) -> str:
    lines = [
        "| document | kind | proposed | right | precision % | curated rows | found | recall % |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    pooled = {k: Score() for k in SCORED_KINDS}
    for result in results:
        for kind in SCORED_KINDS:
            s = result.scores[kind]
            pooled[kind].add(s)
            lines.append(
                f"| {result.document} | {kind} | {s.proposed} | {s.right} | {_percent(s.precision)} | "
                f"{s.curated} | {s.found} | {_percent(s.recall)} |"
            )
    both = Score()
    for kind in SCORED_KINDS:
        s = pooled[kind]
        lines.append(
            f"| **all five** | **{kind}** | {s.proposed} | {s.right} | **{_percent(s.precision)}** | "
            f"{s.curated} | {s.found} | **{_percent(s.recall)}** |"
        )
        if kind in (NAMES, CODES):
            both.add(s)
    lines.append(
        f"| **all five** | **names and codes** | {both.proposed} | {both.right} | "
        f"**{_percent(both.precision)}** | {both.curated} | {both.found} | **{_percent(both.recall)}** |"
    )
    if topics is not None:
        t = topics.total
        lines += [
            "",
            f"Topic suggestions at goal level on the SDG Classification Benchmark ({topics.texts} labelled texts):",
            "",
            "| goal | texts | precision % | recall % | accuracy % |",
            "|---|---:|---:|---:|---:|",
        ]
        for goal in sorted(topics.by_goal):
            c = topics.by_goal[goal]
            lines.append(
                f"| {goal} | {sum(c.values())} | {_percent(topics.precision(c))} | "
                f"{_percent(topics.recall(c))} | {_percent(topics.accuracy(c))} |"
            )
        lines.append(
            f"| **all** | {sum(t.values())} | **{_percent(topics.precision(t))}** | "
            f"{_percent(topics.recall(t))} | {_percent(topics.accuracy(t))} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graph.build.propose.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("--window", type=int, default=WINDOW, help="lines a proposal's line may differ by")
    parser.add_argument("--no-benchmark", action="store_true", help="skip the topic benchmark")
    parser.add_argument("--details", metavar="DIR", help="write each document's wrong proposals and missed rows here")
    args = parser.parse_args(argv)
    seeds_dir = get_settings().seeds_dir
    results = [evaluate_document(seeds_dir, key, args.window) for key in read_registry(seeds_dir)]
    topics = None
    if not args.no_benchmark:
        try:
            topics = benchmark(seeds_dir, benchmark_rows())
        except ModuleNotFoundError:
            print("the benchmark package is not installed: run `make propose-eval`", file=sys.stderr)
            return 2
    if args.details:
        _write_details(Path(args.details), results)
    sys.stdout.write(markdown(results, topics))
    return 0


def _write_details(directory: Path, results: list[DocumentResult]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for result in results:
        with (directory / f"{result.document}.txt").open("w", encoding="utf-8") as out:
            out.write("# proposed, not in the curated rows\n")
            for p in result.wrong:
                out.write(f"{p.kind}\t{p.subject}\t{p.link}\t{p.object}\t{p.line}\t{p.quote[:100]}\n")
            out.write("\n# curated, not proposed\n")
            for r in result.missed:
                out.write(
                    f"{kind_of_link(r['link'])}\t{r['subject']}\t{r['link']}\t{r['object']}\t{r['line']}\t"
                    f"{r['quote'][:100]}\n"
                )


if __name__ == "__main__":
    sys.exit(main())
