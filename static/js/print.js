// The record's Print button: the print stylesheet leaves out the site's menus.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
