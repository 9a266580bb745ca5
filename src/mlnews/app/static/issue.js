// The issue view: every entry's headline, summary and post, in the language chosen, saved to
// the issue file on blur. The file's version goes with each edit: a file changed meanwhile on
// disk is never overwritten; the page shows it instead. Text only, never markup.
(function () {
  "use strict";
  var el = window.mlnews.el, post = window.mlnews.post, get = window.mlnews.get;
  var period = document.querySelector('meta[name="period"]').content;
  var root = document.getElementById("sections");
  var status = document.getElementById("status");
  var langBox = document.getElementById("lang");
  var data = null;
  var editing = 0;  // fields with unsaved changes

  function load() {
    return get("/api/issues/" + encodeURIComponent(period))
      .then(function (fresh) { data = fresh; render(); })
      .catch(function (e) { status.textContent = e.message; });
  }

  function render() {
    if (!langBox.options.length) {
      data.languages.forEach(function (lang, i) {
        var option = el("option", "", lang);
        option.value = i === 0 ? "" : lang;
        langBox.appendChild(option);
      });
    }
    var lang = langBox.value;
    root.textContent = "";
    data.sections.forEach(function (section) {
      var box = el("section", "entries");
      box.appendChild(el("h2", "", section.name));
      section.entries.forEach(function (entry) {
        var article = el("article", "entry");
        article.dataset.key = entry.key;
        article.appendChild(el("p", "title", entry.title));
        var texts = entry.texts[lang] || {};
        ["headline", "summary", "post"].forEach(function (field) {
          var label = el("label", "field", field + " ");
          var input = field === "summary" ? el("textarea") : el("input");
          input.name = field;
          input.lang = lang || data.languages[0];  // the right fonts and spelling for the text's language
          input.value = texts[field] || "";
          input.dataset.saved = input.value;
          input.addEventListener("input", function () { editing += input.dataset.dirty ? 0 : 1; input.dataset.dirty = "1"; });
          input.addEventListener("blur", function () { save(entry.key, field, input); });
          label.appendChild(input);
          article.appendChild(label);
        });
        Object.keys(entry.flags || {}).forEach(function (field) {
          article.appendChild(el("p", "flag", field + " may be unfaithful: " + entry.flags[field]));
        });
        box.appendChild(article);
      });
      root.appendChild(box);
    });
    status.textContent = "Version " + data.version;
  }

  function save(key, field, input) {
    if (!input.dataset.dirty) return;
    delete input.dataset.dirty;
    editing = Math.max(0, editing - 1);
    var body = {key: key, field: field, value: input.value, version: data.version, lang: langBox.value || null};
    post("/api/issues/" + encodeURIComponent(period) + "/edits", body).then(function (d) {
      data.version = d.version;
      status.textContent = "Saved " + key + " " + field + " (version " + d.version + ")";
    }).catch(function (e) {
      status.textContent = "Not saved: " + e.message;
      if (e.status === 409) load().then(function () { status.textContent = "Not saved: " + e.message; });
    });
  }

  function poll() {  // an edit in an editor shows here, unless the curator is typing
    if (editing || !data) return;
    get("/api/issues/" + encodeURIComponent(period))
      .then(function (fresh) {
        if (fresh.version && fresh.version !== data.version && !editing) { data = fresh; render(); status.textContent = "The file changed on disk: shown as it is now"; }
      });
  }

  langBox.addEventListener("change", render);
  load();
  setInterval(poll, 1000);
})();
