/* The assessment workspace: save states, conditional questions, evidence upload with progress.
   Everything else (saving, conflicts, scores) is htmx talking to the server. */
(function () {
  "use strict";

  function stateOf(form) {
    return document.getElementById("state-" + form.dataset.code);
  }
  // The answer form a request belongs to: its own, or that of the question whose conflict panel
  // holds the button ("Keep my answer").
  function formOf(elt) {
    if (!elt || !elt.closest || elt.closest(".evidence, .comments")) return null;
    var question = elt.closest(".question");
    return elt.closest(".answer-form") || (question && question.querySelector(".answer-form"));
  }

  // "Saving…" while a request is in flight; a visible failure (with the input kept) when the
  // network fails, so that nothing typed is lost silently.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = formOf(e.detail.elt);
    if (form && stateOf(form)) { stateOf(form).textContent = "Saving…"; stateOf(form).dataset.state = "saving"; }
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = formOf(e.detail.elt);
    if (!form || !stateOf(form)) return;
    var status = e.detail.xhr ? e.detail.xhr.status : 0;
    var el = stateOf(form);
    el.dataset.state = status === 200 ? (el.querySelector(".incomplete") ? "incomplete" : "saved")
      : status === 409 ? "conflict" : "failed";
  });
  function failed(e) {
    var form = formOf(e.detail.elt);
    if (!form || !stateOf(form)) return;
    var el = stateOf(form);
    el.dataset.state = "failed";
    el.innerHTML = "";
    var strong = document.createElement("strong");
    strong.className = "error";
    strong.textContent = "Not saved: no connection. Your answer is kept here. ";
    var retry = document.createElement("button");
    retry.type = "button"; retry.className = "secondary outline retry"; retry.textContent = "Retry";
    retry.addEventListener("click", function () { htmx.trigger(form, "change"); });
    el.appendChild(strong); el.appendChild(retry);
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);

  // Conditional questions appear and disappear as the answers they depend on change.
  function applyVisibility(root) {
    (root || document).querySelectorAll(".visibility-signal").forEach(function (signal) {
      var question = document.getElementById("question-" + signal.dataset.code);
      if (question) question.hidden = signal.dataset.applies !== "1";
    });
  }
  document.addEventListener("htmx:oobAfterSwap", function () { applyVisibility(); });
  document.addEventListener("htmx:afterSettle", function () { applyVisibility(); });

  // Mirror the change reason into the plain (non-htmx) forms of the page.
  document.addEventListener("submit", function (e) {
    var reason = document.getElementById("change-reason");
    if (!reason) return;
    e.target.querySelectorAll(".mirror-reason").forEach(function (input) { input.value = reason.value; });
  });

  // An evidence list that came back (upload or removal) carries the question's state and the
  // panel of what blocks submission: evidence may lift a blocker, removing it may bring one back.
  function refreshFromEvidence(list, code) {
    var stateRefresh = list.querySelector(".state-refresh");
    var state = document.getElementById("state-" + code);
    if (stateRefresh && state) {
      if (stateRefresh.innerHTML.trim()) {
        state.innerHTML = stateRefresh.innerHTML;
        state.dataset.state = stateRefresh.dataset.incomplete ? "incomplete" : "saved";
      }
      stateRefresh.remove();
    }
    var refresh = list.querySelector(".blockers-refresh");
    if (refresh) {
      var current = document.getElementById("blockers");
      var fresh = refresh.querySelector("section");
      if (current && fresh && current !== fresh) current.replaceWith(fresh);
      refresh.remove();
    }
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail.target;
    if (target && target.id && target.id.indexOf("evidence-") === 0) {
      refreshFromEvidence(target, target.id.slice("evidence-".length));
    }
  });

  // The evidence list of a question as the server sent it back (an upload, online or sent
  // later from the offline queue).
  function showEvidence(code, html) {
    var list = document.getElementById("evidence-" + code);
    if (!list) return;
    list.innerHTML = html;
    if (window.htmx) htmx.process(list);  // its remove buttons post through htmx
    // The upload created the (empty) answer of a question not answered yet: take its version,
    // so that answering it next is not refused as a conflict with this very upload.
    var created = list.querySelector(".evidence-answer-version");
    var version = document.getElementById("version-" + code);
    if (created && version && version.value === "0") version.value = created.dataset.version;
    refreshFromEvidence(list, code);
  }
  document.addEventListener("workspace:evidence", function (e) { showEvidence(e.detail.code, e.detail.html); });

  // Evidence: drag and drop or choose files; upload with a progress bar. Offline, or when the
  // upload fails for want of a connection, the files wait in the page (offline.js); each file
  // carries an id of its own, so that sending it again never stores it twice.
  function upload(zone, files) {
    if (!files || !files.length) return;
    var offline = window.workspaceOffline;
    files = Array.prototype.slice.call(files);
    if (offline && offline.holdsUploads()) { offline.queueUpload(zone, files); return; }
    var ids = files.map(function () { return offline ? offline.newUploadId() : ""; });
    var data = new FormData();
    files.forEach(function (f, i) {
      data.append("file", f);
      if (ids[i]) data.append("upload_id", ids[i]);
    });
    var reason = document.getElementById("change-reason");
    if (reason) data.append("reason", reason.value);
    var bar = zone.querySelector(".upload-progress");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", zone.dataset.uploadUrl);
    var token = document.querySelector("[name=csrfmiddlewaretoken]") || null;
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    xhr.setRequestHeader("X-CSRFToken", headers["X-CSRFToken"] || (token && token.value) || "");
    xhr.setRequestHeader("HX-Request", "true");
    bar.hidden = false; bar.value = 0;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
    });
    xhr.addEventListener("load", function () {
      bar.hidden = true;
      showEvidence(zone.dataset.code, xhr.responseText);
      if (offline) offline.evidenceSaved();
    });
    xhr.addEventListener("error", function () {
      bar.hidden = true;
      if (offline && ids.every(Boolean)) { offline.queueUpload(zone, files, ids); return; }
      var list = document.getElementById("evidence-" + zone.dataset.code);
      var p = document.createElement("p"); p.className = "error"; p.setAttribute("role", "alert");
      p.textContent = "Upload failed: no connection. Try again."; list.prepend(p);
    });
    xhr.send(data);
  }
  document.addEventListener("change", function (e) {
    if (e.target.classList.contains("evidence-input")) {
      upload(e.target.closest(".dropzone"), e.target.files);
      e.target.value = "";
      e.stopPropagation();
    }
  }, true);
  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      var zone = e.target.closest && e.target.closest(".dropzone");
      if (zone) { e.preventDefault(); zone.classList.add("dragging"); }
    });
  });
  document.addEventListener("dragleave", function (e) {
    var zone = e.target.closest && e.target.closest(".dropzone");
    if (zone) zone.classList.remove("dragging");
  });
  document.addEventListener("drop", function (e) {
    var zone = e.target.closest && e.target.closest(".dropzone");
    if (!zone) return;
    e.preventDefault(); zone.classList.remove("dragging");
    upload(zone, e.dataTransfer.files);
  });
})();
