// The triage page: the week's candidates, decided by keyboard, one row or a selection at a time.
// Everything from an item is put in with textContent, never as markup.
(function () {
  "use strict";
  var el = window.mlnews.el, post = window.mlnews.post, get = window.mlnews.get;
  var week = document.querySelector('meta[name="week"]').content;
  var list = document.getElementById("items");
  var detail = document.getElementById("detail");
  var status = document.getElementById("status");
  var filters = document.getElementById("filters");
  var search = document.getElementById("search");
  var stateFilter = document.getElementById("state-filter");
  var kindFilter = document.getElementById("kind-filter");
  var sourceFilter = document.getElementById("source-filter");
  var sectionFilter = document.getElementById("section-filter");
  var dateFrom = document.getElementById("date-from");
  var dateTo = document.getElementById("date-to");
  var sectionBox = document.getElementById("section");
  var empty = document.getElementById("empty");
  var NO_SECTION = "(none)";  // section ids are [a-z0-9-]: this value is never one
  var items = [];
  var shown = [];
  var current = 0;
  // Kept by key, not by row, so that a reload (a new ranking, a new order) keeps the selection.
  var selected = new Set();
  var message = "";
  // Decisions and undos reach the server in the order they were made: `x` then `u` typed quickly
  // must undo that `x`, and the server keeps one undo entry per request.
  var queue = Promise.resolve();

  // A past issue's pick has no title until its record is imported: never an empty row.
  function titled(item) { return item.title || "(no title yet: import its record) " + item.key; }

  function load() {
    return get("/api/weeks/" + encodeURIComponent(week) + "/candidates")
      .then(function (data) {
        items = data.items;
        document.getElementById("weighting").textContent = data.weighting || "";
        fillSources();
        render();
      })
      .catch(function (e) { say("Could not load the candidates: " + e.message); });
  }

  // -- filters ---------------------------------------------------------------------------------

  function option(value, text) {
    var node = el("option", "", text);
    node.value = value;
    return node;
  }

  function fillSections() {
    Array.prototype.forEach.call(sectionBox.options, function (o) { sectionFilter.appendChild(option(o.value, o.text)); });
  }

  function fillSources() {
    var chosen = sourceFilter.value;
    var sites = new Set(items.map(function (i) { return i.site; }).filter(Boolean));
    if (chosen) sites.add(chosen);  // a reload never takes the chosen source from under the curator
    var names = Array.from(sites).sort();
    var before = Array.prototype.slice.call(sourceFilter.options, 1).map(function (o) { return o.value; });
    if (names.join("\n") === before.join("\n")) return;  // rebuilding would close an open dropdown
    sourceFilter.textContent = "";
    sourceFilter.appendChild(option("", "all"));
    names.forEach(function (name) { sourceFilter.appendChild(option(name, name)); });
    sourceFilter.value = chosen;
  }

  function visible(item) {
    return matches(stateFilter.value, item.state) && matches(kindFilter.value, item.kind) &&
      matches(sourceFilter.value, item.site) && inSection(item) && inDates(item) && hasText(item);
  }

  function matches(wanted, value) { return !wanted || value === wanted; }

  function inSection(item) {
    if (sectionFilter.value === NO_SECTION) return !item.section;
    return matches(sectionFilter.value, item.section);
  }

  // `published` is an ISO date or date-time, or null: its first ten characters are the day, which
  // compares as text with a date field's value (YYYY-MM-DD). Undated items fall outside any range.
  function inDates(item) {
    var day = (item.published || "").slice(0, 10);
    if (dateFrom.value && !(day && day >= dateFrom.value)) return false;
    if (dateTo.value && !(day && day <= dateTo.value)) return false;
    return true;
  }

  function hasText(item) {
    var q = search.value.trim().toLowerCase();
    if (!q) return true;
    return [item.title, item.abstract, (item.authors || []).join(" "), item.site].join(" ").toLowerCase().indexOf(q) !== -1;
  }

  // -- the list --------------------------------------------------------------------------------

  function render() {
    var key = shown[current] && shown[current].key;
    shown = items.filter(visible);
    keepShownSelected();
    list.textContent = "";
    shown.forEach(function (item, index) { list.appendChild(row(item, index)); });
    empty.hidden = shown.length > 0;
    empty.textContent = nothingShown();
    var found = shown.findIndex(function (i) { return i.key === key; });
    current = Math.max(0, Math.min(found >= 0 ? found : current, shown.length - 1));
    highlight();
  }

  // Why the list is empty: the week is done, the filters hide everything, or nothing came in yet.
  function nothingShown() {
    if (!items.length) return "No candidates for this week yet: Collect, or import items with mlnews import.";
    var undecided = items.some(function (i) { return i.state === "new"; });
    if (stateFilter.value === "new" && !undecided && !search.value) {
      return "Every candidate of the week is decided. Write the issue next.";
    }
    return "No candidate matches these filters.";
  }

  function row(item, index) {
    var li = el("li");
    li.id = "item-" + index;  // not from the key: keys are the feeds' text
    li.dataset.key = item.key;
    li.setAttribute("role", "option");
    li.appendChild(el("span", "score", item.score.toFixed(3)));
    li.appendChild(el("span", "title", titled(item)));
    li.appendChild(el("span", "state", item.state));
    if (item.reasons && item.reasons.length) li.appendChild(el("span", "why", item.reasons.join(" · ")));
    li.addEventListener("mousedown", function (event) { if (event.shiftKey) event.preventDefault(); });  // no text selection
    li.addEventListener("click", function (event) { clicked(event, index); });
    return li;
  }

  // The classes and ARIA states of every row: its decision, the cursor, the selection.
  function mark() {
    Array.prototype.forEach.call(list.children, function (li, index) {
      var item = shown[index], chosen = selected.has(item.key);
      li.className = item.state;
      li.querySelector(".state").textContent = item.state;
      li.classList.toggle("current", index === current);
      li.classList.toggle("selected", chosen);
      li.setAttribute("aria-selected", chosen ? "true" : "false");
      if (index === current) li.setAttribute("aria-current", "true");
      else li.removeAttribute("aria-current");
    });
    if (list.children[current]) list.setAttribute("aria-activedescendant", list.children[current].id);
    else list.removeAttribute("aria-activedescendant");
    showStatus();
  }

  function highlight() {
    mark();
    if (list.children[current]) list.children[current].scrollIntoView({block: "nearest"});
    showDetail(shown[current]);
  }

  function say(text) { message = text; showStatus(); }

  function showStatus() {
    var parts = [shown.length + " of " + items.length + " items"];
    if (selected.size) parts.push(selected.size + " selected");
    if (message) parts.push(message);
    status.textContent = parts.join(" · ");
  }

  function showDetail(item) {
    detail.textContent = "";
    if (!item) return;
    detail.appendChild(el("h2", "", titled(item)));
    var meta = el("p", "meta");
    (item.authors || []).slice(0, 6).forEach(function (name, index) {  // each its own: `i`/`e` take one
      if (index) meta.appendChild(document.createTextNode(", "));
      meta.appendChild(el("span", "author", name));
    });
    var rest = [item.site, item.published].filter(Boolean).join(" · ");
    if (rest) meta.appendChild(document.createTextNode((meta.childNodes.length ? " · " : "") + rest));
    detail.appendChild(meta);
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
      .catch(function (e) { say(e.message); });
  }

  function move(by) {
    if (!shown.length) return;
    current = Math.max(0, Math.min(current + by, shown.length - 1));
    highlight();
  }

  // -- the selection ---------------------------------------------------------------------------

  function select(index) { if (shown[index]) selected.add(shown[index].key); }

  function toggle(index) {
    var item = shown[index];
    if (!item) return;
    if (selected.has(item.key)) selected.delete(item.key);
    else selected.add(item.key);
    mark();
  }

  // J/K: the row left and the row reached are both selected (space unselects one).
  function extend(by) {
    select(current);
    move(by);
    select(current);
    mark();
  }

  function selectAll() {
    shown.forEach(function (item) { selected.add(item.key); });
    mark();
  }

  function clearSelection() {
    selected.clear();
    mark();
  }

  // A decision never reaches a row the curator cannot see: hidden rows leave the selection.
  function keepShownSelected() {
    var keys = new Set(shown.map(function (i) { return i.key; }));
    selected.forEach(function (key) { if (!keys.has(key)) selected.delete(key); });
  }

  function clicked(event, index) {
    if (event.shiftKey) {
      for (var i = Math.min(current, index); i <= Math.max(current, index); i++) select(i);
    } else if (event.ctrlKey || event.metaKey) {
      toggle(index);
    }
    current = index;
    highlight();
  }

  // -- decisions -------------------------------------------------------------------------------

  function send(path, body) {
    var done = queue.then(function () { return post(path, body); });
    queue = done.catch(function () {});
    return done;
  }

  // The selected rows, or else the current one. The cursor moves on at once, before the answer,
  // so that keys typed quickly each reach the row they were typed on.
  function decide(state, section) {
    var bulk = selected.size > 0;
    var chosen = bulk ? shown.filter(function (i) { return selected.has(i.key); }) : shown.slice(current, current + 1);
    if (!chosen.length) return;
    var keep = state === "shortlisted" || state === "featured";
    var body = {keys: chosen.map(function (i) { return i.key; }), state: state, week: week, section: section || sectionBox.value};
    if (bulk) current = shown.indexOf(chosen[chosen.length - 1]);
    selected.clear();
    move(1);
    send("/api/decisions", body).then(function () {
      chosen.forEach(function (item) {
        item.state = state; item.section = keep ? body.section : null; item.week = keep ? week : null;
      });
      mark();
      say((chosen.length === 1 ? chosen[0].title : chosen.length + " items") + ": " + state);
      later();
    }, function (e) {
      if (bulk) chosen.forEach(function (item) { selected.add(item.key); });
      say("Not saved: " + e.message);
    });
  }

  var reload = null;
  function later() {  // the ranker retrains in the background: read the new order a moment later
    clearTimeout(reload);
    reload = setTimeout(load, 1500);
  }

  function undo() {
    send("/api/undo", {}).then(function (data) {
      say("Undone: " + (data.keys.length === 1 ? "1 item" : data.keys.length + " items"));
      load();
      later();  // an undone item comes back into the ranking once the ranker has retrained
    }, function (e) { say(e.message); });
  }

  // -- rules -----------------------------------------------------------------------------------

  // The text selected in the page: a word or phrase of a title or abstract, or an author (any
  // part of an author's name in the detail stands for the whole name).
  function selectedRule() {
    var selection = window.getSelection();
    var text = selection ? selection.toString().replace(/\s+/g, " ").trim() : "";
    text = text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    if (!text) return "";
    var node = selection.anchorNode;
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    var author = element && element.closest(".author");
    return author ? "author:" + author.textContent : text;
  }

  // `i` pins (include) what is selected, `e` hides (exclude) it: the rule goes to mlnews.toml as
  // `mlnews rules include/exclude` would write it, and the week is ranked again under it.
  function rule(which) {
    var text = selectedRule();
    if (!text) { say("Select a word or phrase, or an author's name, then press " + which[0]); return; }
    send("/api/rules", {list: which, rule: text}).then(function (data) {
      window.getSelection().removeAllRanges();
      say(data.message);
      if (data.changed) load();
    }, function (e) { say("Not saved: " + e.message); });
  }

  // -- keys ------------------------------------------------------------------------------------

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function command(key) {
    var sections = Array.prototype.map.call(sectionBox.options, function (o) { return o.value; });
    switch (key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "J": extend(1); break;
      case "K": extend(-1); break;
      case " ": toggle(current); break;
      case "a": case "*": selectAll(); break;
      case "Escape": clearSelection(); break;
      case "s": decide("shortlisted"); break;
      case "f": decide("featured"); break;
      case "x": decide("rejected"); break;
      case "u": undo(); break;
      case "i": rule("include"); break;
      case "e": rule("exclude"); break;
      case "m": moreLike(); break;
      case "o": if (shown[current] && /^https?:\/\//.test(shown[current].url || "")) window.open(shown[current].url, "_blank", "noopener"); break;
      case "/": search.focus(); break;
      default:
        if (!/^[1-9]$/.test(key) || !sections[Number(key) - 1]) return false;
        decide("shortlisted", sections[Number(key) - 1]);
    }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (typing(event.target)) {
      // Escape or Enter in a field hands the keys back to the list.
      if (event.target.tagName === "INPUT" && (event.key === "Escape" || event.key === "Enter")) {
        event.target.blur(); event.preventDefault();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (command(event.key)) event.preventDefault();
  });
  filters.addEventListener("submit", function (event) { event.preventDefault(); });  // the filters apply as typed
  [search, dateFrom, dateTo].forEach(function (field) { field.addEventListener("input", render); });
  [stateFilter, kindFilter, sourceFilter, sectionFilter].forEach(function (box) { box.addEventListener("change", render); });
  fillSections();
  // Collect runs as `mlnews collect` would; the new items join the ranking once it is done.
  var work = window.mlnews.jobs(document.getElementById("job"), function (job) {
    say(job.command + " " + job.state);
    later();
  });
  document.getElementById("collect").addEventListener("click", function () {
    work.run("collect").catch(function (e) { say(e.message); });
  });
  work.resume();
  load();
})();
