// StreamSim's small helpers: row arrows and arrow-key movement, the solid top bar on scroll,
// the title modal (Escape, backdrop, focus return). No inline scripts anywhere (CSP).
(function () {
  "use strict";

  function trackOf(el) { return el.closest("[data-row]")?.querySelector("[data-row-track]"); }

  document.addEventListener("click", function (event) {
    var arrow = event.target.closest("[data-row-scroll]");
    if (arrow) {
      var track = trackOf(arrow);
      if (track) track.scrollBy({ left: Number(arrow.dataset.rowScroll) * track.clientWidth * 0.9 });
      return;
    }
    if (event.target.closest("[data-close-modal]")) closeModal();
  });

  // Arrow keys move focus along a row (Left/Right) and between rows (Up/Down).
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeModal(); return; }
    var link = event.target.closest && event.target.closest(".row .card__link");
    if (!link) return;
    var item = link.closest(".row__item");
    var target = null;
    if (event.key === "ArrowRight") target = item.nextElementSibling;
    else if (event.key === "ArrowLeft") target = item.previousElementSibling;
    else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var rows = Array.from(document.querySelectorAll("[data-row]"));
      var index = rows.indexOf(link.closest("[data-row]"));
      var next = rows[index + (event.key === "ArrowDown" ? 1 : -1)];
      target = next && next.querySelector(".row__item");
    }
    if (target) {
      event.preventDefault();
      var focusable = target.querySelector(".card__link");
      focusable.focus({ preventScroll: false });
      focusable.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  });

  // Top bar: transparent over the billboard, solid once scrolled.
  var topbar = document.querySelector("[data-topbar]");
  function onScroll() { if (topbar) topbar.classList.toggle("is-solid", window.scrollY > 40); }
  window.addEventListener("scroll", onScroll, { passive: true });
  onScroll();

  // The title modal.
  var opener = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.target && event.detail.target.id === "modal-root") opener = document.activeElement;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "modal-root") {
      var dialog = event.detail.target.querySelector(".modal__dialog");
      if (dialog) { document.body.classList.add("has-modal"); dialog.focus(); }
    }
  });
  function closeModal() {
    var root = document.getElementById("modal-root");
    if (!root || !root.firstElementChild) return;
    root.innerHTML = "";
    document.body.classList.remove("has-modal");
    if (opener && document.contains(opener)) opener.focus();
  }

  // Close the profile menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.profile-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
})();
