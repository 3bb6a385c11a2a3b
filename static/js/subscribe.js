// The copy buttons of the subscription page (templates/subscribe.html). Without
// JavaScript, or where the clipboard cannot be written, they stay hidden and the
// addresses are there to select and copy by hand.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  var status = document.getElementById("stav-kopirovani");
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var address = document.getElementById(button.getAttribute("data-copy")).textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(address).then(
        function () {
          status.textContent = "Adresa zkopírována: " + address;
        },
        function () {
          status.textContent = "Adresu se nepodařilo zkopírovat, označte ji a zkopírujte ručně.";
        }
      );
    });
  });
})();
