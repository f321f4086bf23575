// The application form (templates/portal/subsidies/form.html): a running total of the
// expense lines and the engine's 交付可能額 as the secretary types (asked from the form's
// data-estimate-url), an 行を追加 button that clones the formset's empty row, and one
// submission per tap. Without scripts the page works as a plain form.
(() => {
  "use strict";

  const toNumber = (text) => {
    const half = (text || "").replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
    const digits = half.replace(/[,，円¥\s]/g, "");
    return /^\d+$/.test(digits) ? Number(digits) : null;
  };
  const yen = (amount) => "¥" + amount.toLocaleString("ja-JP");

  const setUp = (form) => {
    const prefix = "lines";
    const totalForms = form.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const rows = form.querySelector(".line-rows");
    const template = form.querySelector(".js-line-template");
    const addButton = form.querySelector(".js-add-line");
    const totalOut = form.querySelector(".js-lines-total");
    const amountOut = form.querySelector(".js-grant-amount");
    const messageOut = form.querySelector(".js-grant-message");
    const details = form.querySelector(".js-grant-details");
    const breakdown = form.querySelector(".js-grant-lines");

    const showTotal = () => {
      let total = 0;
      rows.querySelectorAll(".line-row").forEach((row) => {
        const deleted = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
        const amount = row.querySelector('input[name$="-amount"]');
        if (amount && !(deleted && deleted.checked)) total += toNumber(amount.value) || 0;
      });
      totalOut.textContent = yen(total);
    };

    let timer = null;
    let asked = 0;
    const estimate = () => {
      const data = new FormData(form);
      data.delete("files");
      const question = ++asked;
      fetch(form.dataset.estimateUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((answer) => {
          if (question !== asked) return; // an older answer arriving late
          amountOut.textContent = answer.amount === null ? "—" : answer.amount_text;
          messageOut.textContent = answer.message || "";
          breakdown.replaceChildren(
            ...answer.lines.map((line) => {
              const item = document.createElement("li");
              item.textContent = line;
              return item;
            })
          );
          details.hidden = answer.lines.length === 0;
        })
        .catch(() => {
          if (question === asked) messageOut.textContent = "交付可能額を計算できませんでした。確認画面で表示します。";
        });
    };
    const changed = () => {
      showTotal();
      window.clearTimeout(timer);
      timer = window.setTimeout(estimate, 400);
    };

    form.addEventListener("input", (event) => {
      if (event.target.type !== "file") changed();
    });
    form.addEventListener("change", (event) => {
      if (event.target.tagName === "SELECT" || event.target.type === "checkbox") changed();
    });

    if (template && addButton && totalForms) {
      addButton.closest(".js-only").hidden = false;
      addButton.addEventListener("click", () => {
        const index = Number(totalForms.value);
        const html = template.innerHTML.replace(/__prefix__/g, String(index));
        rows.insertAdjacentHTML("beforeend", html);
        const row = rows.lastElementChild;
        row.querySelector(".line-no").textContent = String(index + 1);
        totalForms.value = String(index + 1);
        const first = row.querySelector("select, input");
        if (first) first.focus();
      });
    }

    // One submission per tap: a second tap while the first is on its way does nothing.
    // The buttons are disabled only after the browser has read which one was pressed.
    let sent = false;
    form.addEventListener("submit", (event) => {
      if (sent) {
        event.preventDefault();
        return;
      }
      sent = true;
      window.setTimeout(() => {
        form.querySelectorAll('button[type="submit"]').forEach((button) => {
          button.disabled = true;
        });
      }, 0);
    });

    // Back to a page kept in the browser's cache: the form can be sent again.
    window.addEventListener("pageshow", (event) => {
      if (!event.persisted) return;
      sent = false;
      form.querySelectorAll('button[type="submit"]').forEach((button) => {
        button.disabled = false;
      });
    });

    const summary = document.getElementById("error-summary");
    if (summary) summary.focus();
    showTotal();
    estimate();
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form.application-form[data-estimate-url]").forEach(setUp);
  });
})();
