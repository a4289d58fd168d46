// Sorts any table.js-sortable by the clicked header (numbers by data-sort or text, "–" last).
(function () {
  function key(cell) {
    if (cell.dataset.sort !== undefined) {
      return cell.dataset.sort === "" ? null : parseFloat(cell.dataset.sort);
    }
    var text = cell.textContent.trim();
    return text === "" || text === "\u2013" ? null : text.toLowerCase();
  }
  document.querySelectorAll("table.js-sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      th.style.cursor = "pointer";
      th.setAttribute("role", "button");
      th.addEventListener("click", function () {
        var asc = th.dataset.dir !== "asc";
        table.querySelectorAll("thead th").forEach(function (o) { delete o.dataset.dir; o.removeAttribute("aria-sort"); });
        th.dataset.dir = asc ? "asc" : "desc";
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[index]), y = key(b.cells[index]);
          if (x === null) { return 1; }
          if (y === null) { return -1; }
          if (x < y) { return asc ? -1 : 1; }
          if (x > y) { return asc ? 1 : -1; }
          return 0;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
