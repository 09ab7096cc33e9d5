// The break between two parts: count its time down, and load the attempt's
// page when the server's state code is no longer the one this page was drawn
// for (the break ended, a proctor paused or resumed, the attempt finished).
const root = document.getElementById("break");
const countdown = document.getElementById("break-countdown");
const POLL_MS = 4000;
const running = root.dataset.code === "on_break";
let secondsAtSync = Number(root.dataset.secondsLeft);
let syncedAt = performance.now();
let timer = setTimeout(check, POLL_MS);
let endAsked = false;

function secondsLeft() {
  if (!running) return secondsAtSync;
  return Math.max(0, Math.round(secondsAtSync - (performance.now() - syncedAt) / 1000));
}

async function check() {
  clearTimeout(timer);
  try {
    const response = await fetch(root.dataset.stateUrl, { credentials: "same-origin" });
    if (response.ok) {
      const state = await response.json();
      if (state.code !== root.dataset.code) {
        window.location.assign(root.dataset.sitUrl);
        return;
      }
      secondsAtSync = state.break_seconds_left;
      syncedAt = performance.now();
    }
  } catch {
    // Offline for a moment: the countdown runs on, and the next poll corrects it.
  }
  timer = setTimeout(check, POLL_MS);
}

setInterval(() => {
  const left = secondsLeft();
  countdown.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  if (left === 0 && running && !endAsked) {
    // The server starts the next part at the break's end: ask it then, not at the next poll.
    endAsked = true;
    setTimeout(check, 1000);
  }
}, 1000);
