// A "print" button (class js-print): shown only when scripts run, prints the page.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".js-print").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
});
