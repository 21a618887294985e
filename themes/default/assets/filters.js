// Filters the home page's list of documents by type, year and person, over the data-*
// attributes of its items. Without this script the form stays hidden and every document shows.
(function () {
  "use strict";
  var form = document.getElementById("document-filters");
  var list = document.getElementById("document-list");
  if (!form || !list) return;
  var items = Array.prototype.slice.call(list.querySelectorAll(".document-item"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var status = form.querySelector(".filter-status");

  function matches(item, select) {
    if (!select.value) return true;
    var values = (item.dataset[select.dataset.filter] || "").split(" ");
    return values.indexOf(select.value) !== -1;
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
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();  // the browser may have restored the selects' values on reload
})();
