/* Behaviour shared by the pages. The Content-Security-Policy allows no inline script or event
   handler attributes, so pages mark elements with data attributes and this file binds them. */
(function () {
  "use strict";

  // <button data-print>: print the page.
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-print]");
    if (button) window.print();
  });

  // <select data-submit-on-change>: a filter that applies as soon as it is chosen.
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-submit-on-change]") && e.target.form) {
      if (e.target.form.requestSubmit) e.target.form.requestSubmit();
      else e.target.form.submit();
    }
  });

  // <form data-forgets-offline-pages> (logging out): the workspace pages kept for offline use
  // (/assessments/sw.js) are this user's; forget them before the form is sent.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("[data-forgets-offline-pages]") || !window.caches) return;
    e.preventDefault();
    var send = function () { form.submit(); };
    caches["delete"]("workspace-pages").then(send, send);
  });

  // <input type="search" data-filter-list="ID">: shows only the labels of list ID whose
  // data-filter-text contains what was typed (a checkbox list a person can search).
  document.addEventListener("input", function (e) {
    var id = e.target.dataset && e.target.dataset.filterList;
    var list = id && document.getElementById(id);
    if (!list) return;
    var term = e.target.value.trim().toLowerCase();
    list.querySelectorAll("[data-filter-text]").forEach(function (item) {
      item.hidden = term !== "" && item.dataset.filterText.indexOf(term) === -1;
    });
  });
})();
