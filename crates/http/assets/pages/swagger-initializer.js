// Starts Swagger UI (paperclip's bundled copy) on this server's API document. It is a file rather than an inline
// script so that the page's Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  // Swagger UI 3 lets `url` and `configUrl` in the query string override the options below, so a link could open
  // another document in this page (the policy's connect-src keeps it to this origin anyway): drop the query.
  if (window.location.search) {
    window.history.replaceState(null, "", window.location.pathname + window.location.hash);
  }
  window.ui = SwaggerUIBundle({
    url: "/api-docs/",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    // Its default shows a badge loaded from validator.swagger.io, which would hand them this document's address.
    validatorUrl: null,
  });
})();
