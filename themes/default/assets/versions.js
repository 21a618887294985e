// Shows two versions of a document side by side, aligned paragraph by paragraph, and highlights
// the partner of the paragraph under the pointer or the keyboard focus. Without this script the
// versions follow one another.
(function () {
  "use strict";
  var container = document.getElementById("versions");
  var picker = document.querySelector(".version-picker");
  if (!container || !picker) return;
  var sections = Array.prototype.slice.call(container.querySelectorAll(".version"));
  var left = picker.querySelector('select[data-side="left"]');
  var right = picker.querySelector('select[data-side="right"]');

  function section(key) {
    return sections.filter(function (s) { return s.dataset.version === key; })[0] || null;
  }
  function segments(s) { return Array.prototype.slice.call(s.querySelectorAll(".segment")); }
  function keysOf(s) { return segments(s).map(function (seg) { return seg.dataset.align; }); }

  // The left version's segments in order, the right one's unmatched segments after their predecessor.
  function alignedKeys(a, b) {
    var order = keysOf(a);
    var other = keysOf(b);
    other.forEach(function (key, i) {
      if (order.indexOf(key) >= 0) return;
      var at = i > 0 ? order.indexOf(other[i - 1]) : -1;
      order.splice(at >= 0 ? at + 1 : order.length, 0, key);
    });
    return order;
  }

  function reset() {
    sections.forEach(function (s) {
      s.style.gridColumn = s.style.gridRow = "";
      s.querySelectorAll(".version-heading, .transcript-text, .segment, .version-notes").forEach(function (el) {
        el.style.gridRow = "";
        if (el.classList.contains("segment")) el.removeAttribute("tabindex");
      });
    });
  }

  function layout() {
    var a = section(left.value);
    var b = section(right.value);
    if (b === a) b = null;
    reset();
    mark(null);
    sections.forEach(function (s) { s.hidden = s !== a && s !== b; });
    container.classList.toggle("parallel", Boolean(b));
    if (!b) return;
    var keys = alignedKeys(a, b);
    [a, b].forEach(function (s, column) {
      s.style.gridColumn = String(column + 1);
      s.style.gridRow = "1 / span " + (keys.length + 2);
      s.querySelector(".version-heading").style.gridRow = "1";
      s.querySelector(".transcript-text").style.gridRow = "2 / span " + keys.length;
      segments(s).forEach(function (seg) {
        seg.style.gridRow = String(keys.indexOf(seg.dataset.align) + 1);
        seg.tabIndex = 0;
      });
      var notes = s.querySelector(".version-notes");
      if (notes) notes.style.gridRow = String(keys.length + 2);
    });
  }

  function mark(segment) {
    container.querySelectorAll(".is-active, .is-partner").forEach(function (el) {
      el.classList.remove("is-active", "is-partner");
    });
    if (!segment || !container.classList.contains("parallel")) return;
    segment.classList.add("is-active");
    container.querySelectorAll(".version:not([hidden]) .segment").forEach(function (seg) {
      if (seg !== segment && seg.dataset.align === segment.dataset.align) seg.classList.add("is-partner");
    });
  }

  container.addEventListener("mouseover", function (event) { mark(event.target.closest(".segment")); });
  container.addEventListener("mouseleave", function () { mark(container.querySelector(".segment:focus-within")); });
  container.addEventListener("focusin", function (event) { mark(event.target.closest(".segment")); });
  container.addEventListener("focusout", function (event) {
    if (!container.contains(event.relatedTarget)) mark(null);
  });

  // The diplomatic/reading switch (edition.js) acts on the main text; the other versions follow it.
  var main = document.getElementById("transcript-text");
  if (main && window.MutationObserver) {
    var follow = function () {
      container.querySelectorAll(".transcript-text").forEach(function (text) {
        if (text === main) return;
        text.classList.toggle("view-reading", main.classList.contains("view-reading"));
        text.classList.toggle("view-diplomatic", !main.classList.contains("view-reading"));
      });
    };
    new MutationObserver(follow).observe(main, { attributes: true, attributeFilter: ["class"] });
    follow();
  }

  left.addEventListener("change", layout);
  right.addEventListener("change", layout);
  picker.hidden = false;
  layout();
})();
