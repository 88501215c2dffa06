// A form came back with errors: move the focus to the summary at the top, so that a screen reader
// announces it and the keyboard starts from it (RGAA 11.10, 11.11). A static file: the CSP forbids inline scripts.
(function () {
  "use strict";
  var resume = document.getElementById("erreurs-formulaire");
  if (resume) {
    resume.focus();
  }
})();
