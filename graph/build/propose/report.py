"""A static HTML page for the curator: the proposals grouped by kind, each line in its context, the new ids.

One self-contained file (styles inline, no script, nothing fetched), to open from disk. The curator
copies accepted rows into seeds/curated/ by hand; the build checks them like any other row.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from graph.build.propose.pipeline import Reading
from graph.build.propose.rows import CODES, LINKS, NAMES, TOPICS, Proposal

CONTEXT_LINES = 2
_TITLES = {
    NAMES: ("Names", "Names, acronyms and titles the document gives: prefLabel, altLabel, acronym."),
    CODES: (
        "Codes",
        "Codes as printed and what numbering implies: notation, outputOf, measuredBy, protocolTo, adoptionYear.",
    ),
    LINKS: ("Links", "Two things the document names in one sentence, list or table row, or under one heading."),
    TOPICS: (
        "Topics",
        "Passages an Aurora SDG query matches: suggestions about a target, never stated links. "
        "Write a servesTarget row only where the text states it.",
    ),
}
_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#123b5d;color:#fff;padding:1.2rem 2rem}header h1{margin:0 0 .3rem;font-size:1.45rem}
header p{margin:.15rem 0;opacity:.92}main{padding:1rem 2rem 3rem;max-width:78rem}
nav a{margin-right:1rem;color:#123b5d;font-weight:600}section{margin-top:2rem}
h2{border-bottom:2px solid #123b5d;padding-bottom:.2rem}
.summary{display:flex;gap:.8rem;flex-wrap:wrap;margin:1rem 0}
.summary div{background:#fff;border:1px solid #d5dbe3;border-radius:6px;padding:.5rem .9rem}
.summary b{display:block;font-size:1.3rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #d5dbe3;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#e9edf2;font-weight:600}td.n{text-align:right;white-space:nowrap}
article{background:#fff;border:1px solid #d5dbe3;border-radius:6px;margin:.7rem 0;padding:.6rem .9rem}
article h3{margin:0 0 .3rem;font-size:1rem;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.meta{color:#4a5868;font-size:.9rem;margin:.2rem 0 .4rem}
.conf{display:inline-block;min-width:2.6rem;text-align:center;border-radius:4px;padding:0 .3rem;color:#fff}
.high{background:#1f7a3a}.mid{background:#a86b00}.low{background:#8a3b3b}
.curated{background:#dbe9f7;color:#123b5d;border-radius:4px;padding:0 .35rem;font-size:.85rem;margin-left:.4rem}
pre{margin:.3rem 0 0;background:#f3f5f8;border-radius:4px;padding:.4rem .5rem;white-space:pre-wrap;
font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}
pre span.at{background:#fff3bf;display:block}pre i{color:#8493a5;font-style:normal;user-select:none}
.quote{font-style:italic}code{font-family:ui-monospace,Menlo,Consolas,monospace}
"""


def _confidence(value: float) -> str:
    level = "high" if value >= 0.75 else "mid" if value >= 0.5 else "low"
    return f'<span class="conf {level}" title="confidence">{value:.2f}</span>'


def _context(reading: Reading, proposal: Proposal) -> str:
    lines = reading.document.lines
    first = max(1, proposal.line - CONTEXT_LINES)
    last = min(len(lines), proposal.line + CONTEXT_LINES)
    out = []
    for number in range(first, last + 1):
        text = f"<i>{number:>5} </i>{escape(lines[number - 1])}"
        out.append(f'<span class="at">{text}</span>' if number == proposal.line else text + "\n")
    return "<pre>" + "".join(out) + "</pre>"


def _article(reading: Reading, proposal: Proposal) -> str:
    curated = '<span class="curated">already curated</span>' if reading.already_curated(proposal) else ""
    also = f" · {escape(proposal.note)}" if proposal.note else ""
    return (
        f"<article><h3>{escape(proposal.subject)} <b>{escape(proposal.link)}</b> "
        f"{escape(proposal.object)}{curated}</h3>"
        f'<div class="meta">{_confidence(proposal.confidence)} line {proposal.line}{also} · '
        f"{escape(proposal.recognizer)}: {escape(proposal.reason)}</div>"
        f'<div class="quote">“{escape(proposal.quote)}”</div>{_context(reading, proposal)}</article>'
    )


def render(reading: Reading) -> str:
    """The whole page as one HTML string."""
    document = reading.document
    counts = Counter(p.kind for p in reading.proposals)
    new_ids = reading.new_ids()
    summary = (
        "".join(
            f'<div><b>{counts.get(kind, 0)}</b><a href="#{kind}">{_TITLES[kind][0].lower()}</a></div>'
            for kind in (NAMES, CODES, LINKS, TOPICS)
        )
        + f'<div><b>{len(new_ids)}</b><a href="#new-ids">new ids</a></div>'
    )
    curated = sum(1 for p in reading.proposals if reading.already_curated(p))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Proposed rows: {escape(document.key)}</title><style>{_STYLE}</style></head><body>",
        f"<header><h1>Proposed rows for <code>{escape(document.key)}</code></h1>",
        f"<p>{escape(document.title or document.key)} · {len(document.lines)} lines</p>",
        "<p>Rows in the curated columns with a confidence and the reason. Accept a row by copying it into "
        "<code>seeds/curated/</code>; <code>ilokg build</code> then checks its quote, ids and shape.</p></header>",
        "<main>",
        f'<div class="summary">{summary}<div><b>{curated}</b>already curated</div></div>',
        '<nav><a href="#new-ids">New ids</a>'
        + "".join(f'<a href="#{k}">{_TITLES[k][0]}</a>' for k in (NAMES, CODES, LINKS, TOPICS))
        + "</nav>",
        '<section id="new-ids"><h2>New ids to create</h2>',
        "<p>Ids the proposals use that the graph does not know: each needs a prefLabel row.</p>",
    ]
    if new_ids:
        parts.append("<table><thead><tr><th>id</th><th>proposed names</th><th>line</th></tr></thead><tbody>")
        for short_id, names in new_ids.items():
            shown = "; ".join(f"{escape(p.link)} “{escape(p.object)}”" for p in names) or "<em>none proposed</em>"
            line = str(names[0].line) if names else ""
            parts.append(f'<tr><td><code>{escape(short_id)}</code></td><td>{shown}</td><td class="n">{line}</td></tr>')
        parts.append("</tbody></table>")
    else:
        parts.append("<p>None.</p>")
    parts.append("</section>")
    for kind in (NAMES, CODES, LINKS, TOPICS):
        title, explanation = _TITLES[kind]
        chosen = [p for p in reading.proposals if p.kind == kind]
        parts.append(f'<section id="{kind}"><h2>{title} ({len(chosen)})</h2><p>{escape(explanation)}</p>')
        parts.extend(_article(reading, p) for p in chosen)
        parts.append("</section>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
