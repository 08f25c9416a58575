(function () {
  "use strict";
  var root = document.documentElement;
  window.addEventListener("error", function (e) {
    root.setAttribute("data-script-error", String(e.message));
  });
  function ready() {
    var toggle = document.getElementById("only-hits");
    if (toggle) {
      toggle.addEventListener("change", function () {
        var rows = document.querySelectorAll("tr.nohit");
        for (var i = 0; i < rows.length; i++) {
          rows[i].hidden = toggle.checked;
        }
      });
    }
    root.setAttribute("data-report-ok", String(document.querySelectorAll("tr.finding").length));
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
