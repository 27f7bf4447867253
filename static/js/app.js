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
})();
