// The issue view: every entry's headline, summary and post, in the language chosen, saved to
// the issue file on blur; entries moved within and across sections; the issue as published,
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

  function load() {
    return get(api)
      .then(function (fresh) { data = fresh; render(); preview(); })
      .catch(function (e) {
        status.textContent = e.status === 404 ? e.message : "Could not read the issue: " + e.message;
      });
  }

  function render() {
    if (!langBox.options.length) {
      data.languages.forEach(function (lang, i) {
        var option = el("option", "", lang);
        option.value = i === 0 ? "" : lang;
        langBox.appendChild(option);
      });
    }
    var focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("article.entry");
    var refocus = focused ? [focused.dataset.key, document.activeElement.name] : null;
    root.textContent = "";
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
      var again = root.querySelector('article[data-key="' + CSS.escape(refocus[0]) + '"] [name="' + refocus[1] + '"]');
      if (again) again.focus();
    }
    status.textContent = "Version " + data.version;
  }

  function article(entry, section, index) {
    var lang = langBox.value;
    var node = el("article", "entry");
    node.dataset.key = entry.key;
    node.appendChild(el("p", "title", entry.title));
    node.appendChild(controls(entry, section, index));
    var texts = entry.texts[lang] || {};
    ["headline", "summary", "post"].forEach(function (field) {
      var label = el("label", "field", field + " ");
      var input = field === "summary" ? el("textarea") : el("input");
      input.name = field;
      input.lang = lang || data.languages[0];  // the right fonts and spelling for the text's language
      input.value = texts[field] || "";
      input.addEventListener("input", function () { editing += input.dataset.dirty ? 0 : 1; input.dataset.dirty = "1"; });
      input.addEventListener("blur", function () { save(entry.key, field, input); });
      label.appendChild(input);
      node.appendChild(label);
    });
    // A flag lapses when its text is edited; "keep as written" is the curator's word that it is right.
    Object.keys(texts.flags || {}).forEach(function (field) {
      node.appendChild(notice("flag", field + " may be unfaithful: " + texts.flags[field], "Keep as written",
        {key: entry.key, field: field, action: "keep", lang: lang || null}));
    });
    (texts.stale || []).forEach(function (field) {
      node.appendChild(notice("stale", "the " + field + " changed since it was translated", "Mark current",
        {key: entry.key, field: field, action: "current", lang: lang}));
    });
    return node;
  }

  function notice(kind, text, label, review) {
    var p = el("p", kind, text + " ");
    var button = el("button", "", label);
    button.type = "button";
    button.addEventListener("click", function () {
      serially(function () {
        return post(api + "/reviews", Object.assign({version: data.version}, review))
          .then(function (d) { changed(d, label + ": " + review.key + " " + review.field); });
      });
    });
    p.appendChild(button);
    return p;
  }

  function controls(entry, section, index) {
    var box = el("div", "controls");
    var up = el("button", "up", "↑");
    up.type = "button"; up.name = "up"; up.title = "Move up"; up.disabled = index === 0;
    up.addEventListener("click", function () { move(entry.key, section.id, index - 1); });
    var down = el("button", "down", "↓");
    down.type = "button"; down.name = "down"; down.title = "Move down"; down.disabled = index === section.entries.length - 1;
    down.addEventListener("click", function () { move(entry.key, section.id, index + 1); });
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

  function save(key, field, input) {
    if (!input.dataset.dirty) return;
    delete input.dataset.dirty;
    var value = input.value, lang = langBox.value || null;
    serially(function () {
      var body = {key: key, field: field, value: value, version: data.version, lang: lang};
      return post(api + "/edits", body).then(function (d) {
        editing = Math.max(0, editing - 1);
        data = d;  // the fields already show it: no redraw under the curator's cursor
        status.textContent = "Saved " + key + " " + field + " (version " + d.version + ")";
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

  function preview(lang) {
    if (lang) previewLang = lang;
    if (!data) return;
    previewLang = previewLang || data.languages[0];
    if (!previewLangs.children.length) {
      data.languages.forEach(function (code) {
        var button = el("button", "", code);
        button.type = "button";
        button.addEventListener("click", function () { preview(code); });
        previewLangs.appendChild(button);
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
  langBox.addEventListener("change", render);
  load();
  work.resume();
  setInterval(poll, 1000);
})();
