// Starts Redoc without inline script (the CSP forbids it). Redoc writes its styles in <style>
// elements: they get this script's nonce, which the page's policy accepts for styles.
(function () {
  "use strict";
  var element = document.getElementById("redoc");
  // Redoc's own texts, in French where it lets them be set.
  var labels = {
    enum: "Valeurs possibles", enumSingleValue: "Valeur", enumArray: "Éléments", default: "Par défaut",
    deprecated: "Obsolète", example: "Exemple", examples: "Exemples", recursive: "Récursif",
    arrayOf: "Liste de ", webhook: "Événement", const: "Valeur", noResultsFound: "Aucun résultat",
    download: "Télécharger", downloadSpecification: "Télécharger le document OpenAPI", responses: "Réponses",
    callbackResponses: "Réponses du rappel", requestSamples: "Exemples de requêtes",
    responseSamples: "Exemples de réponses"
  };
  var options = {
    nonce: document.currentScript.nonce, expandResponses: "200", hideDownloadButton: false, labels: labels
  };
  window.Redoc.init(element.dataset.openapiUrl, options, element);
})();
