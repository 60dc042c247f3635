// A filter whose choice applies at once: changing a <select data-autosubmit> submits its form.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
