/* Mängelmelder Sachsen – the "Link kopieren" button beside a read-only link field (confirmation page).
   Progressive enhancement: the button is rendered ``hidden`` and shown only where the Clipboard API is
   available; without JavaScript the link stays selectable text in the field. */
(function () {
  "use strict";

  if (!navigator.clipboard || !window.isSecureContext) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () {
          if (status) status.textContent = button.getAttribute("data-copied");
        },
        function () {
          field.select();
          if (status) status.textContent = button.getAttribute("data-failed");
        }
      );
    });
  });
})();
