// Filters a list of documents by type, year or month, person and organisation, over the data-* attributes of
// its items. The choice is kept in the page's address (?type=letter&person=...), replaced rather
// than pushed, so that a reload, Back to this page and a shared link show the same filter and the
// same documents. Without this script the form stays hidden and every document shows.
(function () {
  "use strict";
  var form = document.getElementById("document-filters");
  var list = document.getElementById("document-list");
  if (!form || !list) return;
  var items = Array.prototype.slice.call(list.querySelectorAll(".document-item"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var status = form.querySelector(".filter-status");
  var elsewhere = form.querySelector(".filter-elsewhere");

  function matches(item, select) {
    if (!select.value) return true;
    var values = (item.dataset[select.dataset.filter] || "").split(" ");
    return values.indexOf(select.value) !== -1;
  }

  // The same filters on the search page, which takes them across the edition (names, not ids, for persons and organisations).
  function searchLink() {
    var params = new URLSearchParams();
    selects.forEach(function (select) {
      if (!select.value) return;
      if (select.name === "person" || select.name === "organization") params.set(select.name, select.selectedOptions[0].dataset.name || select.value);
      else if (select.name === "type" || select.name === "year") params.set(select.name, select.value);
    });
    return form.dataset.search + (params.toString() ? "?" + params.toString() : "");
  }

  function apply() {
    var shown = 0;
    items.forEach(function (item) {
      var keep = selects.every(function (select) { return matches(item, select); });
      item.hidden = !keep;
      if (keep) shown += 1;
    });
    var filtered = selects.some(function (select) { return select.value; });
    var wording = status.dataset.shown || "{shown} of {total} documents shown.";  // in the interface language
    status.textContent = filtered ? wording.replace("{shown}", shown).replace("{total}", items.length) : "";
    if (elsewhere && form.dataset.search) {
      elsewhere.hidden = !filtered;
      elsewhere.querySelector("a").href = searchLink();
    }
  }

  function fromAddress() {
    var params = new URLSearchParams(location.search);
    selects.forEach(function (select) {
      select.value = params.get(select.name) || "";
      if (select.selectedIndex === -1) select.value = "";  // a value this list does not have
    });
  }

  function toAddress() {
    var params = new URLSearchParams(location.search);
    selects.forEach(function (select) {
      if (select.value) params.set(select.name, select.value);
      else params.delete(select.name);
    });
    var query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  form.addEventListener("change", function () { toAddress(); apply(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  // Back and Forward may bring the page from the browser's cache with the selects as they were left.
  window.addEventListener("pageshow", function () { fromAddress(); apply(); });
  form.hidden = false;
  fromAddress();
  apply();
})();
