// Search over every entry of every issue, on the static files alone: one JSON index per
// language, fetched on first use. Results are built with textContent, never innerHTML.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) return;
  var box = form.querySelector("input");
  var list = form.querySelector(".results");
  var index = null;
  var WEIGHTS = [4, 2, 1, 1];  // headline, title, summary, issue name

  function load() {
    if (index) return Promise.resolve(index);
    return fetch(form.getAttribute("data-index"))
      .then(function (response) { return response.json(); })
      .then(function (entries) {
        index = entries.map(function (e, position) {
          e.position = position;  // the index lists issues oldest first
          e.fields = [e.headline, e.title, e.text, e.issue].map(function (f) { return (f || "").toLowerCase(); });
          return e;
        });
        return index;
      });
  }

  function show(found, query) {
    list.textContent = "";
    if (!query) return;
    if (!found.length) {
      var none = document.createElement("li");
      none.textContent = form.getAttribute("data-empty");
      list.appendChild(none);
      return;
    }
    found.slice(0, 20).forEach(function (e) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = e.url;
      link.textContent = e.headline.replace(/\\(.)/g, "$1");
      var where = document.createElement("span");
      where.className = "where";
      where.textContent = " " + e.issue;
      item.appendChild(link);
      item.appendChild(where);
      list.appendChild(item);
    });
  }

  function search() {
    var query = box.value.trim().toLowerCase();
    var words = query.split(/\s+/).filter(Boolean);
    return load().then(function (entries) {
      var found = [];
      entries.forEach(function (e) {
        var score = 0;
        var all = words.every(function (w) {
          var weight = 0;
          e.fields.forEach(function (field, i) {
            if (field.indexOf(w) !== -1) weight = Math.max(weight, WEIGHTS[i]);
          });
          score += weight;
          return weight > 0;
        });
        if (all) found.push({ entry: e, score: score });
      });
      // Best first: words in the headline count most, then the item's title; then newest.
      found.sort(function (a, b) { return b.score - a.score || b.entry.position - a.entry.position; });
      found = found.map(function (hit) { return hit.entry; });
      show(found, query);
      return query ? found : [];
    });
  }

  // Enter opens the best (first) result, once the index has answered.
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search().then(function (found) {
      if (found.length) window.location.href = list.querySelector("a").href;
    });
  });
  box.addEventListener("input", search);
})();
