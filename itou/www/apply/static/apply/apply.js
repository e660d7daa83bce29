// The journey "postuler": the final "Envoyer" is sent once, even on a double click
// (the server would refuse the second one, but the person would see an error instead of
// their application). No inline JavaScript anywhere: the CSP forbids it.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("[data-apply-send]");
    if (!button) return;
    if (button.dataset.applySending) {
      event.preventDefault();
      return;
    }
    button.dataset.applySending = "1";
    button.setAttribute("aria-disabled", "true");
  });
})();
