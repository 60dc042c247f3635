// Page behaviours declared with data- attributes, because the Content-Security-Policy refuses inline scripts,
// on*= handlers and style attributes. Delegated from the document, so content swapped in by htmx behaves alike.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing a value submits its form (a <noscript> button does it without JavaScript).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]") && event.target.form) {
      event.target.form.submit();
    }
  });

  // <form data-confirm="question">: asks before submitting.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <button data-print>: prints the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });

  // <div class="progress-bar" data-bar-width="42">: the bar's width in percent, set through the CSSOM.
  function sizeBar(bar) {
    var percent = Math.min(100, Math.max(0, parseFloat(bar.getAttribute("data-bar-width")) || 0));
    bar.style.width = percent + "%";
  }

  function sizeBars(root) {
    if (root.matches && root.matches("[data-bar-width]")) {
      sizeBar(root);
    }
    root.querySelectorAll("[data-bar-width]").forEach(sizeBar);
  }

  sizeBars(document);
  document.addEventListener("htmx:load", function (event) {
    sizeBars(event.target);
  });
})();
