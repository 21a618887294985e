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

// Notes and names in the text. A note call shows the start of its note on hover and focus, as a
// name shows its entry, without leaving the text; a tooltip near the right edge is moved left so
// that it stays on the screen. With `registers.link: all`, only the first mention of each entry is
// a tab stop: the others stay links for the pointer, and the keyboard is not walked through them all.
(function () {
  "use strict";
  var text = document.getElementById("transcript-text") || document.querySelector(".transcript");
  if (!text) return;
  var PREVIEW = 280;  // characters of a note shown at its call
  text.querySelectorAll("a.note-call[href^='#']").forEach(function (call) {
    var note = document.getElementById(decodeURIComponent(call.getAttribute("href").slice(1)));
    var body = note && (note.querySelector(".note-text") || note);
    if (!body) return;
    var words = body.textContent.replace(/\s+/g, " ").trim();
    if (!words) return;
    call.dataset.tooltip = words.length > PREVIEW ? words.slice(0, PREVIEW - 1).trimEnd() + "…" : words;
  });
  var seen = {};
  text.querySelectorAll("a.mention[data-entry]").forEach(function (mention) {
    if (seen[mention.dataset.entry]) mention.tabIndex = -1;
    seen[mention.dataset.entry] = true;
  });
  function place(event) {
    var target = event.target.closest && event.target.closest("[data-tooltip]");
    if (!target) return;
    var margin = 8;
    var room = document.documentElement.clientWidth - margin - target.getBoundingClientRect().left;
    var wanted = Math.min(352, document.documentElement.clientWidth * 0.8);  // as the stylesheet's max-width
    target.style.setProperty("--tooltip-shift", room < wanted ? Math.round(room - wanted) + "px" : "0px");
  }
  text.addEventListener("mouseover", place);
  text.addEventListener("focusin", place);
})();
