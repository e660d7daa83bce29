// Search pages (itou/www/search): the few behaviours htmx needs a line of JavaScript for.
// No inline script anywhere (the CSP forbids it). Without JavaScript the forms are plain GET forms.
(function () {
  "use strict";

  if (window.htmx) {
    // The search pages opt out of htmx's history snapshots (hx-history="false": the DSFR
    // and the combobox hold state a snapshot loses). Back and forward reload the page.
    window.htmx.config.refreshOnHistoryMiss = true;
    window.htmx.config.historyRestoreAsHxRequest = false;
  }

  // The visible commune field fires "change" when it loses focus, possibly half-typed:
  // that must not launch a search. Choosing in the list fires "change" on the hidden
  // INSEE code field, which does.
  document.addEventListener(
    "change",
    function (event) {
      var target = event.target;
      if (target && target.matches && target.matches("#search-form [data-autocomplete-url]")) {
        event.stopPropagation();
      }
    },
    true
  );

  function results() {
    return document.getElementById("search-results");
  }

  document.addEventListener("htmx:beforeRequest", function () {
    var element = results();
    if (element) element.setAttribute("aria-busy", "true");
  });

  document.addEventListener("htmx:afterRequest", function () {
    var element = results();
    if (element) element.removeAttribute("aria-busy");
  });

  // After a pagination link, move the focus to the new results' heading (and the page with it).
  document.addEventListener("htmx:afterSettle", function (event) {
    var trigger = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    if (trigger && trigger.closest && trigger.closest("[data-search-focus-results]")) {
      var heading = document.getElementById("search-results-title");
      if (heading) heading.focus();
    }
  });
})();
