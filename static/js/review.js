// The review screen's time left counts down as the runner's does: from the
// server's seconds, corrected by the attempt's state every few seconds, still
// while a proctor's pause holds, and back to the attempt's page when the part
// is over (the server closes it at its deadline) or no longer open.
import { formatTime } from "./countdown.js";

const countdown = document.getElementById("countdown");
const config = countdown.dataset;
const STATE_POLL_MS = 4000;
let secondsAtSync = Number(config.secondsLeft);
let syncedAt = performance.now();
let paused = config.paused === "true";
let leaving = false;

function secondsLeft() {
  if (paused) return secondsAtSync;
  return Math.max(0, Math.round(secondsAtSync - (performance.now() - syncedAt) / 1000));
}

function leave() {
  if (leaving) return;
  leaving = true;
  window.location.assign(config.sitUrl);
}

async function fetchState() {
  try {
    const response = await fetch(config.stateUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    const state = await response.json();
    if ((state.code !== "in_progress" && state.code !== "paused") || String(state.position) !== config.position) {
      leave();
      return;
    }
    paused = state.code === "paused";
    secondsAtSync = state.seconds_left;
    syncedAt = performance.now();
    tick();
  } catch {
    // Offline for now: the local count carries on until the next answer corrects it.
  }
}

function tick() {
  const left = secondsLeft();
  countdown.textContent = formatTime(left);
  if (left === 0 && !paused) setTimeout(fetchState, 1000);
}

tick();
setInterval(tick, 1000);
setInterval(fetchState, STATE_POLL_MS);
