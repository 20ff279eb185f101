// The API explorer (/docs): Swagger UI over the service's own OpenAPI document, from the locally served bundle.
// The page's Content-Security-Policy allows no inline script, hence this file; the validator badge is off, as it
// would send the document to another site.
(function () {
  "use strict";
  var holder = document.getElementById("swagger-ui");
  if (!holder || typeof window.SwaggerUIBundle === "undefined") { return; }
  window.SwaggerUIBundle({
    url: holder.dataset.openapi,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
