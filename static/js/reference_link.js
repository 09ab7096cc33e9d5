// The mailed link carries its code after "#", which browsers never send to a
// server (so no access log holds it): hand it over in a POST, once, and drop
// it from the address bar and the history.
(function () {
  "use strict";
  var code = window.location.hash.slice(1);
  var form = document.getElementById("reference-open");
  if (!code || !form) {
    return;
  }
  history.replaceState(null, "", window.location.pathname);
  form.querySelector("[name=code]").value = decodeURIComponent(code);
  form.submit();
})();
