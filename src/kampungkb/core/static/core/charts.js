// Draws every element with data-spec-url as a Vega-Lite chart (vendored vega-embed, offline).
(function () {
  document.querySelectorAll("[data-spec-url]").forEach(function (el) {
    fetch(el.dataset.specUrl, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (spec) { return vegaEmbed(el, spec, { actions: false, renderer: "svg" }); })
      .then(function () { el.dataset.rendered = "1"; })
      .catch(function () {
        var err = document.getElementById(el.id + "-error");
        if (err) { err.classList.remove("d-none"); }
      });
  });
})();
