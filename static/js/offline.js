/* The assessment workspace without a connection.

   While offline, an answer (its value, comment and N/A justification), an evidence file and an
   answer in a comment thread wait in this browser (IndexedDB), for this user and this assessment
   only, and the page says how many are waiting. A service worker (/assessments/sw.js) keeps the page and its assets, so that a
   reload offline shows the page again, with what is waiting put back in place.

   When the connection is back they are sent one by one, in the order they were made, through
   the same requests as online: an answer with the version it was read at, so that an answer
   someone else changed meanwhile is refused (409) and shown as the usual conflict choice; an
   evidence file or a comment with the id chosen for it when it was queued, so that sending it
   twice stores it once. An answer sent twice is not saved twice either: the server takes a
   repeat of what it stores as done. Signing, submitting and raising a finding need the
   connection. */
(function () {
  "use strict";

  var status = document.getElementById("offline-state");
  if (!status || !window.indexedDB) return;
  var USER = status.dataset.user;
  var ASSESSMENT = status.dataset.assessment;
  var DB_NAME = "workspace-offline";
  var STORE = "changes";
  var items = [];          // what waits, oldest first (a copy of the store's, for this page)
  var sending = false;
  var loginNeeded = false;

  // --- the store --------------------------------------------------------------------------
  var opened = null;
  function db() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opened;
  }
  function transact(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function load() {
    return transact("readonly", function (store) { return store.getAll(); }).then(function (all) {
      items = (all || []).filter(function (item) {
        return item.user === USER && item.assessment === ASSESSMENT;
      }).sort(function (a, b) { return a.id - b.id; });
      return items;
    });
  }
  function save(item) {
    return transact("readwrite", function (store) { return store.put(item); }).then(function (id) {
      item.id = item.id || id;
      return load();
    });
  }
  function drop(item) {
    return transact("readwrite", function (store) { return store["delete"](item.id); }).then(load);
  }

  // --- what the page shows ----------------------------------------------------------------
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function render() {
    var waiting = items.filter(function (i) { return i.state !== "conflict"; }).length;
    var conflicts = items.length - waiting;
    var text = "";
    var state = "online";
    if (!navigator.onLine) {
      state = "offline";
      text = "Offline: " + plural(waiting, "change", "changes") + " waiting. " +
        (waiting ? "They are sent when the connection is back." : "Changes you make wait here until the connection is back.") +
        " Signing and submitting need the connection.";
    } else if (loginNeeded && waiting) {
      state = "login";
      text = plural(waiting, "change", "changes") + " waiting: your session has ended. Log in again on this device to send them.";
    } else if (sending && waiting) {
      state = "sending";
      text = "Sending " + plural(waiting, "waiting change", "waiting changes") + "…";
    } else if (waiting) {
      state = "waiting";
      text = plural(waiting, "change", "changes") + " waiting: not sent yet, tried again shortly.";
    }
    if (conflicts) {
      text += (text ? " " : "") + plural(conflicts, "answer", "answers") +
        " changed by someone else meanwhile: choose below which to keep.";
      if (state === "online") state = "conflict";
    }
    status.textContent = text;
    status.dataset.state = state;
    status.dataset.waiting = String(waiting);
    status.hidden = !text;
    markQuestions();
  }

  function formFor(code) {
    var question = document.getElementById("question-" + code);
    return question && question.querySelector(".answer-form");
  }

  function markQuestions() {
    document.querySelectorAll(".offline-waiting").forEach(function (list) { list.remove(); });
    items.forEach(function (item) {
      if (item.kind === "answer" && item.state !== "conflict") {
        var state = document.getElementById("state-" + item.code);
        if (state && state.dataset.state !== "queued") {
          state.textContent = "Waiting to be sent (no connection): kept on this device.";
          state.dataset.state = "queued";
        }
      } else if (item.kind === "evidence") {
        waitingLine(document.getElementById("evidence-" + item.code), "Evidence waiting to be sent for " + item.code,
          item.name + " (" + Math.max(1, Math.round(item.file.size / 1024)) + " kB): waiting to be sent.");
      } else if (item.kind === "comment") {
        var body = item.fields.filter(function (pair) { return pair[0] === "body"; })[0];
        waitingLine(document.getElementById("comments-" + item.code), "Comments waiting to be sent for " + item.code,
          "Your comment “" + (body ? body[1] : "") + "”: waiting to be sent.");
      }
    });
  }

  // A line under `place` (the question's evidence or comments) naming what waits to be sent.
  function waitingLine(place, label, text) {
    if (!place) return;
    var list = place.nextElementSibling && place.nextElementSibling.classList.contains("offline-waiting")
      ? place.nextElementSibling : null;
    if (!list) {
      list = document.createElement("ul");
      list.className = "offline-waiting";
      list.setAttribute("aria-label", label);
      place.after(list);
    }
    var line = document.createElement("li");
    line.textContent = text;
    list.appendChild(line);
  }

  // Signing, submitting and raising a finding are made online only: offline their buttons say so.
  function guardOnlineForms() {
    var offline = !navigator.onLine;
    document.querySelectorAll(".status-actions form, .raise-finding form").forEach(function (form) {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
        if (offline && !button.disabled) {
          button.disabled = true;
          button.dataset.offlineDisabled = "1";
          button.title = "Needs the connection";
        } else if (!offline && button.dataset.offlineDisabled) {
          button.disabled = false;
          delete button.dataset.offlineDisabled;
          button.removeAttribute("title");
        }
      });
    });
  }
  document.addEventListener("submit", function (e) {
    if (!navigator.onLine && e.target.closest && e.target.closest(".status-actions, .raise-finding")) {
      e.preventDefault();
    }
  }, true);

  // Logging out with changes still waiting: they stay on this device for this user's next log-in
  // here, and are not sent before; say so first.
  document.addEventListener("submit", function (e) {
    if (!e.target.matches || !e.target.matches("[data-forgets-offline-pages]") || !items.length) return;
    var question = plural(items.length, "change is", "changes are") + " still waiting on this device. " +
      "They are sent the next time you log in here. Log out anyway?";
    if (!window.confirm(question)) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);

  // --- queueing ---------------------------------------------------------------------------
  function reason() {
    var box = document.getElementById("change-reason");
    return box ? box.value : "";
  }

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "version" && typeof value === "string") fields.push([name, value]);
    });
    fields.push(["reason", reason()]);
    return fields;
  }

  // An answer waits once: a later change of the same question replaces what waits, and keeps
  // the place in the order and the version first read (the one the server must still hold).
  function queueAnswer(form) {
    var code = form.dataset.code;
    var earlier = items.filter(function (i) { return i.kind === "answer" && i.code === code; })[0];
    var version = document.getElementById("version-" + code);
    var item = earlier || {
      kind: "answer", user: USER, assessment: ASSESSMENT, code: code,
      url: form.getAttribute("hx-post"), version: version ? version.value : "0",
    };
    item.fields = fieldsOf(form);
    item.state = "waiting";
    item.queuedAt = new Date().toISOString();
    var state = document.getElementById("state-" + code);
    if (state) delete state.dataset.state;
    return save(item).then(function () {
      render();
      if (navigator.onLine) retryLater();  // the network failed, not the browser's connection
    });
  }

  function newUploadId() {
    return window.crypto && crypto.randomUUID ? crypto.randomUUID() : "";
  }

  function queueUpload(zone, files, uploadIds) {
    var queued = Array.prototype.map.call(files, function (file, index) {
      return {
        kind: "evidence", user: USER, assessment: ASSESSMENT, code: zone.dataset.code,
        url: zone.dataset.uploadUrl, file: file, name: file.name || "photo.jpg",
        uploadId: (uploadIds && uploadIds[index]) || newUploadId(), reason: reason(),
        state: "waiting", queuedAt: new Date().toISOString(),
      };
    });
    return queued.reduce(function (done, item) {
      return done.then(function () { return save(item); });
    }, Promise.resolve()).then(function () {
      render();
      if (navigator.onLine) retryLater();
    });
  }

  function codeOfComments(form) {
    var section = form.closest(".comments");
    return section ? section.id.slice("comments-".length) : "";
  }

  // An answer (or a reviewer's comment) in a question's thread: it waits with the id chosen for
  // it, and the box is emptied as when it is posted.
  function queueComment(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "client_id") fields.push([name, value]);
    });
    var item = {
      kind: "comment", user: USER, assessment: ASSESSMENT, code: codeOfComments(form),
      url: form.getAttribute("hx-post"), fields: fields, clientId: form.dataset.clientId || newUploadId(),
      state: "waiting", queuedAt: new Date().toISOString(),
    };
    delete form.dataset.clientId;
    form.reset();
    return save(item).then(function () {
      render();
      if (navigator.onLine) retryLater();
    });
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.detail.elt;
    if (!form || !form.classList || !form.classList.contains("comment-form") || navigator.onLine) return;
    e.preventDefault();
    queueComment(form);
  });
  // Online too, a comment carries its id: if the reply is lost, it waits and is sent again once.
  document.addEventListener("htmx:configRequest", function (e) {
    var form = e.detail.elt;
    if (!form || !form.classList || !form.classList.contains("comment-form")) return;
    form.dataset.clientId = form.dataset.clientId || newUploadId();
    if (form.dataset.clientId) e.detail.parameters.client_id = form.dataset.clientId;
  });
  document.addEventListener("htmx:sendError", function (e) {
    var form = e.detail.elt;
    if (form && form.classList && form.classList.contains("comment-form")) queueComment(form);
  });

  function hasWaitingAnswer(code) {
    return items.some(function (i) { return i.kind === "answer" && i.code === code && i.state !== "conflict"; });
  }

  // An answer saved while offline (or while earlier changes of it still wait) joins the queue
  // instead of going to the network.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.detail.elt;
    if (!form || !form.classList || !form.classList.contains("answer-form")) return;
    if (navigator.onLine && !hasWaitingAnswer(form.dataset.code)) return;
    e.preventDefault();
    queueAnswer(form);
  });
  // The network failed although the browser thought it was online: queue it all the same.
  document.addEventListener("htmx:sendError", function (e) {
    var form = e.detail.elt;
    if (form && form.classList && form.classList.contains("answer-form")) queueAnswer(form);
  });
  // Saved online: a conflict that waited for the user's choice is settled (kept or replaced).
  document.addEventListener("htmx:afterRequest", function (e) {
    var xhr = e.detail.xhr;
    if (!xhr || xhr.status !== 200 || !e.detail.elt.closest) return;
    var question = e.detail.elt.closest(".question");
    if (!question || e.detail.elt.closest(".evidence, .comments")) return;
    var settled = items.filter(function (i) {
      return i.kind === "answer" && i.code === question.dataset.code && i.state === "conflict";
    });
    settled.reduce(function (done, item) {
      return done.then(function () { return drop(item); });
    }, Promise.resolve()).then(render);
    keepPageFresh();
  });
  // "Take theirs (reload)": the waiting answer is given up for the one stored.
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest(".conflict-panel a[href]");
    if (!link) return;
    var question = link.closest(".question");
    var mine = items.filter(function (i) {
      return i.kind === "answer" && question && i.code === question.dataset.code;
    });
    if (!mine.length) return;
    e.preventDefault();
    mine.reduce(function (done, item) {
      return done.then(function () { return drop(item); });
    }, Promise.resolve()).then(function () { window.location.href = link.href; });
  });

  // --- putting back what waits after a reload ------------------------------------------------
  function restoreAnswer(item) {
    var form = formFor(item.code);
    if (!form) return;
    var values = {};
    item.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    form.querySelectorAll("input, textarea, select").forEach(function (input) {
      if (!input.name || input.name === "version" || input.type === "file") return;
      var sent = values[input.name] || [];
      if (input.type === "radio" || input.type === "checkbox") input.checked = sent.indexOf(input.value) !== -1;
      else input.value = sent.length ? sent[0] : "";
    });
    var version = document.getElementById("version-" + item.code);
    if (version) version.value = item.version;
  }

  // --- sending ------------------------------------------------------------------------------
  function headers() {
    var fromBody = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    var token = document.querySelector("[name=csrfmiddlewaretoken]");
    return { "X-CSRFToken": fromBody["X-CSRFToken"] || (token && token.value) || "", "HX-Request": "true" };
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST", body: data, headers: headers(), credentials: "same-origin", redirect: "manual",
    });
  }

  // true: done with this item (saved, or answered with something the user now sees); false:
  // stop and try again later (no connection, a server error, the session ended).
  function outcome(response) {
    if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
      loginNeeded = true;
      return null;
    }
    loginNeeded = false;
    if (response.status === 200 || response.status === 400 || response.status === 409) return response.text();
    if (response.status === 404) return "";
    return null;
  }

  function sendAnswer(item) {
    var data = new FormData();
    item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    data.set("version", item.version);
    return post(item.url, data).then(function (response) {
      var body = outcome(response);
      if (body === null) return false;
      return Promise.resolve(body).then(function (html) {
        var state = document.getElementById("state-" + item.code);
        if (state && html && window.htmx) {
          htmx.swap(state, html, { swapStyle: "innerHTML" });
          state.dataset.state = response.status === 200
            ? (state.querySelector(".incomplete") ? "incomplete" : "saved")
            : response.status === 409 ? "conflict" : "failed";
        }
        var panel = document.getElementById("conflict-" + item.code);
        var conflict = response.status === 409 && panel && panel.querySelector(".conflict");
        return load().then(function () {
          var now = items.filter(function (i) { return i.id === item.id; })[0];
          if (now && now.queuedAt !== item.queuedAt) {
            // Changed again while it was being sent: the newer one waits, at the version the
            // server has now (its own save's, not a conflict with it).
            if (response.status === 200) {
              var version = document.getElementById("version-" + item.code);
              if (version) now.version = version.value;
            }
            return save(now);
          }
          if (conflict) {
            item.state = "conflict";  // waits for the user's choice, in the panel
            return save(item);
          }
          return drop(item);
        }).then(function () { return true; });
      });
    });
  }

  function sendEvidence(item) {
    var data = new FormData();
    data.append("file", item.file, item.name);
    data.append("reason", item.reason || "");
    if (item.uploadId) data.append("upload_id", item.uploadId);
    return post(item.url, data).then(function (response) {
      var body = outcome(response);
      if (body === null) return false;
      return Promise.resolve(body).then(function (html) {
        if (html) {
          document.dispatchEvent(new CustomEvent("workspace:evidence", { detail: { code: item.code, html: html } }));
        }
        // The upload created the answer of a question not answered yet: an answer of it still
        // waiting was read before that, at version 0; it is sent at the new version.
        var created = document.querySelector("#evidence-" + CSS.escape(item.code) + " .evidence-answer-version");
        var pending = items.filter(function (i) {
          return i.kind === "answer" && i.code === item.code && i.version === "0";
        })[0];
        var next = drop(item);
        if (created && pending) {
          pending.version = created.dataset.version;
          next = next.then(function () { return save(pending); });
        }
        return next.then(function () { return true; });
      });
    });
  }

  function sendComment(item) {
    var data = new FormData();
    item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    if (item.clientId) data.append("client_id", item.clientId);
    return post(item.url, data).then(function (response) {
      function show(html) {
        var section = document.getElementById("comments-" + item.code);
        if (section && html && window.htmx) htmx.swap(section, html, { swapStyle: "innerHTML" });
        return drop(item).then(function () { return true; });
      }
      if (response.status !== 403) {
        var body = outcome(response);
        return body === null ? false : Promise.resolve(body).then(show);
      }
      // A 403 is the thread's refusal, shown in it, unless the session's token was refused.
      return response.text().then(function (text) {
        if (text.indexOf("CSRF") !== -1) { loginNeeded = true; return false; }
        loginNeeded = false;
        return show(text);
      });
    });
  }

  function replay() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    render();
    function next() {
      var item = items.filter(function (i) { return i.state === "waiting"; })[0];
      if (!item || !navigator.onLine) return Promise.resolve();
      var send = item.kind === "answer" ? sendAnswer(item) : item.kind === "comment" ? sendComment(item) : sendEvidence(item);
      return send.then(function (done) { return done ? next() : null; }, function () { return null; });
    }
    return load().then(next).then(function () {
      sending = false;
      render();
      if (items.some(function (i) { return i.state === "waiting"; })) retryLater();
    }, function () { sending = false; render(); retryLater(); });
  }

  var retry = null;
  function retryLater() {
    if (retry) return;
    retry = setTimeout(function () { retry = null; replay(); }, 30000);
  }

  // The kept copy of this page follows what was saved, so that a reload offline shows it (and
  // the versions it was saved at). Once a few seconds after the last save, not at every one.
  var refresh = null;
  function keepPageFresh() {
    if (!window.caches || !navigator.serviceWorker || !navigator.serviceWorker.controller) return;
    clearTimeout(refresh);
    refresh = setTimeout(function () {
      if (!navigator.onLine) return;
      caches.open("workspace-pages").then(function (cache) {
        return cache.add(window.location.href.split("#")[0]);
      })["catch"](function () { /* kept copy stays as it was */ });
    }, 4000);
  }

  // --- the page's life ----------------------------------------------------------------------
  window.addEventListener("online", function () { guardOnlineForms(); render(); replay(); });
  window.addEventListener("offline", function () { guardOnlineForms(); render(); });

  window.workspaceOffline = {
    /** Whether an upload should wait here instead of going to the network now. */
    holdsUploads: function () { return !navigator.onLine; },
    queueUpload: queueUpload,
    newUploadId: newUploadId,
    evidenceSaved: keepPageFresh,
  };

  function start() {
    guardOnlineForms();
    load().then(function () {
      // A conflict left unsettled before the reload is sent again, to show its choice again.
      var reopened = items.filter(function (i) { return i.state === "conflict"; });
      reopened.forEach(function (i) { i.state = "waiting"; });
      items.forEach(function (i) { if (i.kind === "answer") restoreAnswer(i); });
      render();
      return Promise.all(reopened.map(function (i) { return save(i); }));
    }).then(function () { if (navigator.onLine) replay(); }, render);

    if (navigator.serviceWorker && status.dataset.worker) {
      navigator.serviceWorker.register(status.dataset.worker, { scope: status.dataset.scope }).then(function () {
        // A first visit is not served through the worker yet: keep this page now.
        if (!navigator.serviceWorker.controller && window.caches) {
          caches.open("workspace-pages").then(function (cache) {
            return cache.add(window.location.href.split("#")[0]);
          })["catch"](function () { /* kept at the next visit */ });
        }
      })["catch"](function () { /* the page works online without it */ });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
