/* The pages' charts (Chart.js), drawn from the data the page carries: the rows of the table
   beside each chart (data-* attributes) or a json_script block. A static file, so the
   Content-Security-Policy needs no inline script. Each function does nothing on a page
   without its canvas. */
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var Chart = window.Chart;
  Chart.defaults.font.family = "'Titillium Web', Geneva, Tahoma, sans-serif";

  function json(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function tableSeries(tableSelector, attr, parse) {
    var labels = [], values = [];
    document.querySelectorAll(tableSelector).forEach(function (row) {
      labels.push(row.getAttribute("data-label"));
      var v = parse(row.getAttribute(attr));
      values.push(isNaN(v) ? null : v);  // a suppressed small cell: no bar, not a zero
    });
    return { labels: labels, values: values };
  }

  // Zone office home (templates/zone/office_home.html): inhabitants per comune.
  function population() {
    var canvas = document.getElementById("population-chart");
    var series = tableSeries("#population-table tbody tr[data-value]", "data-value",
      function (v) { return parseInt(v, 10); });
    if (!canvas || !series.labels.length) { return; }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [{ label: json("population-chart-label"), data: series.values, backgroundColor: "#0066cc" }]
      },
      options: {
        responsive: true, maintainAspectRatio: false, locale: "it-IT",
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true } }
      }
    });
  }

  // PAI dashboard (templates/pai/dashboard.html): open and suspended cases per operator.
  function carico() {
    var canvas = document.getElementById("carico-chart");
    var data = json("carico-chart-data");
    if (!canvas || !data) { return; }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.legend[0], data: data.aperte, backgroundColor: "#0066cc" },
          { label: data.legend[1], data: data.sospese, backgroundColor: "#a66300" }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, locale: "it-IT",
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  // Assegni statistics (templates/assegni/statistiche.html): applications per year and outcome.
  function assegni() {
    var canvas = document.getElementById("assegni-chart");
    var data = json("assegni-chart-data");
    if (!canvas || !data) { return; }
    var colori = { presentata: "#5c6f82", assegnata: "#0066cc", istruttoria: "#a66300",
                   accolta: "#008055", respinta: "#cc334d", archiviata: "#8e8e8e" };
    data.datasets.forEach(function (d) { d.backgroundColor = colori[d.esito] || "#0066cc"; });
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: data.datasets },
      options: {
        responsive: true, maintainAspectRatio: false, locale: "it-IT",
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  // Zone statistics (templates/statistiche/zona.html): one chart per table.
  function statistiche() {
    function draw(canvasId, tableId, attr, seriesId, type) {
      var canvas = document.getElementById(canvasId);
      var series = tableSeries("#" + tableId + " tbody tr[data-label]", attr, parseFloat);
      if (!canvas || !series.labels.length) { return; }
      new Chart(canvas, {
        type: type,
        data: {
          labels: series.labels,
          datasets: [{ label: json(seriesId), data: series.values, backgroundColor: "#0066cc", borderColor: "#0066cc" }]
        },
        options: { responsive: true, maintainAspectRatio: false, locale: "it-IT", scales: { y: { beginAtZero: true } } }
      });
    }
    draw("chart-mese", "tab-mese", "data-liquidato", "l-liquidato", "line");
    draw("chart-codice", "tab-codice", "data-persone", "l-persone", "bar");
    draw("chart-comune", "tab-comune", "data-liquidato", "l-liquidato", "bar");
  }

  population();
  carico();
  assegni();
  statistiche();
})();
