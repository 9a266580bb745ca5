// The issue view: the intro and every entry's headline, summary and post, in the language
// chosen, saved to the issue file on blur (in a language a text is not written in, its
// translation, with the text as written shown beside it); the picks; entries moved within and across sections,
// removed and put back; the issue as published,
// in each language, beside it; compose, check, build and publish from here. The file's
// version goes with each change: a file changed meanwhile on disk is never overwritten; the
// page shows it instead. Text only, never markup.
(function () {
  "use strict";
  var el = window.mlnews.el, post = window.mlnews.post, get = window.mlnews.get;
  var period = document.querySelector('meta[name="period"]').content;
  var api = "/api/issues/" + encodeURIComponent(period);
  var root = document.getElementById("sections");
  var status = document.getElementById("status");
  var langBox = document.getElementById("lang");
  var frame = document.getElementById("preview");
  var previewLangs = document.getElementById("preview-langs");
  var data = null;
  var editing = 0;  // fields with unsaved changes
  var previewLang = null;
  var INTRO = "";  // the key the app takes for the intro

  function load() {
    return get(api)
      .then(function (fresh) { data = fresh; render(); preview(); })
      .catch(function (e) {
        status.textContent = e.status === 404 ? e.message : "Could not read the issue: " + e.message;
      });
  }

  function render() {
    if (!langBox.options.length) {
      data.languages.forEach(function (lang) {
        var option = el("option", "", lang);
        option.value = lang;
        langBox.appendChild(option);
      });
    }
    var focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("[data-key]");
    var refocus = focused ? [focused.dataset.key, document.activeElement.name] : null;
    root.textContent = "";
    root.appendChild(intro());
    root.appendChild(picks());
    data.sections.forEach(function (section) {
      var box = el("section", "entries");
      box.dataset.section = section.id;
      box.appendChild(el("h2", "", section.name));
      if (!section.entries.length) box.appendChild(el("p", "empty", "No entries"));
      section.entries.forEach(function (entry, index) {
        box.appendChild(article(entry, section, index));
      });
      root.appendChild(box);
    });
    if (refocus) {
      var again = root.querySelector('[data-key="' + CSS.escape(refocus[0]) + '"] [name="' + refocus[1] + '"]');
      if (again) again.focus();
    }
    status.textContent = "Version " + data.version;
  }

  function article(entry, section, index) {
    var node = el("article", "entry");
    node.dataset.key = entry.key;
    node.appendChild(el("p", "title", entry.title));
    node.appendChild(controls(entry, section, index));
    fields(node, entry.key, entry.texts, ["headline", "summary", "post"], entry.lang);
    return node;
  }

  // The intro: the curator's own words after the standard opening, and their translations.
  function intro() {
    var node = el("section", "entry intro");
    node.dataset.key = INTRO;
    node.appendChild(el("h2", "", "Intro"));
    fields(node, INTRO, data.intro, ["summary"], data.written,
      {label: "intro", placeholder: "your words, after the standard opening"});
    return node;
  }

  // The texts of an entry (or the intro) in the language chosen, each saved on blur, with its
  // flags and stale notices. `own`: the language the texts are written in; in any other, the
  // fields are their translation, and the text as written is shown beside each (a curator
  // translating by hand reads it there). `hint` (the intro's): a label and a placeholder.
  function fields(node, key, byLang, names, own, hint) {
    var lang = langBox.value === own ? null : langBox.value;  // null: the text as written
    var texts = (lang ? byLang[lang] : byLang[""]) || {};
    var written = byLang[""] || {};
    names.forEach(function (field) {
      var label = el("label", "field", (hint ? hint.label : field) + " ");
      var input = field === "summary" ? el("textarea") : el("input");
      input.name = field;
      input.lang = lang || own;  // the right fonts and spelling for the text's language
      input.value = texts[field] || "";
      if (hint) input.placeholder = hint.placeholder;
      input.addEventListener("input", function () { editing += input.dataset.dirty ? 0 : 1; input.dataset.dirty = "1"; });
      input.addEventListener("blur", function () { save(key, field, input, lang); });
      label.appendChild(input);
      node.appendChild(label);
      if (lang && written[field]) {
        var source = el("p", "source-text");
        source.dataset.field = field;
        source.appendChild(el("span", "source-lang", own + ": "));
        var said = el("span", "", written[field]);
        said.lang = own;
        source.appendChild(said);
        node.appendChild(source);
      }
    });
    var what = key === INTRO ? "the intro" : "";
    // A flag lapses when its text is edited; "keep as written" is the curator's word that it is right.
    Object.keys(texts.flags || {}).forEach(function (field) {
      node.appendChild(notice("flag", (what || field) + " is flagged: " + texts.flags[field], "Keep as written",
        {key: key, field: field, action: "keep", lang: lang}));
    });
    (texts.stale || []).forEach(function (field) {
      node.appendChild(notice("stale", (what || "the " + field) + " changed since it was translated", "Mark current",
        {key: key, field: field, action: "current", lang: lang}));
    });
  }

  // The editor's picks, in order: moved up and down, unpicked; an entry is picked from its controls.
  function picks() {
    var node = el("section", "picks");
    node.appendChild(el("h2", "", "Editor's picks"));
    var titles = {};
    data.sections.forEach(function (s) { s.entries.forEach(function (e) { titles[e.key] = e.title; }); });
    if (!data.picks.length) node.appendChild(el("p", "empty", "None yet: pick entries below"));
    var list = el("ol");
    data.picks.forEach(function (key, index) {
      var item = el("li");
      item.dataset.key = key;
      item.appendChild(el("span", "", titles[key] || key));
      var tools = el("span", "tools");  // kept on one line, beside the title
      tools.appendChild(button("↑", "Earlier", index === 0, function () { setPicks(swap(data.picks, index, index - 1)); }));
      tools.appendChild(button("↓", "Later", index === data.picks.length - 1, function () { setPicks(swap(data.picks, index, index + 1)); }));
      tools.appendChild(button("Unpick", "Not a pick", false, function () { setPicks(without(data.picks, key)); }));
      item.appendChild(tools);
      list.appendChild(item);
    });
    node.appendChild(list);
    return node;
  }

  function button(text, title, disabled, click) {
    var node = el("button", "", text);
    node.type = "button"; node.title = title; node.disabled = disabled;
    node.addEventListener("click", click);
    return node;
  }

  function swap(keys, a, b) {
    var copy = keys.slice();
    copy[a] = keys[b]; copy[b] = keys[a];
    return copy;
  }

  function without(keys, key) { return keys.filter(function (k) { return k !== key; }); }

  function notice(kind, text, label, review) {
    var p = el("p", kind, text + " ");
    p.appendChild(button(label, "", false, function () {
      serially(function () {
        return post(api + "/reviews", Object.assign({version: data.version}, review))
          .then(function (d) { changed(d, label + ": " + (review.key || "the intro") + " " + review.field); });
      });
    }));
    return p;
  }

  function controls(entry, section, index) {
    var box = el("div", "controls");
    var up = button("↑", "Move up", index === 0, function () { move(entry.key, section.id, index - 1); });
    var last = index === section.entries.length - 1;
    var down = button("↓", "Move down", last, function () { move(entry.key, section.id, index + 1); });
    up.name = "up"; down.name = "down";
    var label = el("label", "", "Section ");
    var select = el("select");
    select.name = "section";
    data.sections.forEach(function (other) {
      var option = el("option", "", other.name);
      option.value = other.id;
      option.selected = other.id === section.id;
      select.appendChild(option);
    });
    select.addEventListener("change", function () { move(entry.key, select.value, 1e6); });
    label.appendChild(select);
    box.appendChild(up); box.appendChild(down); box.appendChild(label);
    var picked = data.picks.indexOf(entry.key) >= 0;
    var pick = button(picked ? "★ Picked" : "☆ Pick", picked ? "Take it out of the editor's picks" : "Add it to the editor's picks", false,
      function () { setPicks(picked ? without(data.picks, entry.key) : data.picks.concat([entry.key])); });
    pick.name = "pick";
    pick.setAttribute("aria-pressed", String(picked));
    box.appendChild(pick);
    var remove = button("Remove", "Take it out of the issue (compose will not add it back)", false,
      function () { removeEntry(entry.key); });
    remove.name = "remove";
    box.appendChild(remove);
    return box;
  }

  function changed(d, message) {
    data = d;
    render();
    status.textContent = message + " (version " + d.version + ")";
    preview();
  }

  function refused(e) {
    status.textContent = "Not saved: " + e.message;
    if (e.status === 409) load().then(function () { status.textContent = "Not saved: " + e.message; });
  }

  // Changes go one after another, each on the version the one before it made: a move right
  // after an edit (the field loses focus to the button) must not be refused as stale.
  var queue = Promise.resolve();
  function serially(send) {
    queue = queue.then(send).catch(refused);
    return queue;
  }

  function save(key, field, input, lang) {
    if (!input.dataset.dirty) return;
    delete input.dataset.dirty;
    var value = input.value;
    serially(function () {
      var body = {key: key, field: field, value: value, version: data.version, lang: lang};
      return post(api + "/edits", body).then(function (d) {
        editing = Math.max(0, editing - 1);
        data = d;  // the fields already show it: no redraw under the curator's cursor
        status.textContent = "Saved " + (key === INTRO ? "the intro" : key + " " + field) + " (version " + d.version + ")";
        preview();
      }, function (e) { editing = Math.max(0, editing - 1); throw e; });
    });
  }

  function move(key, section, position) {
    serially(function () {
      var body = {key: key, section: section, position: Math.max(0, position), version: data.version};
      return post(api + "/moves", body).then(function (d) { changed(d, "Moved " + key); });
    });
  }

  function setPicks(keys) {
    serially(function () {
      return post(api + "/picks", {keys: keys, version: data.version}).then(function (d) { changed(d, "Picks saved"); });
    });
  }

  function removeEntry(key) {
    serially(function () {
      return post(api + "/removals", {key: key, version: data.version}).then(function (d) {
        changed(d, "Removed " + key);
        // Put back where it was, with its texts: the app kept it.
        status.appendChild(button("Undo", "Put it back", false, function () {
          serially(function () {
            return post(api + "/restores", {key: key, version: data.version}).then(function (d) { changed(d, "Put back " + key); });
          });
        }));
      });
    });
  }

  function preview(lang) {
    if (lang) previewLang = lang;
    if (!data) return;
    previewLang = previewLang || data.languages[0];
    if (!previewLangs.children.length) {
      data.languages.forEach(function (code) {
        previewLangs.appendChild(button(code, "The issue in " + code, false, function () { preview(code); }));
      });
    }
    Array.prototype.forEach.call(previewLangs.children, function (b) {
      b.setAttribute("aria-pressed", String(b.textContent === previewLang));
    });
    var prefix = previewLang === data.languages[0] ? "" : previewLang + "/";
    frame.src = "/preview/" + prefix + encodeURIComponent(period) + "/?v=" + data.version;
  }

  function poll() {  // an edit in an editor shows here, unless the curator is typing
    if (editing) return;
    get(api).then(function (fresh) {
      if (!data || (fresh.version && fresh.version !== data.version && !editing)) {
        var first = !data;
        data = fresh; render(); preview();
        if (!first) status.textContent = "The file changed on disk: shown as it is now";
      }
    }).catch(function () {});
  }

  var work = window.mlnews.jobs(document.getElementById("job"), function (job) {
    status.textContent = job.command + " " + job.state + (job.code ? " (exit " + job.code + ")" : "");
    if (job.command === "compose") load();
    else preview();
  });
  function start(command, force) {
    work.run(command, period, force).catch(function (e) { status.textContent = e.message; });
  }
  document.getElementById("compose").addEventListener("click", function () { start("compose"); });
  document.getElementById("redraft").addEventListener("click", function () { start("compose", true); });
  document.getElementById("check").addEventListener("click", function () { start("check"); });
  document.getElementById("build").addEventListener("click", function () { start("build"); });
  document.getElementById("publish").addEventListener("click", function () { start("publish"); });

  document.addEventListener("keydown", function (event) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    var node = event.target.closest && event.target.closest("article.entry");
    if (!node || !data) return;
    var box = node.closest("section.entries");
    var index = Array.prototype.indexOf.call(box.querySelectorAll("article.entry"), node);
    if (event.target.dataset && event.target.dataset.dirty) event.target.blur();  // saved before it moves
    move(node.dataset.key, box.dataset.section, index + (event.key === "ArrowUp" ? -1 : 1));
    event.preventDefault();
  });
  // The issue as published in the language being edited: what the curator translates shows there.
  langBox.addEventListener("change", function () { render(); preview(langBox.value); });
  load();
  work.resume();
  setInterval(poll, 1000);
})();
