// Starts Redoc without inline script (the CSP forbids it). Redoc writes its styles in <style>
// elements: they get this script's nonce, which the page's policy accepts for styles.
(function () {
  "use strict";
  var element = document.getElementById("redoc");
  var options = { nonce: document.currentScript.nonce, expandResponses: "200", hideDownloadButton: false };
  window.Redoc.init(element.dataset.openapiUrl, options, element);
})();
