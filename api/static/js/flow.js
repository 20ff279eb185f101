// The flow diagram: flagships -> standards and P&B results -> SDG targets or goals, drawn as a Sankey
// diagram in SVG (d3-sankey). Each node links to its page; the table on the page carries the same links.
(function () {
  "use strict";
  var holder = document.getElementById("flow-diagram");
  if (!holder || typeof window.d3 === "undefined" || typeof window.d3.sankey !== "function") { return; }
  var d3 = window.d3;
  var palette = ["#1e2d78", "#b5179e", "#0b7a75", "#c2410c", "#5b6b00", "#6d28d9", "#a4161a"];

  function short(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }
  function nodeLabel(node) {
    var ref = node.ref;
    var id = ref.id || "";
    if (node.column === 0) {
      var acronym = /\(([^)]{2,12})\)$/.exec(ref.label || "");
      return acronym ? acronym[1] : short(ref.label || id, 30);
    }
    if (id.indexOf("sdg:") === 0) { return id.slice(4) + " " + short(ref.label || "", 38); }
    if (/^[CPR]\d{3}$/.test(id)) { return id + " " + short(ref.label || "", 34); }
    // A P&B result by its code as printed and its biennium: "Output 7.1 (2022–23) Increased capacity…".
    var result = /^(outcome|output):(\d{4})-(\d\d)\/(.+)$/.exec(id);
    if (result) {
      var code = result[1].charAt(0).toUpperCase() + result[1].slice(1) + " " + result[4];
      return short(code + " (" + result[2] + "\u2013" + result[3] + ")" + (ref.label ? " " + ref.label : ""), 44);
    }
    return short(ref.label || id, 44);
  }

  fetch(holder.dataset.src, { headers: { "Accept": "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("the data did not load (" + response.status + ")"); }
      return response.json();
    })
    .then(draw)
    .catch(function (error) {
      holder.textContent = "The diagram could not be drawn: " + error.message + ". The table below lists every link.";
    });

  function draw(data) {
    if (!data.links.length) { holder.textContent = "Nothing to draw for this choice."; return; }
    var perColumn = [0, 0, 0];
    data.nodes.forEach(function (n) { perColumn[n.column] += 1; });
    var width = Math.max(holder.clientWidth, 900);
    var labelSpace = 290;  // right of the SDG column, for its labels
    var height = Math.max(420, Math.max.apply(null, perColumn) * 24 + 40);
    var colour = {};
    data.nodes.filter(function (n) { return n.column === 0; }).forEach(function (n, i) {
      colour[n.ref.iri] = palette[i % palette.length];
    });
    var graph = d3.sankey()
      .nodeId(function (n) { return n.ref.iri; })
      .nodeAlign(function (n) { return n.column; })
      .nodeWidth(14)
      .nodePadding(8)
      .nodeSort(null)
      .extent([[2, 10], [width - labelSpace, height - 10]])({
        nodes: data.nodes.map(function (n) { return Object.assign({}, n); }),
        links: data.links.map(function (l) { return Object.assign({ value: 1 }, l); })
      });
    // Three fixed columns, whatever the depth of the routes: flagships, standards and P&B results, the SDGs.
    var columnX = [2, Math.round((width - labelSpace) / 2) - 7, width - labelSpace - 14];
    graph.nodes.forEach(function (n) { n.x0 = columnX[n.column]; n.x1 = n.x0 + 14; });
    // Where a flow starts decides its colour, so a flagship's bands can be followed across the picture.
    graph.nodes.forEach(function (n) {
      if (!colour[n.ref.iri]) {
        var first = (n.targetLinks[0] && n.targetLinks[0].source.ref.iri) || n.ref.iri;
        colour[n.ref.iri] = colour[first] || "#4a5360";
      }
    });
    var svg = d3.select(holder).append("svg")
      .attr("viewBox", [0, 0, width, height].join(" "))
      .attr("width", width).attr("height", height)
      .attr("aria-labelledby", "flow-title")
      .attr("class", "sankey");
    svg.append("title").attr("id", "flow-title").text("Flow from flagship programmes to the SDG " + data.level + "s");

    svg.append("g").attr("fill", "none").selectAll("path").data(graph.links).join("path")
      .attr("class", function (l) { return "flow-link strength-" + l.strength; })
      .attr("d", d3.sankeyLinkHorizontal())
      .attr("stroke", function (l) { return colour[l.source.ref.iri] || colour[l.target.ref.iri]; })
      .attr("stroke-opacity", function (l) { return l.stated ? 0.35 : 0.22; })
      // The strength of each link, as the answers say it: stated solid, a stated range dotted, a chain dashed.
      .attr("stroke-dasharray", function (l) { return { stated: null, range: "2 3", chain: "6 4" }[l.strength]; })
      .attr("stroke-width", function (l) { return Math.max(2, l.width); })
      .append("title").text(function (l) {
        var why = l.stated
          ? "stated: " + l.evidence.map(function (e) { return (e.document.id || "") + " line " + e.line; }).join(", ")
          : (l.strength === "range" ? "stated as a range, expanded by rule: " : "related through a chain: ") +
            l.rules.map(function (r) { return r.label; }).join(", ");
        return (l.source.ref.label || l.source.ref.id) + " → " + (l.target.ref.id || l.target.ref.label) + " (" + why + ")";
      });

    var node = svg.append("g").selectAll("a").data(graph.nodes).join("a")
      .attr("href", function (n) { return n.href; })
      .attr("class", function (n) { return "flow-node column-" + n.column; });
    node.append("rect")
      .attr("x", function (n) { return n.x0; }).attr("y", function (n) { return n.y0; })
      .attr("width", function (n) { return n.x1 - n.x0; })
      .attr("height", function (n) { return Math.max(3, n.y1 - n.y0); })
      .attr("rx", 2)
      .attr("fill", function (n) { return colour[n.ref.iri]; });
    node.append("text")
      .attr("x", function (n) { return n.x1 + 6; })
      .attr("y", function (n) { return (n.y0 + n.y1) / 2; })
      .attr("dy", "0.35em")
      .attr("text-anchor", "start")
      .attr("font-size", function (n) { return n.column === 0 ? 14 : 12; })
      .attr("font-weight", function (n) { return n.column === 0 ? 700 : 400; })
      .attr("fill", "#1b1f24")
      .attr("paint-order", "stroke").attr("stroke", "#ffffff").attr("stroke-width", 3)
      .text(nodeLabel);
    node.append("title").text(function (n) { return n.kind + ": " + (n.ref.id ? n.ref.id + " " : "") + (n.ref.label || ""); });
    holder.setAttribute("data-drawn", String(graph.nodes.length));
  }
})();
