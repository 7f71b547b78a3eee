// Findings filter for the migrator dashboard: by kind, by text, and by a heat-map cell's group.
(function () {
  "use strict";
  var table = document.getElementById("findings");
  var kind = document.getElementById("kind-filter");
  var text = document.getElementById("text-filter");
  var count = document.getElementById("visible-count");
  var filters = document.querySelector(".filters");
  if (!table || !kind || !text || !count || !filters) {
    return;
  }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var cells = Array.prototype.slice.call(document.querySelectorAll(".heat .cell"));

  function apply() {
    var wanted = kind.value;
    var needle = text.value.toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var visible =
        (!wanted || row.getAttribute("data-rule") === wanted) &&
        (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1);
      row.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    count.textContent = shown + " of " + rows.length + " shown";
    cells.forEach(function (cell) {
      cell.classList.toggle("active", needle !== "" && cell.getAttribute("data-dir").toLowerCase() === needle);
    });
  }

  cells.forEach(function (cell) {
    cell.addEventListener("click", function () {
      var group = cell.getAttribute("data-dir");
      text.value = text.value === group ? "" : group;
      apply();
      table.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  });
  kind.addEventListener("change", apply);
  text.addEventListener("input", apply);
  filters.hidden = false;
  apply();
})();
