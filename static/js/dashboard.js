// Draws the dashboard's charts from the numbers in #dashboard-charts; a click on a segment opens the list behind it.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.Chart === "undefined") {
    return; // The tables beside the charts carry the same numbers and links.
  }
  var charts = JSON.parse(source.textContent);
  var palette = ["#c8102e", "#f28c28", "#2f6db5", "#3a9d5d", "#7b4fa0", "#8c6d1f", "#d6457a", "#1b998b", "#6c757d",
    "#a63d40", "#4b7bec"];

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = charts[canvas.dataset.chart];
    if (!spec) {
      return;
    }
    var round = spec.type === "doughnut";
    var chart = new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: [{
          label: spec.label,
          data: spec.values.map(Number),
          backgroundColor: round ? palette : palette[0],
          borderColor: round ? "#fff" : palette[0],
          maxBarThickness: 48,
          tension: 0.2
        }]
      },
      options: {
        maintainAspectRatio: false,
        plugins: {legend: {display: round}},
        scales: round ? {} : {y: {beginAtZero: true}},
        onClick: function (event, elements) {
          if (elements.length && spec.urls[elements[0].index]) {
            window.location.assign(spec.urls[elements[0].index]);
          }
        },
        onHover: function (event, elements) {
          var clickable = elements.length && spec.urls[elements[0].index];
          event.native.target.style.cursor = clickable ? "pointer" : "default";
        }
      }
    });
    canvas.chart = chart;
  });
})();
