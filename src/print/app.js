// imr's pages work without this script; it only saves a click: changing the sort order or
// the report choice submits its form at once.
document.addEventListener("DOMContentLoaded", function () {
  ["sort", "report"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    }
  });
});
