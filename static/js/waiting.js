// Waiting to be admitted: ask the server every few seconds, and start when admitted.
const root = document.getElementById("waiting");

async function check() {
  try {
    const response = await fetch(root.dataset.stateUrl, { credentials: "same-origin" });
    if (response.ok && (await response.json()).status !== "awaiting_admission") {
      window.location.assign(root.dataset.sitUrl);
      return;
    }
  } catch {
    // Offline for a moment: try again.
  }
  setTimeout(check, 5000);
}

setTimeout(check, 5000);
