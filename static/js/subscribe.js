// The copy buttons of the subscription page (templates/subscribe.html). Without
// JavaScript, or where the clipboard cannot be written, they stay hidden and the
// addresses are there to select and copy by hand. A copied address says so beside its
// button ("Zkopírováno") and to screen readers (the status line).
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  var status = document.getElementById("stav-kopirovani");
  var shown = null;
  function showCopied(id) {
    if (shown) {
      shown.hidden = true;
    }
    shown = document.querySelector('[data-copied="' + id + '"]');
    if (shown) {
      shown.hidden = false;
    }
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var id = button.getAttribute("data-copy");
    var address = document.getElementById(id).textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(address).then(
        function () {
          showCopied(id);
          status.textContent = "Adresa zkopírována: " + address;
        },
        function () {
          status.textContent = "Adresu se nepodařilo zkopírovat, označte ji a zkopírujte ručně.";
        }
      );
    });
  });
})();
