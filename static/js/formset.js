// Adds one more member form from the <template>, numbering it like Django's formset expects.
document.getElementById("add-member")?.addEventListener("click", () => {
  const total = document.getElementById("id_members-TOTAL_FORMS");
  const html = document.getElementById("member-template").innerHTML.replaceAll("__prefix__", total.value);
  document.getElementById("member-forms").insertAdjacentHTML("beforeend", html);
  total.value = Number(total.value) + 1;
});
