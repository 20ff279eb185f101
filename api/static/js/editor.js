// The SPARQL editor: YASQE (editor with highlighting, prefixes, syntax check) and YASR (results table),
// both from the locally served YASGUI bundle. Nothing is fetched from other origins: the LOV term
// completers are left out and prefixes come from the bundle.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  if (!form || typeof window.Yasgui === "undefined") { return; }
  var Yasqe = window.Yasgui.Yasqe;
  var Yasr = window.Yasgui.Yasr;
  var endpoint = new URL(form.dataset.endpoint, window.location.href).href;
  var textarea = document.getElementById("query");
  var holder = document.getElementById("editor");
  var status = document.getElementById("query-status");
  var examples = document.getElementById("example");
  var formatSelect = document.getElementById("download-format");
  var downloadButton = document.getElementById("download");

  holder.hidden = false;
  textarea.hidden = true;
  document.querySelector(".query-label").setAttribute("for", "");
  document.querySelector(".query-label").id = "query-label";

  var yasqe = new Yasqe(holder, {
    value: textarea.value,
    requestConfig: { endpoint: endpoint, method: "POST" },
    autocompleters: ["prefixes", "variables"],
    persistenceId: null,
    createShareableLink: null,
    consumeShareLink: null,
    showQueryButton: false,
    resizeable: true,
    lineWrapping: true,
    editorHeight: "320px"
  });
  // The editor's scroll area scrolls on small screens: keyboard users must be able to reach it.
  var scroller = holder.querySelector(".CodeMirror-scroll");
  if (scroller) { scroller.setAttribute("tabindex", "0"); }
  var input = yasqe.getInputField();
  input.setAttribute("aria-labelledby", "query-label");
  input.setAttribute("aria-describedby", "editor-help");

  var yasr = new Yasr(document.getElementById("results"), {
    persistenceId: null,
    prefixes: yasqe.getPrefixesFromQuery(),
    pluginOrder: ["table", "response"],
    defaultPlugin: "table"
  });

  var started = 0;
  yasqe.on("query", function () {
    started = Date.now();
    status.textContent = "Running the query…";
  });
  yasqe.on("queryResponse", function (_yasqe, response, duration) {
    yasr.setResponse(response, duration);
    var results = yasr.results;
    if (results && results.getError && results.getError()) {
      status.textContent = "The endpoint answered with an error (see below).";
      return;
    }
    var count = results && results.getBindings ? (results.getBindings() || []).length : null;
    var ms = duration || (Date.now() - started);
    status.textContent = count === null ? "Answered in " + ms + " ms." :
      count + " row" + (count === 1 ? "" : "s") + " in " + ms + " ms.";
  });

  function queryKind() {
    var type = (yasqe.getQueryType && yasqe.getQueryType()) || "SELECT";
    return type === "CONSTRUCT" || type === "DESCRIBE" ? "graph" : "solutions";
  }
  function syncFormats() {
    var kind = queryKind();
    var firstAllowed = null;
    Array.prototype.forEach.call(formatSelect.options, function (option) {
      var allowed = option.dataset.kind === kind;
      option.hidden = !allowed;
      option.disabled = !allowed;
      if (allowed && firstAllowed === null) { firstAllowed = option; }
    });
    if (formatSelect.selectedOptions[0] && formatSelect.selectedOptions[0].disabled && firstAllowed) {
      formatSelect.value = firstAllowed.value;
    }
  }
  yasqe.on("change", syncFormats);
  syncFormats();

  examples.addEventListener("change", function () {
    var option = examples.selectedOptions[0];
    if (option) { yasqe.setValue(option.dataset.query); syncFormats(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    yasqe.query();
  });

  var extensions = {
    "application/sparql-results+json": "srj", "application/sparql-results+xml": "srx", "text/csv": "csv",
    "text/tab-separated-values": "tsv", "text/turtle": "ttl", "application/n-triples": "nt",
    "application/ld+json": "jsonld", "application/rdf+xml": "rdf"
  };
  downloadButton.hidden = false;
  downloadButton.addEventListener("click", function () {
    var format = formatSelect.value;
    status.textContent = "Preparing the download as " + format + "…";
    fetch(endpoint, {
      method: "POST",
      headers: { "Accept": format, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: yasqe.getValue() })
    }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (text) { throw new Error(text); });
      }
      return response.blob();
    }).then(function (blob) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "result." + (extensions[format] || "txt");
      document.body.appendChild(link);
      link.click();
      link.remove();
      status.textContent = "Downloaded " + blob.size + " bytes as " + format + ".";
    }).catch(function (error) {
      status.textContent = "The download failed: " + error.message;
    });
  });
})();
