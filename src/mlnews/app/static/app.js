// The triage page: the week's candidates, decided by keyboard. Everything from an item is
// put in with textContent, never as markup.
(function () {
  "use strict";
  var el = window.mlnews.el, post = window.mlnews.post, get = window.mlnews.get;
  var week = document.querySelector('meta[name="week"]').content;
  var list = document.getElementById("items");
  var detail = document.getElementById("detail");
  var status = document.getElementById("status");
  var search = document.getElementById("search");
  var stateFilter = document.getElementById("state-filter");
  var kindFilter = document.getElementById("kind-filter");
  var sectionBox = document.getElementById("section");
  var items = [];
  var shown = [];
  var current = 0;

  function load() {
    return get("/api/weeks/" + encodeURIComponent(week) + "/candidates")
      .then(function (data) { items = data.items; render(); })
      .catch(function (e) { status.textContent = "Could not load the candidates: " + e.message; });
  }

  function visible(item) {
    var q = search.value.trim().toLowerCase();
    if (stateFilter.value && item.state !== stateFilter.value) return false;
    if (kindFilter.value && item.kind !== kindFilter.value) return false;
    if (!q) return true;
    return [item.title, item.abstract, (item.authors || []).join(" "), item.site].join(" ").toLowerCase().indexOf(q) !== -1;
  }

  function render() {
    var key = shown[current] && shown[current].key;
    shown = items.filter(visible);
    list.textContent = "";
    shown.forEach(function (item, index) {
      var li = el("li", item.state);
      li.dataset.key = item.key;
      li.appendChild(el("span", "score", item.score.toFixed(3)));
      li.appendChild(el("span", "title", item.title));
      li.appendChild(el("span", "state", item.state));
      if (item.reasons && item.reasons.length) li.appendChild(el("span", "why", item.reasons.join(" · ")));
      li.addEventListener("click", function () { move(index - current); });
      list.appendChild(li);
    });
    var found = shown.findIndex(function (i) { return i.key === key; });
    current = Math.max(0, Math.min(found >= 0 ? found : current, shown.length - 1));
    highlight();
    status.textContent = shown.length + " of " + items.length + " items";
  }

  function highlight() {
    Array.prototype.forEach.call(list.children, function (li, index) {
      li.classList.toggle("current", index === current);
      if (index === current) { li.setAttribute("aria-current", "true"); li.scrollIntoView({block: "nearest"}); }
      else li.removeAttribute("aria-current");
    });
    showDetail(shown[current]);
  }

  function showDetail(item) {
    detail.textContent = "";
    if (!item) return;
    detail.appendChild(el("h2", "", item.title));
    detail.appendChild(el("p", "meta", [(item.authors || []).slice(0, 6).join(", "), item.site, item.published].filter(Boolean).join(" · ")));
    if (item.url && /^https?:\/\//.test(item.url)) {
      var a = el("a", "", item.url);
      a.href = item.url; a.rel = "noopener noreferrer"; a.target = "_blank";
      detail.appendChild(a);
    }
    if (item.figure && /^media\/[^\/]+$/.test(item.figure)) {
      var img = el("img");
      img.src = "/" + item.figure; img.alt = "Figure from " + item.title;
      detail.appendChild(img);
    }
    detail.appendChild(el("p", "abstract", item.abstract || ""));
  }

  function moreLike() {
    var item = shown[current];
    if (!item) return;
    get("/api/items/" + encodeURIComponent(item.key) + "/similar")
      .then(function (data) {
        var box = el("section", "similar");
        box.appendChild(el("h3", "", "More like this"));
        var ol = el("ol");
        (data.items || []).forEach(function (other) {
          var li = el("li", "", other.title);
          li.appendChild(el("span", "state", other.state));
          ol.appendChild(li);
        });
        box.appendChild(ol);
        detail.appendChild(box);
      })
      .catch(function (e) { status.textContent = e.message; });
  }

  function move(by) {
    if (!shown.length) return;
    current = Math.max(0, Math.min(current + by, shown.length - 1));
    highlight();
  }

  function decide(state, section) {
    var item = shown[current];
    if (!item) return;
    var body = {keys: [item.key], state: state, week: week, section: section || sectionBox.value};
    post("/api/decisions", body).then(function () {
      item.state = state;
      status.textContent = item.title + ": " + state;
      var li = list.children[current];
      if (li) { li.className = state; li.querySelector(".state").textContent = state; }
      move(1);
      later();
    }).catch(function (e) { status.textContent = "Not saved: " + e.message; });
  }

  var reload = null;
  function later() {  // the ranker retrains in the background: read the new order a moment later
    clearTimeout(reload);
    reload = setTimeout(load, 1500);
  }

  function undo() {
    post("/api/undo", {}).then(function () { status.textContent = "Undone"; return load(); })
      .catch(function (e) { status.textContent = e.message; });
  }

  document.addEventListener("keydown", function (event) {
    if (event.target === search) {
      if (event.key === "Escape" || event.key === "Enter") { search.blur(); event.preventDefault(); }
      return;
    }
    if (event.target.tagName === "SELECT" || event.ctrlKey || event.metaKey || event.altKey) return;
    var sections = Array.prototype.map.call(sectionBox.options, function (o) { return o.value; });
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "s": decide("shortlisted"); break;
      case "f": decide("featured"); break;
      case "x": decide("rejected"); break;
      case "u": undo(); break;
      case "m": moreLike(); break;
      case "o": if (shown[current] && /^https?:\/\//.test(shown[current].url || "")) window.open(shown[current].url, "_blank", "noopener"); break;
      case "/": search.focus(); break;
      default:
        if (/^[1-9]$/.test(event.key) && sections[Number(event.key) - 1]) {
          decide("shortlisted", sections[Number(event.key) - 1]);
        } else return;
    }
    event.preventDefault();
  });
  search.addEventListener("input", render);
  stateFilter.addEventListener("change", render);
  kindFilter.addEventListener("change", render);
  load();
})();
