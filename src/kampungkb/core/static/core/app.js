// Small behaviours every page may use, bound from data- attributes: the Content-Security-Policy
// allows no inline script, so no onclick/onsubmit/onchange in the templates.
(function () {
  // <form data-confirm="Question?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset ? event.target.dataset.confirm : undefined;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <select data-submit-on-change data-clear="other-field">: empty the named field of the
  // same form, then submit it (e.g. a new period type makes the chosen period meaningless).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches("[data-submit-on-change]") || !el.form) {
      return;
    }
    var clear = el.dataset.clear ? el.form.elements[el.dataset.clear] : null;
    if (clear) {
      clear.value = "";
    }
    el.form.submit();
  });

  // <div data-width-percent="40">: a bar drawn that wide (e.g. a Bootstrap progress bar).
  // Set through the CSSOM, which the policy allows, instead of a style="" attribute.
  function sizeBars(root) {
    root.querySelectorAll("[data-width-percent]").forEach(function (el) {
      var value = parseFloat(el.dataset.widthPercent);
      if (isFinite(value)) {
        el.style.width = Math.max(0, Math.min(100, value)) + "%";
      }
    });
  }
  // <div class="table-responsive" data-scroll-end>: a table by year that does not fit (on a
  // phone) opens scrolled to its newest columns, at the right.
  function scrollToEnd(root) {
    root.querySelectorAll("[data-scroll-end]").forEach(function (el) {
      el.scrollLeft = el.scrollWidth;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    sizeBars(document);
    scrollToEnd(document);
  });
  // A form htmx swaps back with errors: the screen still shows where its button was (on a
  // phone, the end of a long form), so bring the first field in error into view and focus it.
  function showFirstError(root) {
    var field = root.querySelector(".is-invalid");
    if (field) {
      field.scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    }
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    sizeBars(event.target);
  });
  // Once settled: done at htmx:afterSwap, neither the scroll nor the focus held.
  document.addEventListener("htmx:afterSettle", function (event) {
    showFirstError(event.target);
  });
})();
