// The neighbourhood of a resource as a network: the resource in the middle, what links to it and what it
// links to around it (d3-force, laid out once, then drawn still). Every node is a link to its page.
(function () {
  "use strict";
  var holder = document.getElementById("network");
  if (!holder || typeof window.d3 === "undefined") { return; }
  var d3 = window.d3;
  var MAX_NODES = 80;

  function href(ref) {
    var base = holder.dataset.baseIri;
    if (base && ref.iri.indexOf(base) === 0) { return "/id/" + ref.iri.slice(base.length); }
    return "/resources/" + encodeURIComponent(ref.id || ref.iri).replace(/%3A/g, ":").replace(/%2F/g, "/");
  }
  function localName(iri) { return iri.split(/[\/#]/).pop() || iri; }
  // The words of codes in the page's language: Goal, Target, Indicator, Outcome, Output, Objective.
  var words = (holder.dataset.words || "Goal|Target|Indicator|Outcome|Output|Objective").split("|");
  var sdgWords = words.slice(0, 3);
  var codeWords = {
    outcome: words[3], output: words[4], indicator: words[2],
    "strategic-objective": words[5], "operational-objective": words[5]
  };
  // The name a person reads: a code as printed (Target 8.7, Output 7.1 (2020–21), C182), an acronym, or the name.
  function displayName(ref) {
    var id = ref.id || "";
    var match = /^sdg:(\d+(?:\.\w+)*)$/.exec(id);
    if (match) { return sdgWords[Math.min(match[1].split(".").length - 1, 2)] + " " + match[1]; }
    match = /^([a-z-]+):(\d{4})-(\d\d)\/(.+)$/.exec(id);
    if (match && codeWords[match[1]]) { return codeWords[match[1]] + " " + match[4] + " (" + match[2] + "\u2013" + match[3] + ")"; }
    match = /^biennium:(\d{4})-(\d\d)$/.exec(id);
    if (match) { return "P&B " + match[1] + "\u2013" + match[2]; }
    if (/^[CPR]\d{3}$/.test(id)) { return id; }
    var acronym = /\(([^)]{2,12})\)$/.exec(ref.label || "");
    if (acronym) { return acronym[1]; }
    return ref.label || localName(ref.iri);
  }
  function short(text, max) { return text.length > max ? text.slice(0, max - 1) + "…" : text; }
  function kindOf(ref) {
    var id = ref.id || "";
    if (/^[CPR]\d{3}$/.test(id)) { return "standard"; }
    return id.split(":")[0] || "other";
  }
  var colours = {
    flagship: "#1e2d78", standard: "#b5179e", outcome: "#0b7a75", output: "#0b7a75", indicator: "#0b7a75",
    sdg: "#c2410c", document: "#4a5360", organization: "#6d28d9", country: "#6d28d9", other: "#4a5360"
  };

  fetch(holder.dataset.src, { headers: { "Accept": "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    })
    .then(draw)
    .catch(function (error) {
      holder.textContent = "The network could not be drawn (" + error.message + "); the lists below say the same.";
    });

  function draw(data) {
    var centre = data.centre.iri;
    // Figures and indicator values are listed under Facts; as dots they would only crowd the picture.
    var nodes = data.nodes.filter(function (n) { return !/^(figure|indicator-value|evidence|derivation):/.test(n.node.id || ""); })
      .map(function (n) { return { id: n.node.iri, ref: n.node, depth: n.depth }; });
    nodes.sort(function (a, b) { return a.depth - b.depth; });
    var shown = nodes.slice(0, MAX_NODES);
    var keep = {};
    shown.forEach(function (n) { keep[n.id] = true; });
    var links = data.edges.filter(function (e) { return keep[e.source] && keep[e.target] && e.source !== e.target; })
      .map(function (e) { return { source: e.source, target: e.target, stated: e.stated, label: e.link.label || "" }; });
    // The holder is hidden while empty: measure the figure it sits in, and keep the picture in proportion.
    var width = holder.parentNode.clientWidth || 800;
    var height = Math.max(320, Math.min(520, Math.round(width * 0.8)));
    var simulation = d3.forceSimulation(shown)
      .force("link", d3.forceLink(links).id(function (n) { return n.id; }).distance(Math.min(width, height) / 3))
      .force("charge", d3.forceManyBody().strength(-420))
      .force("x", d3.forceX(width / 2).strength(0.02))
      .force("y", d3.forceY(height / 2).strength(0.09))
      .force("collide", d3.forceCollide(34))
      .stop();
    shown.forEach(function (n) { if (n.id === centre) { n.fx = width / 2; n.fy = height / 2; } });
    for (var i = 0; i < 300; i += 1) { simulation.tick(); }
    var pad = 30;
    shown.forEach(function (n) {
      n.x = Math.max(pad, Math.min(width - pad, n.x));
      n.y = Math.max(pad, Math.min(height - pad, n.y));
    });

    var svg = d3.select(holder).append("svg").attr("viewBox", [0, 0, width, height].join(" "))
      .attr("aria-labelledby", "network-title");
    svg.append("title").attr("id", "network-title")
      .text("Network of " + shown.length + " things linked to " + (data.centre.label || data.centre.id));
    svg.append("g").selectAll("line").data(links).join("line")
      .attr("x1", function (l) { return l.source.x; }).attr("y1", function (l) { return l.source.y; })
      .attr("x2", function (l) { return l.target.x; }).attr("y2", function (l) { return l.target.y; })
      .attr("stroke", "#8994a6").attr("stroke-width", 1.5)
      .attr("stroke-dasharray", function (l) { return l.stated ? null : "5 4"; })
      .append("title").text(function (l) { return l.label + (l.stated ? " (stated)" : " (derived)"); });
    var node = svg.append("g").selectAll("a").data(shown).join("a")
      .attr("href", function (n) { return href(n.ref); })
      .attr("class", "network-node")
      .attr("transform", function (n) { return "translate(" + n.x + "," + n.y + ")"; });
    node.append("circle")
      .attr("r", function (n) { return n.id === centre ? 14 : 8; })
      .attr("fill", function (n) { return colours[kindOf(n.ref)] || colours.other; })
      .attr("stroke", "#ffffff").attr("stroke-width", 2);
    node.append("text")
      .attr("y", function (n) { return n.id === centre ? -20 : -12; })
      .attr("text-anchor", "middle").attr("font-size", function (n) { return n.id === centre ? 14 : 11; })
      .attr("font-weight", function (n) { return n.id === centre ? 700 : 400; })
      .attr("fill", "#1b1f24").attr("paint-order", "stroke").attr("stroke", "#ffffff").attr("stroke-width", 3)
      .text(function (n) { return short(displayName(n.ref), 26); });
    node.append("title").text(function (n) { return displayName(n.ref) + (n.ref.label && n.ref.label !== displayName(n.ref) ? ": " + n.ref.label : ""); });
    if (nodes.length > shown.length || data.truncated) {
      var note = document.createElement("p");
      note.className = "meta";
      note.textContent = "Showing " + shown.length + " of " + nodes.length + " neighbours.";
      holder.parentNode.insertBefore(note, holder.nextSibling);
    }
    holder.setAttribute("data-drawn", String(shown.length));
  }
})();
