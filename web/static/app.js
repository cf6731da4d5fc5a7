// Progressive enhancement only: every page works without this file.
"use strict";

(function () {
  // "Copy link" buttons next to read-only link fields (hidden until this script runs).
  function copyText(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    field.focus();
    field.select();
    return new Promise(function (resolve, reject) {
      // Clipboard API unavailable (plain http on an intranet): the legacy path.
      if (document.execCommand("copy")) {
        resolve();
      } else {
        reject(new Error("copy failed"));
      }
    });
  }

  document.querySelectorAll(".copy-button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.insertAdjacentElement("afterend", status);
    var done = button.getAttribute("data-done") || "✓";
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(field).then(
        function () {
          status.textContent = done;
        },
        function () {
          field.focus();
          field.select();
        }
      );
    });
  });

  // Read-only link fields: select the whole link on focus, ready to copy.
  document.querySelectorAll("input.copy-source").forEach(function (field) {
    field.addEventListener("focus", function () {
      field.select();
    });
  });

  // Move focus to an error summary so screen readers announce it.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
