// Runs the search that the form's address asks for (?q=...&type=...) with Pagefind's own
// script, fetched only on this page. Results link under whatever folder the site is served from.
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !status || !list) return;
  var params = new URLSearchParams(location.search);
  var query = (params.get("q") || "").trim();
  var filters = {};
  form.querySelectorAll("select").forEach(function (select) {
    var wanted = params.get(select.name);
    if (wanted) {
      select.value = wanted;
      if (select.value === wanted) filters[select.name] = wanted;
    }
  });
  if (query) form.elements.q.value = query; // (not emptied: a reader may have typed before this script ran)
  if (!query && Object.keys(filters).length === 0) return;

  // Keep only the text and Pagefind's <mark>s of an excerpt.
  function excerpt(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var out = document.createElement("p");
    out.className = "search-excerpt";
    holder.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "document-item";
    if (data.meta.date) {
      var meta = document.createElement("p");
      meta.className = "document-item-meta";
      meta.textContent = data.meta.date;
      li.appendChild(meta);
    }
    var title = document.createElement("p");
    title.className = "document-item-title";
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    title.appendChild(link);
    li.appendChild(title);
    li.appendChild(excerpt(data.excerpt));
    return li;
  }

  // The wording comes from the page (data-* attributes, in the interface language); English otherwise.
  function say(name, english, values) {
    var text = status.dataset[name] || english;
    Object.keys(values || {}).forEach(function (key) { text = text.replace("{" + key + "}", values[key]); });
    return text;
  }

  status.textContent = say("searching", "Searching…");
  var bundle = new URL(form.dataset.bundle, document.baseURI).href;
  import(bundle).then(function (pagefind) {
    return pagefind.options({ baseUrl: new URL(form.dataset.root, document.baseURI).pathname }).then(function () {
      return pagefind.search(query || null, { filters: filters, sort: query ? undefined : { date: "asc" } });
    });
  }).then(function (search) {
    return Promise.all(search.results.slice(0, 50).map(function (r) { return r.data(); })).then(function (found) {
      list.replaceChildren.apply(list, found.map(item));
      var count = search.results.length;
      var what = query ? "“" + query + "”" : say("filters", "the chosen filters");
      var sentence = count === 0 ? say("none", "No document found for {what}", { what: what })
        : count === 1 ? say("one", "1 document found for {what}", { what: what })
        : say("many", "{count} documents found for {what}", { count: count, what: what });
      status.textContent = sentence + (count > found.length ? say("first", "; the first {shown} are shown.", { shown: found.length }) : ".");
    });
  }).catch(function () {
    status.textContent = say("failed", "The search index could not be loaded. Search works when the site is served over http(s), not opened from disk.");
  });
})();
