/* The scheda di accesso form (templates/accesso/form.html): fields shown per type of
   interlocutore, and the person picked in each slot. */
(function () {
  var form = document.getElementById("scheda-form");
  if (!form) { return; }
  function tipo() {
    var checked = form.querySelector('input[name="interlocutore_tipo"]:checked');
    return checked ? checked.value : "";
  }
  function apply() {
    var current = tipo();
    form.querySelectorAll("[data-tipi]").forEach(function (el) {
      el.hidden = el.dataset.tipi.split(" ").indexOf(current) === -1;
    });
  }
  function slotBox(slot) { return document.getElementById("slot-" + slot); }
  form.addEventListener("change", function (ev) {
    if (ev.target.name === "interlocutore_tipo") { apply(); }
  });
  form.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && ev.target.matches("[data-cerca-persona]")) { ev.preventDefault(); }
  });
  form.addEventListener("click", function (ev) {
    var pick = ev.target.closest("[data-scegli-persona]");
    var drop = ev.target.closest("[data-togli-persona]");
    var button = pick || drop;
    if (!button) { return; }
    var slot = button.dataset.slot;
    var box = slotBox(slot);
    document.getElementById("id_" + slot + "_id").value = pick ? pick.dataset.id : "";
    box.querySelector("[data-scelta-label]").textContent = pick ? pick.dataset.label : "";
    box.querySelector("[data-scelta]").hidden = !pick;
    box.querySelector("[data-ricerca]").hidden = !!pick;
    if (pick) {
      box.querySelectorAll("[data-nuova] input, [data-nuova] select").forEach(function (input) {
        if (input.type !== "hidden") { input.value = ""; }
      });
      box.querySelector("[data-risultati]").innerHTML = "";
    }
  });
  apply();
})();
