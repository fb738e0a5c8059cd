/* The segretariato's figures: contacts by front office and channel (stacked bars).
   Data from the page's <script type="application/json" id="segretariato-chart-data">. */
(function () {
  "use strict";
  var canvas = document.getElementById("segretariato-chart");
  var source = document.getElementById("segretariato-chart-data");
  if (!canvas || !source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var colori = { persona: "#0066cc", telefono: "#008055", email: "#a66300",
                 lettera: "#5c6f82", visita: "#cc334d" };
  data.datasets.forEach(function (d) { d.backgroundColor = colori[d.canale] || "#0066cc"; });
  window.Chart.defaults.font.family = "'Titillium Web', Geneva, Tahoma, sans-serif";
  new window.Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: data.datasets },
    options: {
      responsive: true, maintainAspectRatio: false, locale: "it-IT",
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
