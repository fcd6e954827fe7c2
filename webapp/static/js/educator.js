// The "Start a run" box: the warning about fewer than 5 seeds follows the experiment chosen and
// the quick-version box (the server renders it for the first choice; this keeps it current).
(function () {
  "use strict";
  document.querySelectorAll("[data-start-run]").forEach(function (form) {
    var select = form.querySelector("select");
    var quick = form.querySelector("input[type=checkbox]");
    var warning = form.querySelector("[data-seeds-warning]");
    var count = form.querySelector("[data-seeds-count]");
    if (!select || !warning) return;
    var few = parseInt(form.dataset.fewSeeds, 10);
    function update() {
      var option = select.options[select.selectedIndex];
      var seeds = quick && quick.checked ? parseInt(form.dataset.quickSeeds, 10)
        : parseInt(option && option.dataset.seeds, 10);
      warning.hidden = !(seeds < few);
      if (count) count.textContent = isNaN(seeds) ? "" : " (" + seeds + ")";
    }
    select.addEventListener("change", update);
    if (quick) quick.addEventListener("change", update);
    update();
  });
})();
