// Accessible autocomplete fields (WAI-ARIA 1.2 combobox with a listbox popup), no dependency.
//
// Enhances every <input data-autocomplete-url="…" data-autocomplete-target="ID">: what the
// user types is sent as ?q= to the URL (JSON {"results": [{"id", "label"}]}); choosing a
// result writes its label in the visible input and its id in the hidden input #ID, then
// fires "change" on the hidden input. Typing again empties the hidden input until a new
// choice. Styles: itou/static/itou/css/combobox.css (no inline style: the CSP forbids it).
(function () {
  "use strict";

  var DEBOUNCE_MS = 250;
  var MIN_LENGTH = 2;
  var counter = 0;

  function resultsMessage(count) {
    if (count === 0) return "Aucun résultat";
    return count === 1 ? "1 résultat" : count + " résultats";
  }

  function Combobox(input) {
    counter += 1;
    this.input = input;
    this.target = document.getElementById(input.dataset.autocompleteTarget);
    this.url = input.dataset.autocompleteUrl;
    this.results = [];
    this.activeIndex = -1;
    this.timer = null;
    this.controller = null;
    this.lastQuery = null;

    var baseId = input.id || "itou-combobox-" + counter;
    this.listbox = document.createElement("ul");
    this.listbox.id = baseId + "-listbox";
    this.listbox.className = "itou-combobox__listbox";
    this.listbox.setAttribute("role", "listbox");
    this.listbox.hidden = true;
    var label = input.labels && input.labels[0];
    if (label) {
      if (!label.id) label.id = baseId + "-label";
      this.listbox.setAttribute("aria-labelledby", label.id);
    }

    this.status = document.createElement("div");
    this.status.className = "fr-sr-only";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.status.setAttribute("aria-atomic", "true");

    this.wrapper = document.createElement("div");
    this.wrapper.className = "itou-combobox";
    input.parentNode.insertBefore(this.wrapper, input);
    this.wrapper.appendChild(input);
    this.wrapper.appendChild(this.listbox);
    this.wrapper.appendChild(this.status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.listbox.id);
    input.setAttribute("autocomplete", "off");

    input.addEventListener("input", this.onInput.bind(this));
    input.addEventListener("keydown", this.onKeydown.bind(this));
    input.addEventListener("blur", this.close.bind(this));
    // mousedown would blur the input (and close the list) before the click lands.
    this.listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    this.listbox.addEventListener("click", this.onClick.bind(this));
  }

  Combobox.prototype.onInput = function () {
    var self = this;
    if (this.target && this.target.value) {
      this.target.value = "";
      this.target.dispatchEvent(new Event("change", { bubbles: true }));
    }
    window.clearTimeout(this.timer);
    var query = this.input.value.trim();
    if (query.length < MIN_LENGTH) {
      this.abort();
      this.lastQuery = null;
      this.render([]);
      this.status.textContent = "";
      return;
    }
    this.timer = window.setTimeout(function () {
      self.search(query);
    }, DEBOUNCE_MS);
  };

  Combobox.prototype.abort = function () {
    if (this.controller) this.controller.abort();
    this.controller = null;
  };

  Combobox.prototype.search = function (query) {
    var self = this;
    if (query === this.lastQuery) {
      this.open();
      return;
    }
    this.abort();
    var controller = new AbortController();
    this.controller = controller;
    var separator = this.url.indexOf("?") === -1 ? "?" : "&";
    fetch(this.url + separator + "q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller.signal,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (controller !== self.controller) return; // A newer search is under way.
        self.controller = null;
        self.lastQuery = query;
        self.render(data.results || []);
        self.status.textContent = resultsMessage(self.results.length);
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        self.controller = null;
        self.render([]);
        self.status.textContent = "La recherche est momentanément indisponible.";
      });
  };

  Combobox.prototype.render = function (results) {
    var self = this;
    this.results = results;
    this.activeIndex = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.listbox.textContent = "";
    results.forEach(function (result, index) {
      var option = document.createElement("li");
      option.id = self.listbox.id + "-option-" + index;
      option.className = "itou-combobox__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.index = String(index);
      option.textContent = result.label;
      self.listbox.appendChild(option);
    });
    if (results.length && document.activeElement === this.input) {
      this.open();
    } else {
      this.close();
    }
  };

  Combobox.prototype.open = function () {
    if (!this.results.length) return;
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Combobox.prototype.close = function () {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.setActive(-1);
  };

  Combobox.prototype.isOpen = function () {
    return !this.listbox.hidden;
  };

  Combobox.prototype.setActive = function (index) {
    var previous = this.listbox.children[this.activeIndex];
    if (previous) previous.setAttribute("aria-selected", "false");
    this.activeIndex = index;
    var option = this.listbox.children[index];
    if (option) {
      option.setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", option.id);
      if (option.scrollIntoView) option.scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Combobox.prototype.choose = function (index) {
    var result = this.results[index];
    if (!result) return;
    this.input.value = result.label;
    this.lastQuery = null;
    this.close();
    if (this.target) {
      this.target.value = result.id;
      this.target.dispatchEvent(new Event("change", { bubbles: true }));
    }
    this.input.dispatchEvent(new CustomEvent("itou:autocomplete-select", { bubbles: true, detail: result }));
  };

  Combobox.prototype.onKeydown = function (event) {
    var count = this.results.length;
    switch (event.key) {
      case "ArrowDown":
        if (!count) return;
        event.preventDefault();
        if (!this.isOpen()) {
          this.open();
          if (event.altKey) return;
          this.setActive(0);
        } else {
          this.setActive((this.activeIndex + 1) % count);
        }
        break;
      case "ArrowUp":
        if (!count) return;
        event.preventDefault();
        if (!this.isOpen()) this.open();
        this.setActive(this.activeIndex <= 0 ? count - 1 : this.activeIndex - 1);
        break;
      case "Enter":
        if (this.isOpen() && this.activeIndex >= 0) {
          event.preventDefault(); // Choose, do not submit the form.
          this.choose(this.activeIndex);
        }
        break;
      case "Escape":
        if (this.isOpen()) {
          event.preventDefault();
          this.close();
        } else if (this.input.value) {
          event.preventDefault();
          this.input.value = "";
          this.onInput();
        }
        break;
      case "Tab":
        this.close();
        break;
      default:
        break;
    }
  };

  Combobox.prototype.onClick = function (event) {
    var option = event.target.closest("[role=option]");
    if (option) this.choose(Number(option.dataset.index));
  };

  var SELECTOR = "input[data-autocomplete-url]:not([data-autocomplete-ready])";

  function enhance(root) {
    var inputs = Array.prototype.slice.call(root.querySelectorAll(SELECTOR));
    if (root.matches && root.matches(SELECTOR)) inputs.push(root);
    inputs.forEach(function (input) {
      input.setAttribute("data-autocomplete-ready", "");
      new Combobox(input);
    });
  }

  function start() {
    enhance(document);
    // Content swapped in by htmx (htmx:load fires on every new element).
    document.addEventListener("htmx:load", function (event) {
      if (event.target && event.target.querySelectorAll) enhance(event.target);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
