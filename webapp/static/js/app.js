// StreamSim's small helpers: row arrows and arrow-key movement, the solid top bar on scroll,
// the title modal (Escape, backdrop, focus return), sortable tables. No inline scripts (CSP).
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
    // A modal opened from home pushed /home?title=N (shareable); closing it goes back to /home.
    var url = new URL(window.location.href);
    if (url.searchParams.has("title")) {
      url.searchParams.delete("title");
      history.pushState({}, "", url.pathname + url.search);
    }
  }

  // The search boxes (header and search page) show the same words: typing in one copies
  // to the other; each asks htmx for results itself.
  document.addEventListener("input", function (event) {
    if (!event.target.matches || !event.target.matches("[data-search-sync]")) return;
    document.querySelectorAll("[data-search-sync]").forEach(function (box) {
      if (box !== event.target) box.value = event.target.value;
    });
  });
  // The header box on another page swaps in the search page's #main: take its body class too.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "main" || !event.detail.xhr) return;
    var doc = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    if (doc.body) document.body.className = doc.body.className;
    document.querySelectorAll(".topnav [aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
  });

  // Phone width: the nav's fade hint goes once it is scrolled to its end.
  document.querySelectorAll(".topnav").forEach(function (nav) {
    function edge() { nav.classList.toggle("is-scrolled-end", nav.scrollLeft + nav.clientWidth >= nav.scrollWidth - 2); }
    nav.addEventListener("scroll", edge, { passive: true });
    edge();
  });

  // The profile form: each avatar shows the initial of the name being typed.
  document.addEventListener("input", function (event) {
    if (!event.target.matches || !event.target.matches("[data-avatar-name]")) return;
    var initial = event.target.value.trim().charAt(0) || "\u263A";
    document.querySelectorAll("[data-avatar-initial]").forEach(function (a) { a.textContent = initial; });
  });

  // Tables marked data-sortable: each column heading becomes a button that sorts the rows
  // (numbers as numbers, "12%" and "0.5 ± 0.1" by their first number, the rest as text).
  var NUMBER = /^\s*-?[\d.,]+(e-?\d+)?\s*%?(\s*±.*)?\s*$/;
  function cellValue(row, index) {
    var cell = row.children[index];
    return cell ? (cell.dataset.sort || cell.textContent.trim()) : "";
  }
  function sortTable(table, index, heading) {
    var body = table.tBodies[0];
    if (!body) return;
    var rows = Array.from(body.rows);
    var numeric = rows.every(function (r) { return NUMBER.test(cellValue(r, index)); });
    var ascending = heading.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var order = numeric ? parseFloat(x.replace(/,/g, "")) - parseFloat(y.replace(/,/g, ""))
                          : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  function enhanceTables(root) {
    root.querySelectorAll("table[data-sortable]:not([data-sort-ready])").forEach(function (table) {
      table.setAttribute("data-sort-ready", "");
      table.querySelectorAll("thead th").forEach(function (th, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort-button";
        button.textContent = th.textContent;
        button.addEventListener("click", function () { sortTable(table, index, th); });
        th.textContent = "";
        th.appendChild(button);
      });
    });
  }
  enhanceTables(document);
  document.addEventListener("htmx:afterSwap", function (event) { enhanceTables(event.detail.target); });

  // Close the profile menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.profile-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
})();
