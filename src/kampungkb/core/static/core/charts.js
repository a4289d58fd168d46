// Draws every element with data-spec-url as a Vega-Lite chart (vendored vega-embed, offline).
//
// The Content-Security-Policy allows no eval and no inline style, so: `ast: true` makes Vega
// evaluate expressions with the interpreter that vega-embed bundles instead of generating
// functions with `new Function`, and the stylesheets vega-embed and its tooltip would inject
// come from vendor/vega/vega-embed.css instead.
(function () {
  var options = {
    actions: false,
    renderer: "svg",
    ast: true,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
  };
  document.querySelectorAll("[data-spec-url]").forEach(function (el) {
    fetch(el.dataset.specUrl, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (spec) { return vegaEmbed(el, spec, options); })
      .then(function () { el.dataset.rendered = "1"; })
      .catch(function () {
        var err = document.getElementById(el.id + "-error");
        if (err) { err.classList.remove("d-none"); }
      });
  });
})();
