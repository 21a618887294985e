// Runs the search that the page's address asks for (?q=...&type=...&sort=date&page=2) with
// Pagefind's own script, fetched only on this page. The address holds the whole search, so a
// search can be linked, and Back and a reload show the same results; a changed filter or order
// submits the form at once. Results come in pages of PAGE, each page one link away.
// Results link under whatever folder the site is served from.
(function () {
  "use strict";
  var PAGE = 50;
  var form = document.querySelector(".search-form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var pager = document.getElementById("search-pages");
  if (!form || !status || !list) return;
  var params = new URLSearchParams(location.search);
  var query = (params.get("q") || "").trim();
  var filters = {};
  form.querySelectorAll(".search-filters select").forEach(function (select) {
    var wanted = params.get(select.name);
    if (wanted) {
      select.value = wanted;
      if (select.value === wanted) filters[select.name] = wanted;
      else select.value = "";
    }
  });
  var order = form.elements.sort;
  if (order) order.value = ["date", "date-desc"].indexOf(params.get("sort")) !== -1 ? params.get("sort") : "";
  var page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  if (query) form.elements.q.value = query; // (not emptied: a reader may have typed before this script ran)

  // A changed filter or order is a new search, from its first page.
  form.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") {
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
  });
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

  // Date, type, number and collection as labelled fields (labels in the interface language).
  function fields(meta) {
    var dl = document.createElement("dl");
    dl.className = "document-item-meta search-fields";
    ["date", "type", "number", "collection"].forEach(function (name) {
      if (!meta[name]) return;
      var dt = document.createElement("dt");
      dt.textContent = list.dataset[name] || name;
      var dd = document.createElement("dd");
      dd.className = "search-field-" + name;
      dd.textContent = meta[name];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    return dl;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "document-item";
    var title = document.createElement("p");
    title.className = "document-item-title";
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = (data.meta.number ? data.meta.number + ". " : "") + (data.meta.title || data.url);
    title.appendChild(link);
    li.appendChild(title);
    li.appendChild(fields(data.meta));
    li.appendChild(excerpt(data.excerpt));
    return li;
  }

  // The wording comes from the page (data-* attributes, in the interface language); English otherwise.
  function say(element, name, english, values) {
    var text = element.dataset[name] || english;
    Object.keys(values || {}).forEach(function (key) { text = text.replace("{" + key + "}", values[key]); });
    return text;
  }

  function pageLink(number) {
    var next = new URLSearchParams(location.search);
    if (number > 1) next.set("page", number); else next.delete("page");
    return "?" + next.toString();
  }

  function showPages(count) {
    var pages = Math.ceil(count / PAGE);
    if (!pager || pages < 2) return;
    var items = [];
    function add(text, number, rel) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = pageLink(number);
      a.textContent = text;
      if (rel) { a.rel = rel; li.className = "list-pager-step"; }
      if (!rel && number === page) a.setAttribute("aria-current", "page");
      li.appendChild(a);
      items.push(li);
    }
    if (page > 1) add(say(pager, "previous", "Previous page"), page - 1, "prev");
    for (var n = 1; n <= pages; n += 1) add(String(n), n);
    if (page < pages) add(say(pager, "next", "Next page"), page + 1, "next");
    pager.querySelector("ul").replaceChildren.apply(pager.querySelector("ul"), items);
    pager.hidden = false;
  }

  status.textContent = say(status, "searching", "Searching…");
  var bundle = new URL(form.dataset.bundle, document.baseURI).href;
  var sort = order && order.value === "date" ? { date: "asc" } : order && order.value === "date-desc" ? { date: "desc" }
    : query ? undefined : { date: "asc" };
  var baseUrl = new URL(form.dataset.root, document.baseURI).pathname;
  // A large edition's index is in parts, one Pagefind bundle per span of dates, in date order: each is
  // searched, and the results are joined by score, or for an order by date by putting the parts side by side
  // (Pagefind's own mergeIndex orders joined results by score alone). The parts are searched one after the
  // other, on the page's own thread: at once, or in Pagefind's shared worker, they lost results or failed.
  var parts = (form.dataset.parts || "").split(" ").filter(Boolean).map(function (part) {
    return new URL(part, document.baseURI).href.replace(/pagefind\.js$/, "");
  });
  function searchParts(pagefind) {
    var found = [];
    return parts.reduce(function (previous, part) {
      return previous.then(function () {
        var instance = pagefind.createInstance({ basePath: part, baseUrl: baseUrl, noWorker: true });
        return instance.options({ baseUrl: baseUrl }).then(function () {
          return instance.search(query || null, { filters: filters, sort: sort });
        }).then(function (one) { found.push(one); });
      });
    }, Promise.resolve()).then(function () {
      var results;
      if (sort) {
        results = (sort.date === "desc" ? found.slice().reverse() : found).reduce(function (all, one) { return all.concat(one.results); }, []);
      } else {
        results = found.reduce(function (all, one) { return all.concat(one.results); }, []).sort(function (a, b) { return b.score - a.score; });
      }
      return { results: results };
    });
  }
  import(bundle).then(function (pagefind) {
    if (parts.length) return searchParts(pagefind);
    return pagefind.options({ baseUrl: baseUrl }).then(function () {
      return pagefind.search(query || null, { filters: filters, sort: sort });
    });
  }).then(function (search) {
    var count = search.results.length;
    page = Math.min(page, Math.max(1, Math.ceil(count / PAGE)));
    var first = (page - 1) * PAGE;
    var shown = search.results.slice(first, first + PAGE);
    return Promise.all(shown.map(function (r) { return r.data(); })).then(function (found) {
      list.start = first + 1;
      list.replaceChildren.apply(list, found.map(item));
      var what = query ? "“" + query + "”" : say(status, "filters", "the chosen filters");
      var sentence = count === 0 ? say(status, "none", "No document found for {what}", { what: what })
        : count === 1 ? say(status, "one", "1 document found for {what}", { what: what })
        : say(status, "many", "{count} documents found for {what}", { count: count, what: what });
      status.textContent = sentence + (count > found.length
        ? say(status, "range", "; {first} to {last} are shown.", { first: first + 1, last: first + found.length }) : ".");
      showPages(count);
    });
  }).catch(function () {
    status.textContent = say(status, "failed", "The search index could not be loaded. Search works when the site is served over http(s), not opened from disk.");
  });
})();
