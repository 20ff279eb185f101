// The chart of a named question whose answer is numbers: for each row a group of horizontal bars (one per
// numeric column, e.g. target and result), in one panel per facet (a unit), so that numbers of different units
// never share a scale. Drawn in SVG with d3 from the answer's JSON; the table on the page holds the same numbers.
(function () {
  "use strict";
  var holder = document.getElementById("answer-chart");
  if (!holder || typeof window.d3 === "undefined") { return; }
  var d3 = window.d3;
  var labelKeys = holder.dataset.label.split(" ").filter(Boolean);
  var valueKeys = holder.dataset.values.split(" ").filter(Boolean);
  var titles = holder.dataset.titles.split("|");
  var facetKey = holder.dataset.facet;
  var colours = ["#1e2d78", "#c2410c", "#0b7a75", "#6d28d9"];

  function text(value) {
    if (value === null || value === undefined) { return ""; }
    if (typeof value === "object") { return value.id ? value.id.replace(/^[a-z-]+:/, "") : (value.label || ""); }
    return String(value);
  }
  function number(value) {
    return Math.abs(value) >= 1e6 ? d3.format(".3~s")(value).replace("G", "B") : d3.format(",~r")(value);
  }

  fetch(holder.dataset.src, { headers: { "Accept": "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("the data did not load (" + response.status + ")"); }
      return response.json();
    })
    .then(draw)
    .catch(function (error) {
      holder.textContent = "The chart could not be drawn: " + error.message + ". The table below holds every number.";
    });

  function draw(answer) {
    var rows = answer.rows.filter(function (row) {
      return valueKeys.some(function (key) { return typeof row[key] === "number"; });
    });
    if (!rows.length) { holder.textContent = "No numbers to draw."; return; }
    var facets = d3.groups(rows, function (row) { return facetKey ? text(row[facetKey]) || "no unit" : ""; });
    // The holder is hidden while empty: measure the figure around it.
    var width = Math.max(holder.parentNode.clientWidth - 20, 260);
    var barHeight = 14;
    var legend = d3.select(holder).append("ul").attr("class", "chart-legend");
    valueKeys.forEach(function (key, i) {
      var item = legend.append("li");
      item.append("span").attr("class", "swatch").style("background", colours[i % colours.length]);
      item.append("span").text(titles[i] || key);
    });
    facets.forEach(function (facet) {
      var facetRows = facet[1];
      if (facetKey) { d3.select(holder).append("p").attr("class", "facet-title").text(facet[0]); }
      var values = [];
      facetRows.forEach(function (row) {
        valueKeys.forEach(function (key) { if (typeof row[key] === "number") { values.push(row[key]); } });
      });
      var low = Math.min(0, d3.min(values)), high = Math.max(0, d3.max(values));
      var groupHeight = 18 + valueKeys.length * (barHeight + 2) + 10;
      var height = facetRows.length * groupHeight + 6;
      var valueSpace = 72;
      var x = d3.scaleLinear().domain([low, high || 1]).range([2, width - valueSpace]).nice();
      var svg = d3.select(holder).append("svg")
        .attr("width", width).attr("height", height).attr("role", "img")
        .attr("aria-label", (facet[0] ? facet[0] + ": " : "") + facetRows.length + " rows as bars; the table below lists them");
      var group = svg.selectAll("g.row").data(facetRows).join("g")
        .attr("class", "row")
        .attr("transform", function (_row, i) { return "translate(0," + (i * groupHeight) + ")"; });
      group.append("text").attr("x", 2).attr("y", 13).attr("class", "bar-label").attr("font-size", 12).attr("fill", "#1b1f24")
        .text(function (row) {
          var label = labelKeys.map(function (key) { return text(row[key]); }).filter(Boolean).join(" · ");
          return label.length > 90 ? label.slice(0, 89) + "…" : label;
        });
      valueKeys.forEach(function (key, i) {
        var bars = group.filter(function (row) { return typeof row[key] === "number"; });
        var y = 18 + i * (barHeight + 2);
        bars.append("rect")
          .attr("class", "bar bar-" + key)
          .attr("x", function (row) { return x(Math.min(0, row[key])); })
          .attr("y", y)
          .attr("width", function (row) { return Math.max(1, Math.abs(x(row[key]) - x(0))); })
          .attr("height", barHeight)
          .attr("fill", colours[i % colours.length])
          .append("title").text(function (row) { return (titles[i] || key) + ": " + number(row[key]); });
        bars.append("text")
          .attr("x", function (row) { return x(Math.max(0, row[key])) + 4; })
          .attr("y", y + barHeight - 3)
          .attr("font-size", 11).attr("fill", "#1b1f24")
          .text(function (row) { return number(row[key]); });
      });
    });
    holder.dataset.drawn = "true";
  }
})();
