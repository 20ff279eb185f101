// The world map of an SDG indicator: world-atlas's countries (TopoJSON, 1:50m) drawn with d3-geo, each country
// shaded by the latest value of the chosen data series, the countries of a flagship outlined, and a legend.
// The atlas names each shape by its ISO 3166-1 numeric code, which is the UN M49 code the data gives every
// country: the map joins on it. The page's table (rendered on the server) holds the same values.
(function () {
  "use strict";
  var holder = document.getElementById("world-map");
  var form = document.querySelector("form.map-form");
  if (form) { keepSeriesToIndicator(form); }
  if (!holder || typeof window.d3 === "undefined" || typeof window.topojson === "undefined") { return; }
  var d3 = window.d3;
  var CLASSES = 5;
  var SMALL = 60;  // square pixels: below this a country's outline cannot be seen
  var labels = holder.dataset;
  var numbers = new Intl.NumberFormat(labels.lang || "en", { maximumFractionDigits: 2 });

  // The series of the chosen indicator only: the others are hidden and not sent.
  function keepSeriesToIndicator(element) {
    var indicator = element.querySelector("#map-indicator");
    var series = element.querySelector("#map-series");
    if (!indicator || !series) { return; }
    indicator.addEventListener("change", function () {
      var first = null;
      Array.prototype.forEach.call(series.options, function (option) {
        var other = option.dataset.indicator !== indicator.value;
        option.hidden = other;
        option.disabled = other;
        if (!other && first === null) { first = option; }
      });
      if (first) { series.value = first.value; }
    });
  }

  function load(url) {
    return fetch(url, { headers: { "Accept": "application/json" } }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    });
  }

  Promise.all([load(holder.dataset.src), load(holder.dataset.atlas)])
    .then(function (loaded) { draw(loaded[0], loaded[1]); })
    .catch(function () {
      holder.textContent = labels.labelFailed;
      holder.setAttribute("data-failed", "");
    });

  function draw(data, atlas) {
    var byCode = {};
    data.countries.forEach(function (c) { if (c.m49) { byCode[c.m49] = c; } });
    // Antarctica (010) has no SDG data; leaving it out gives the inhabited world the room.
    var shapes = window.topojson.feature(atlas, atlas.objects.countries).features
      .filter(function (shape) { return shape.id !== "010"; });
    var values = data.countries.filter(function (c) { return c.latest; }).map(function (c) { return c.latest.value; });
    var low = d3.min(values), high = d3.max(values);
    if (low === high) { high = low + 1; }
    var scale = d3.scaleQuantize().domain([low, high]).nice().range(d3.schemeYlGnBu[CLASSES]);

    // The holder is hidden while empty: the figure around it gives the width to draw at (less its border).
    var width = Math.max(holder.parentElement.clientWidth - 2, 280);
    var projection = d3.geoEqualEarth();
    var sphere = { type: "Sphere" };
    var land = { type: "FeatureCollection", features: shapes };
    projection.fitWidth(width - 4, land);
    var path = d3.geoPath(projection);
    var bounds = path.bounds(land);
    projection.translate([projection.translate()[0] + 2, projection.translate()[1] - bounds[0][1] + 2]);
    var height = Math.ceil(bounds[1][1] - bounds[0][1]) + 4;

    var svg = d3.select(holder).append("svg")
      .attr("viewBox", "0 0 " + width + " " + height)
      .attr("width", width).attr("height", height)
      .attr("role", "group")  // its countries are links to their pages
      .attr("aria-label", labels.labelMap);
    svg.append("path").attr("class", "sphere").attr("d", path(sphere));
    var drawn = {};
    var layer = svg.append("g").attr("class", "countries");
    shapes.forEach(function (shape) {
      var country = shape.id ? byCode[shape.id] : undefined;
      var target = layer;
      if (country) {
        drawn[shape.id] = true;
        target = layer.append("a").attr("href", country.href).attr("class", "country-link")
          .attr("aria-label", title(country, shape));
      }
      var outline = target.append("path")
        .attr("d", path(shape))
        .attr("class", "country" + (country && country.latest ? " has-value" : " no-data")
          + (country && country.flagship_here ? " flagship-here" : ""))
        .attr("fill", country && country.latest ? scale(country.latest.value) : null);
      if (shape.id) { outline.attr("data-m49", shape.id); }
      if (country && country.latest) { outline.attr("data-value", country.latest.value); }
      outline.append("title").text(country ? title(country, shape) : (shape.properties && shape.properties.name) || "");
    });
    // The flagship's countries on top, outlined, with a dot at the centre so that small ones show.
    var marks = svg.append("g").attr("class", "flagship-marks").attr("aria-hidden", "true");
    shapes.forEach(function (shape) {
      var country = shape.id ? byCode[shape.id] : undefined;
      if (!country || !country.flagship_here) { return; }
      marks.append("path").attr("class", "flagship-outline").attr("d", path(shape)).attr("data-m49", shape.id);
      // A country too small to see its outline gets a ring at its centre.
      var centre = path.centroid(shape);
      if (isFinite(centre[0]) && path.area(shape) < SMALL) {
        marks.append("circle").attr("class", "flagship-dot").attr("cx", centre[0]).attr("cy", centre[1]).attr("r", 4);
      }
    });
    legend(scale);
    var missing = data.countries.filter(function (c) { return c.latest && !(c.m49 && drawn[c.m49]); });
    if (missing.length) {
      var note = document.getElementById("map-missing");
      note.textContent = labels.labelMissing + " " + missing.map(function (c) { return c.ref.label || c.iso; }).join(", ") + ".";
      note.hidden = false;
    }
    holder.setAttribute("data-drawn", "");
  }

  function title(country, shape) {
    var name = country.ref.label || (shape.properties && shape.properties.name) || country.iso;
    if (!country.latest) { return name + ": " + labels.labelNoData; }
    return name + ": " + numbers.format(country.latest.value) + " (" + country.latest.year + ")";
  }

  function legend(scale) {
    var list = document.createElement("ul");
    list.className = "legend map-legend";
    if (labels.labelUnit) {
      var unit = document.createElement("li");
      unit.className = "legend-unit";
      unit.textContent = labels.labelUnit;
      list.appendChild(unit);
    }
    scale.range().forEach(function (colour) {
      var bounds = scale.invertExtent(colour);
      add(list, "swatch", colour, numbers.format(bounds[0]) + "\u2013" + numbers.format(bounds[1]));
    });
    add(list, "swatch swatch-no-data", null, labels.labelNoData);
    if (labels.labelFlagship) { add(list, "swatch swatch-flagship-here", null, labels.labelFlagship); }
    holder.appendChild(list);
  }

  function add(list, className, colour, text) {
    var item = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = className;
    if (colour) { swatch.style.background = colour; }
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(text));
    list.appendChild(item);
  }
}());
