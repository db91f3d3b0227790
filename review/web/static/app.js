// Keyboard shortcuts: a key pressed outside a text field acts on the element that declares it
// with data-key (a button is pressed, a link followed, an input focused). No other script runs
// on these pages; everything else is plain HTML forms.
"use strict";

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) {
    if (event.key === "Escape") target.blur();
    return;
  }
  const element = document.querySelector(`[data-key="${CSS.escape(event.key)}"]`);
  if (!(element instanceof HTMLElement)) return;
  event.preventDefault();
  if (element instanceof HTMLInputElement || element instanceof HTMLSelectElement) {
    element.focus();
  } else {
    element.click();
  }
});

// A return needs a reason (the server refuses one without): rather than a refusal page, the
// reason field is focused.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[value]") : null;
  if (!button || !["reject", "return"].includes(button.value)) return;
  const reason = document.getElementById("reason");
  if (button.value === "return" && reason instanceof HTMLInputElement && !reason.value.trim()) {
    event.preventDefault();
    reason.focus();
    reason.placeholder = "a return needs a reason";
  }
});
