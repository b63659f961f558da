// Progressive enhancement only: counts "You can ask for a new code in N seconds" down to zero.
// Without JavaScript the page still works: the server refuses an early resend with a message.
document.addEventListener("DOMContentLoaded", () => {
  for (const el of document.querySelectorAll("[data-countdown]")) {
    const span = el.querySelector("span");
    let left = Number(el.getAttribute("data-countdown"));
    if (!span || !Number.isFinite(left)) continue;
    const timer = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        el.textContent = "Didn't get it? You can ask for a new code.";
        return;
      }
      span.textContent = String(left);
    }, 1000);
  }
});
