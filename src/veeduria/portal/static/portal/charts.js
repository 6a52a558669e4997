/* Draws each chart of the figures page with Vega-Lite (vendored; nothing from the network). The page reads
   without it: every chart's data table is beside it. The specification, in the page's language, is in the
   JSON script element named by the container's data-chart-spec. */
(function () {
  "use strict";
  if (typeof window.vegaEmbed !== "function" || !window.vegaInterpreter) {
    return;
  }
  var spanish = (document.documentElement.lang || "es").indexOf("es") === 0;
  /* under the site's content policy: expressions read by the interpreter (no eval), no style element injected
     (the tooltip's style is in charts.css) */
  var options = {
    ast: true,
    expr: window.vegaInterpreter.expressionInterpreter,
    mode: "vega-lite",
    renderer: "svg",
    actions: false,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
    formatLocale: spanish
      ? { decimal: ",", thousands: ".", grouping: [3], currency: ["US$ ", ""] }
      : { decimal: ".", thousands: ",", grouping: [3], currency: ["US$ ", ""] },
    config: {
      font: "system-ui, sans-serif",
      title: { anchor: "start", fontSize: 14 },
      axis: { labelColor: "#333", titleColor: "#222" },
      legend: { labelColor: "#333", titleColor: "#222" }
    }
  };
  var containers = document.querySelectorAll("[data-chart-spec]");
  Array.prototype.forEach.call(containers, function (container) {
    var script = document.getElementById(container.getAttribute("data-chart-spec"));
    if (!script) {
      return;
    }
    var spec = JSON.parse(script.textContent);
    window.vegaEmbed(container, spec, options).then(
      function () {
        container.classList.add("chart-drawn");
        /* the chart is drawn: its table folds away (open without JavaScript, one click away with it) */
        var table = container.parentNode.querySelector("details.chart-data");
        if (table) {
          table.open = false;
        }
      },
      function (error) {
        container.hidden = true; /* the table stays */
        if (window.console) {
          window.console.error(error);
        }
      }
    );
  });
})();
