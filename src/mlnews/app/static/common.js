// What both pages of the app share: elements built from text only, and changes sent with the
// page's CSRF token (the app refuses any without it).
window.mlnews = (function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // A JSON answer, or an Error carrying the app's one-line reason and the HTTP status.
  function json(response) {
    return response.json().then(function (data) {
      if (!response.ok) {
        var error = new Error(data.detail || ("HTTP " + response.status));
        error.status = response.status;
        throw error;
      }
      return data;
    });
  }

  function get(path) { return fetch(path).then(json); }

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(body)
    }).then(json);
  }

  return {el: el, get: get, post: post};
})();
