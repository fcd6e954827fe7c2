// Line charts (macros/charts.html): pointing at a day, or tapping it, shows a tooltip with every
// arm's value that day. Without this script each day's <title> is the browser's own tooltip.
(function () {
  "use strict";

  function setUp(chart) {
    var tip = document.createElement("div");
    tip.className = "chart-tip";
    tip.hidden = true;
    tip.setAttribute("aria-hidden", "true");  // the table under the chart is the accessible copy
    chart.appendChild(tip);
    chart.querySelectorAll(".line-chart__day > title").forEach(function (title) { title.remove(); });
  }

  function hide(chart) {
    var tip = chart.querySelector(".chart-tip");
    if (tip) tip.hidden = true;
    chart.querySelectorAll(".line-chart__day.is-active").forEach(function (d) { d.classList.remove("is-active"); });
  }

  function show(chart, day) {
    var tip = chart.querySelector(".chart-tip");
    if (!tip) return;
    hide(chart);
    day.classList.add("is-active");
    tip.replaceChildren();
    var head = document.createElement("div");
    head.className = "chart-tip__day";
    var axis = day.closest("[data-x-unit]");
    head.textContent = (axis ? axis.dataset.xUnit : "Day") + " " + day.dataset.day;
    tip.appendChild(head);
    day.querySelectorAll(".line-chart__dot").forEach(function (dot) {
      var row = document.createElement("div");
      row.className = "chart-tip__row";
      var key = document.createElement("span");
      key.className = "chart-legend__key " + dot.classList[1];
      var arm = document.createElement("span");
      arm.className = "chart-tip__arm";
      arm.textContent = dot.dataset.arm;
      var value = document.createElement("span");
      value.className = "chart-tip__value";
      value.textContent = dot.dataset.value;
      row.append(key, arm, value);
      tip.appendChild(row);
    });
    tip.hidden = false;
    // Beside the day's guide line, on whichever side has room, over the plot (not its labels);
    // at the top of the plot, or at its foot when that day's values are high.
    var box = chart.getBoundingClientRect();
    var plot = chart.querySelector(".line-chart__plot").getBoundingClientRect();
    var guide = day.querySelector(".line-chart__guide").getBoundingClientRect();
    var x = guide.left - box.left;
    var left = x + 14;
    if (left + tip.offsetWidth > box.width) left = x - 14 - tip.offsetWidth;
    tip.style.left = Math.max(plot.left - box.left, left) + "px";
    var dots = Array.from(day.querySelectorAll(".line-chart__dot"), function (d) {
      var r = d.getBoundingClientRect();
      return r.top + r.height / 2;
    });
    var high = dots.length && Math.min.apply(null, dots) < plot.top + plot.height / 2
      && Math.max.apply(null, dots) < plot.top + plot.height * 0.6;
    tip.style.top = (high ? plot.bottom - box.top - tip.offsetHeight - 6 : plot.top - box.top + 6) + "px";
  }

  document.querySelectorAll("[data-line-chart]").forEach(setUp);

  document.addEventListener("pointerover", function (event) {
    var day = event.target.closest && event.target.closest(".line-chart__day");
    if (day) show(day.closest("[data-line-chart]"), day);
  });
  document.addEventListener("pointerout", function (event) {
    if (event.pointerType === "touch") return;  // a tapped day stays shown until the next tap
    var chart = event.target.closest && event.target.closest("[data-line-chart]");
    if (chart && !(event.relatedTarget && chart.contains(event.relatedTarget))) hide(chart);
  });
  document.addEventListener("pointerdown", function (event) {
    if (event.target.closest && event.target.closest(".line-chart__day")) return;
    document.querySelectorAll("[data-line-chart]").forEach(hide);
  });
})();
