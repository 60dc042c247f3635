// The program add form asks for the chosen kind's rule parameters: choosing a kind reopens the form for that kind,
// carrying what was typed so far over as the admin's initial values (?name=value).
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches("select[data-reload-with-kind]") || !select.form) {
      return;
    }
    var query = new URLSearchParams();
    Array.prototype.forEach.call(select.form.elements, function (field) {
      // The old kind's parameters, the inline rows and the token do not carry over.
      if (!field.name || /^(param_|csrfmiddlewaretoken$|_)|-/.test(field.name)) {
        return;
      }
      if (field.type === "checkbox") {
        query.set(field.name, field.checked ? "on" : "");
      } else if (field.value) {
        query.set(field.name, field.value);
      }
    });
    window.location.assign(window.location.pathname + "?" + query.toString());
  });
})();
