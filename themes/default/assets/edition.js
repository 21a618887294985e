// Switches a document between its diplomatic and reading views and remembers the choice.
// Reading works without this script: the diplomatic view is the default.
(function () {
  "use strict";
  var text = document.getElementById("transcript-text");
  var group = document.querySelector(".view-switch");
  if (!text || !group) return;
  var KEY = "edition-view";
  function show(view) {
    text.classList.toggle("view-reading", view === "reading");
    text.classList.toggle("view-diplomatic", view !== "reading");
    group.querySelectorAll("button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.view === view));
    });
  }
  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { /* storage may be disabled */ }
  show(saved === "reading" ? "reading" : "diplomatic");
  group.hidden = false;
  group.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-view]");
    if (!button) return;
    show(button.dataset.view);
    try { localStorage.setItem(KEY, button.dataset.view); } catch (e) { /* ignore */ }
  });
})();
