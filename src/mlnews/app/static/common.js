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

  // Long work (collect, compose, build, publish) runs on the app's side as the command a curator
  // would type; this shows it in `panel`: its progress, its last lines, a button to cancel it.
  // `done(job)` is called once it has ended.
  function jobs(panel, done) {
    var timer = null;

    function show(job) {
      panel.textContent = "";
      panel.hidden = false;
      panel.className = "job " + job.state;
      var head = el("p", "job-head");
      head.appendChild(el("code", "", job.line));
      head.appendChild(el("span", "job-state", job.state + " · " + job.seconds + " s"));
      panel.appendChild(head);
      if (job.step) {
        var bar = el("progress");
        bar.max = job.step.total || 1;
        if (job.step.total) bar.value = job.step.done; else bar.removeAttribute("value");
        bar.setAttribute("aria-label", job.step.what);
        panel.appendChild(bar);
        panel.appendChild(el("span", "job-step", job.step.what + " " + job.step.done + (job.step.total ? " of " + job.step.total : "")));
      }
      if (job.state === "running") {
        var stop = el("button", "", "Cancel");
        stop.type = "button";
        stop.addEventListener("click", function () { post("/api/jobs/" + job.id + "/cancel", {}).then(show); });
        panel.appendChild(stop);
      }
      if (job.output.length) panel.appendChild(el("pre", "job-output", job.output.join("\n")));
    }

    function follow(job) {
      show(job);
      clearTimeout(timer);
      if (job.state === "running" || job.state === "cancelling") {
        timer = setTimeout(function () { get("/api/jobs/" + job.id).then(follow); }, 300);
      } else if (done) {
        done(job);
      }
      return job;
    }

    return {
      run: function (command, period, force) {
        return post("/api/jobs", {command: command, period: period || null, force: !!force}).then(follow);
      },
      resume: function () {  // a page reloaded while a job runs shows it again
        return get("/api/jobs/latest").then(function (data) {
          if (data.job && data.job.state === "running") follow(data.job);
        });
      }
    };
  }

  return {el: el, get: get, post: post, jobs: jobs};
})();
