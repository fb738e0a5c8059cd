/* Small behaviours shared by the pages. */
(function () {
  "use strict";
  // Person picker (templates/anagrafica/_picker.html): a result's "Scegli" button fills the
  // hidden field and shows who was chosen.
  window.ambitoPick = function (button) {
    var target = document.getElementById(button.dataset.pickTarget);
    if (!target) { return; }
    target.value = button.dataset.pickValue;
    var chosen = document.getElementById(button.dataset.pickTarget + "-chosen");
    if (chosen) { chosen.textContent = button.dataset.pickLabel; }
    var results = document.getElementById(button.dataset.pickTarget + "-results");
    if (results) { results.innerHTML = ""; }
  };
})();
