// A small page-image viewer beside the text: page turning, zoom, and page breaks in the text
// that open their page. Keyboard, on the image: arrows or Page Up/Page Down turn pages, + and -
// zoom, 0 fits the page. Without this script the thumbnails link to the full images.
(function () {
  "use strict";
  var root = document.getElementById("facsimile");
  if (!root) return;
  var viewer = root.querySelector(".facsimile-viewer");
  var stage = root.querySelector(".facsimile-stage");
  var image = root.querySelector(".facsimile-image");
  var status = root.querySelector(".facsimile-status");
  var pages = Array.prototype.slice.call(root.querySelectorAll(".facsimile-page"));
  if (!viewer || !pages.length) return;
  var buttons = {};
  root.querySelectorAll("[data-action]").forEach(function (b) { buttons[b.dataset.action] = b; });
  var current = 0;
  var zoom = 1;
  var MAX_ZOOM = 8;

  function setZoom(value) {
    zoom = Math.min(MAX_ZOOM, Math.max(1, value));
    image.style.width = zoom * 100 + "%";
    root.dataset.zoom = String(zoom);
    buttons["zoom-out"].disabled = zoom <= 1;
    buttons["zoom-in"].disabled = zoom >= MAX_ZOOM;
  }

  function show(index) {
    current = Math.min(pages.length - 1, Math.max(0, index));
    var page = pages[current];
    image.src = page.dataset.src;
    image.alt = page.querySelector("img").alt;
    if (page.dataset.width) {
      image.width = Number(page.dataset.width);
      image.height = Number(page.dataset.height);
    } else {
      image.removeAttribute("width");
      image.removeAttribute("height");
    }
    status.textContent = status.dataset.template.replace("{page}", page.dataset.page).replace("{count}", String(pages.length));
    buttons.previous.disabled = current === 0;
    buttons.next.disabled = current === pages.length - 1;
    pages.forEach(function (p) {
      p.classList.toggle("is-current", p === page);
      var link = p.querySelector("a");
      if (p === page) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
    });
    root.dataset.page = page.dataset.page;
    setZoom(1);
    stage.scrollTop = stage.scrollLeft = 0;
  }

  function indexOf(n) {
    for (var i = 0; i < pages.length; i++) if (pages[i].dataset.page === n) return i;
    return -1;
  }

  var actions = {
    previous: function () { show(current - 1); },
    next: function () { show(current + 1); },
    "zoom-in": function () { setZoom(zoom * 1.5); },
    "zoom-out": function () { setZoom(zoom / 1.5); },
    reset: function () { setZoom(1); }
  };
  root.querySelector(".facsimile-toolbar").addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (button && actions[button.dataset.action]) actions[button.dataset.action]();
  });
  stage.addEventListener("keydown", function (event) {
    var key = event.key;
    var action = null;
    if (key === "PageDown" || (key === "ArrowRight" && zoom === 1)) action = "next";
    else if (key === "PageUp" || (key === "ArrowLeft" && zoom === 1)) action = "previous";
    else if (key === "+" || key === "=") action = "zoom-in";
    else if (key === "-") action = "zoom-out";
    else if (key === "0") action = "reset";
    if (!action) return;
    event.preventDefault();
    actions[action]();
  });
  root.querySelector(".facsimile-pages").addEventListener("click", function (event) {
    var link = event.target.closest(".facsimile-page a");
    if (!link) return;
    event.preventDefault();
    show(pages.indexOf(link.closest(".facsimile-page")));
  });
  // A page break in any version of the text opens its page.
  document.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest("a.pb[data-page]");
    if (!mark) return;
    var index = indexOf(mark.dataset.page);
    if (index < 0) return;
    event.preventDefault();
    show(index);
    viewer.scrollIntoView({ block: "nearest" });
  });

  viewer.hidden = false;
  root.classList.add("has-viewer");
  var fromHash = location.hash.indexOf("#facs-") === 0 ? indexOf(decodeURIComponent(location.hash.slice(6))) : -1;
  show(fromHash >= 0 ? fromHash : 0);
})();
