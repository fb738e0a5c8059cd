/* Small behaviours shared by the pages. Listeners are delegated from the document, so they
   also cover content htmx swaps in, and no page needs an inline handler (onclick=…), which
   the Content-Security-Policy refuses. */
(function () {
  "use strict";

  // Person picker (templates/anagrafica/_results.html): a result's "Scegli" button fills the
  // hidden field and shows who was chosen.
  function pick(button) {
    var target = document.getElementById(button.dataset.pickTarget);
    if (!target) { return; }
    target.value = button.dataset.pickValue;
    var chosen = document.getElementById(button.dataset.pickTarget + "-chosen");
    if (chosen) { chosen.textContent = button.dataset.pickLabel; }
    var results = document.getElementById(button.dataset.pickTarget + "-results");
    if (results) { results.innerHTML = ""; }
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest("button[data-pick-target]");
    if (button) { pick(button); }
  });

  // A select that applies itself (templates/statistiche/_anni.html): the form is sent on change.
  document.addEventListener("change", function (ev) {
    if (ev.target.matches("select[data-submit-on-change]") && ev.target.form) {
      ev.target.form.submit();
    }
  });

  // Progress bars (job and import status, refreshed by htmx): the width comes from
  // aria-valuenow, set through the CSSOM rather than a style attribute.
  function progress(root) {
    root.querySelectorAll(".progress-bar[aria-valuenow]").forEach(function (bar) {
      var value = parseInt(bar.getAttribute("aria-valuenow"), 10) || 0;
      bar.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(progress);
  } else {
    document.addEventListener("DOMContentLoaded", function () { progress(document); });
  }
})();
