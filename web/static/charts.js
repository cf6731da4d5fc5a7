// Draws the charts of a page with the Vega runtime the app serves (/assets/vega/...).
//
// Each chart is an element with data-chart="ID" naming a <script type="application/json"
// id="ID"> that holds its Vega-Lite specification. The page's Content-Security-Policy
// allows no eval, so Vega runs with its expression interpreter (ast: true) instead of
// generating code, and Vega-Embed adds no <style> elements (defaultStyle: false; the
// tooltip's style is in charts.css). The chart's element is one image (role="img")
// labelled with what it shows, so the drawing inside it is hidden from assistive
// technology; the table under it holds the same figures, also without JavaScript.
"use strict";

(function () {
  var embed = window.vegaEmbed;
  var charts = document.querySelectorAll("[data-chart]");
  if (typeof embed !== "function" || !charts.length) {
    return;
  }
  var options = {
    renderer: "svg",
    actions: false,
    ast: true,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true, theme: "custom" },
  };
  charts.forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (error) {
      element.classList.add("chart--failed");
      return;
    }
    embed(element, spec, options).then(
      function () {
        element.querySelectorAll("svg").forEach(function (svg) {
          svg.setAttribute("aria-hidden", "true");
        });
        element.classList.add("chart--ready");
      },
      function (error) {
        element.classList.add("chart--failed");
        if (window.console) {
          window.console.warn("chart " + element.id + " could not be drawn:", error);
        }
      }
    );
  });
})();
