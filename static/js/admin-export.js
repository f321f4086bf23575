// The export page's "select all" checkbox (class js-select-all) ticks or clears every column.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".js-select-all").forEach((toggle) => {
    toggle.addEventListener("change", () => {
      document
        .querySelectorAll('.selectable-field-export-row input[type="checkbox"]')
        .forEach((checkbox) => {
          checkbox.checked = toggle.checked;
        });
    });
  });
});
