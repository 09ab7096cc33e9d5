// The exam runner: one question at a time, every change saved to the server,
// nothing lost while offline, and a countdown the server's clock corrects.
//
// Saves are numbered: this tab claims the attempt and gets a base from the
// server; each change takes the next number. Unacknowledged saves live in
// localStorage (the journal) until the server acknowledges them after its
// commit, so a reload, a crash or a lost network loses nothing: the journal
// is replayed onto the page and sent again. The server keeps the highest
// number per field, so repeats and reordering are harmless.

const root = document.getElementById("runner");
const config = root.dataset;
const attemptId = config.attempt;
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const journalKey = `attest-journal-${attemptId}`;
// How many changes the server refused because their part's time was over:
// kept for the next page, since the runner moves on as soon as it hears.
const lateKey = `attest-late-${attemptId}`;
// The runner decides by the codes in the server's answers and only shows its
// sentences. Of a save's codes, only these mean the server holds the change.
const HELD = new Set(["saved", "duplicate"]);
const TEXT_DEBOUNCE_MS = 1500;
// The most the server reads of one request's body: a batch of saves stops short of it.
const BODY_LIMIT = Number(config.bodyLimit);
const BATCH_SAVES = 50;
const encoder = new TextEncoder();
// A proctor's pause or extension shows within 5 seconds; each poll is also the
// heartbeat behind the board's "last contact".
const STATE_POLL_MS = 4000;
const WARNINGS = [600, 60];

const tab = sessionStorage.getItem(`attest-tab-${attemptId}`) || crypto.randomUUID();
sessionStorage.setItem(`attest-tab-${attemptId}`, tab);

let nextSeq = 0;
let inflight = false;
let retryDelay = 1000;
let retryTimer = null;
let superseded = false;
let memoryJournal = [];

// The journal: saves not yet acknowledged, in localStorage when it allows.

function readJournal() {
  try {
    return JSON.parse(localStorage.getItem(journalKey) || "[]");
  } catch {
    return memoryJournal;
  }
}

function writeJournal(entries) {
  memoryJournal = entries;
  try {
    localStorage.setItem(journalKey, JSON.stringify(entries));
  } catch {
    // Storage full or refused: the in-memory journal still holds them.
  }
}

// What the candidate sees of saving.

const status = document.getElementById("save-status");

function showStatus(text, state) {
  if (status.textContent !== text) status.textContent = text;
  status.dataset.state = state;
}

function refreshStatus() {
  const pending = readJournal().length;
  if (!navigator.onLine || retryTimer) {
    showStatus(`Not saved: reconnecting (${pending} change${pending === 1 ? "" : "s"} kept on this computer)`, "offline");
  } else if (pending) {
    showStatus("Saving…", "saving");
  } else {
    showStatus("All answers saved", "saved");
  }
}

// Reading and writing the page's answers.

function questionOf(element) {
  return element.closest(".question");
}

// An item's kind marks the controls that hold its answer: data-part names the
// answer's field, data-index (if any) the control's place in that field's list.
// A radio button gives its value only when checked; an answer with no part is none.
function answerOf(question) {
  const answer = {};
  question.querySelectorAll('[data-field="answer"]').forEach((control) => {
    const { part, index } = control.dataset;
    if (index !== undefined) {
      (answer[part] ??= [])[Number(index)] = control.value;
    } else if (control.type !== "radio" || control.checked) {
      answer[part] = control.value;
    }
  });
  return Object.keys(answer).length ? answer : null;
}

function says(answer) {
  return answer !== null && Object.values(answer).flat().some((value) => String(value).trim());
}

function showValue(question, field, value) {
  if (field === "flag") {
    question.querySelector('[data-field="flag"]').checked = value;
  } else if (field === "choose") {
    const box = question.querySelector('[data-field="choose"]');
    if (box) box.checked = value;
  } else {
    const parts = value || {};
    question.querySelectorAll('[data-field="answer"]').forEach((control) => {
      const { part, index } = control.dataset;
      const held = index === undefined ? parts[part] : parts[part]?.[Number(index)];
      if (control.type === "radio") control.checked = held === control.value;
      else if (part in parts) control.value = held ?? "";
    });
  }
  updateQuestionState(question);
}

function questionByResponse(responseId) {
  return root.querySelector(`.question[data-response="${responseId}"]`);
}

// Saving.

function record(question, field, value) {
  if (superseded) return;
  const response = Number(question.dataset.response);
  // A newer change to the same field makes any pending one moot.
  const entries = readJournal().filter((entry) => !(entry.response === response && entry.field === field));
  // Before the claim answers there is no sequence base yet: numbered then.
  entries.push({ seq: nextSeq ? ++nextSeq : null, response, field, value });
  writeJournal(entries);
  refreshStatus();
  flush();
}

function numberUnnumbered() {
  writeJournal(readJournal().map((entry) => (entry.seq === null ? { ...entry, seq: ++nextSeq } : entry)));
}

function sent({ seq, response, field, value }) {
  return { seq, response, field, value };
}

function bytesOf(value) {
  return encoder.encode(JSON.stringify(value)).length;
}

// The oldest pending saves that fit in one body together; the first goes even alone too large to fit.
function batchOf(pending) {
  const batch = [];
  let size = bytesOf({ tab, saves: [] });
  for (const entry of pending.slice(0, BATCH_SAVES)) {
    const bytes = bytesOf(sent(entry)) + (batch.length ? 1 : 0); // and the comma before it
    if (batch.length && size + bytes > BODY_LIMIT) break;
    batch.push(entry);
    size += bytes;
  }
  return batch;
}

// A save too large for the server alone is refused however often it is sent: it leaves the journal, said so.
function dropTooLarge(entry, body) {
  if (body.code !== "too_large") throw new Error("save answered 413");
  writeJournal(readJournal().filter((pending) => pending.seq !== entry.seq));
  announce(`Not saved. ${body.message}`);
}

async function flush() {
  const pending = readJournal();
  if (inflight || !pending.length || superseded || nextSeq === 0) return;
  inflight = true;
  const batch = batchOf(pending);
  try {
    const response = await fetch(config.saveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({ tab, saves: batch.map(sent) }),
      credentials: "same-origin",
    });
    const tooLarge = response.status === 413 && batch.length === 1;
    if (!response.ok && !tooLarge) throw new Error(`save answered ${response.status}`);
    const body = await response.json();
    if (tooLarge) dropTooLarge(batch[0], body);
    else acknowledge(body.acks);
    retryDelay = 1000;
    clearTimeout(retryTimer);
    retryTimer = null;
    if (!tooLarge) applyState(body);
  } catch {
    // One retry at a time: a change made while a retry waits also tries at once.
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => { retryTimer = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  } finally {
    inflight = false;
    refreshStatus();
  }
  if (readJournal().length && !retryTimer) flush();
}

// The way to the server is open again (the network, or the server's database,
// is back): send what is pending now rather than when the backoff says.
function retryNow() {
  clearTimeout(retryTimer);
  retryTimer = null;
  flush();
}

function acknowledge(acks) {
  // Every acknowledged save leaves the journal: sent again, it would only be answered as a repeat.
  const done = new Set(acks.map((ack) => ack.seq));
  writeJournal(readJournal().filter((entry) => !done.has(entry.seq)));
  const unsaved = acks.filter((ack) => !HELD.has(ack.code));
  for (const ack of unsaved) announce(`Not saved: ${ack.reason}.`);
  if (unsaved.some((ack) => ack.code === "choice_limit")) undoChoice();
  const late = unsaved.filter((ack) => ack.code === "section_closed").length;
  if (late) sessionStorage.setItem(lateKey, String(Number(sessionStorage.getItem(lateKey) || 0) + late));
}

function announceLateChanges() {
  const late = Number(sessionStorage.getItem(lateKey) || 0);
  if (!late) return;
  sessionStorage.removeItem(lateKey);
  announce(`${late} change${late === 1 ? "" : "s"} made after the previous part's time was over ` +
           `${late === 1 ? "was" : "were"} not saved.`);
}

function undoChoice() {
  // The server refused a choice beyond k: show the choices it holds.
  fetchState();
}

// The clock: the server's seconds left, counted down locally and corrected.

const countdown = document.getElementById("countdown");
const warning = document.getElementById("time-warning");
let secondsAtSync = Number(config.secondsLeft);
let syncedAt = performance.now();
let paused = config.paused === "true";
const warned = new Set(WARNINGS.filter((limit) => secondsAtSync <= limit));

function secondsLeft() {
  if (paused) return secondsAtSync;
  return Math.max(0, Math.round(secondsAtSync - (performance.now() - syncedAt) / 1000));
}

function formatTime(total) {
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return hours ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

function announce(text) {
  warning.hidden = false;
  warning.textContent = text;
}

function tick() {
  const left = secondsLeft();
  countdown.textContent = formatTime(left);
  for (const limit of WARNINGS) {
    if (left <= limit && !warned.has(limit)) {
      warned.add(limit);
      announce(limit >= 120 ? `${limit / 60} minutes left in this part.` : "1 minute left in this part.");
    }
  }
  if (left === 0 && !paused) {
    // The server closes the section at its deadline; go where it says.
    flush().finally(() => setTimeout(fetchState, 1000));
  }
}

function applyState(state) {
  if (state.code === "stale_tab") {
    superseded = true;
    document.getElementById("superseded").hidden = false;
    root.querySelectorAll("input, textarea").forEach((input) => { input.disabled = true; });
    return;
  }
  // Not started or finished, or another part open: the attempt's page shows where it stands.
  if ((state.code !== "in_progress" && state.code !== "paused") || String(state.position) !== config.position) {
    window.location.assign(config.sitUrl);
    return;
  }
  paused = state.code === "paused";
  showPause(state.hold);
  secondsAtSync = state.seconds_left;
  syncedAt = performance.now();
  countdown.textContent = formatTime(secondsLeft());
}

const PAUSE_TEXT = {
  proctor: "Paused by proctor. Your clock has stopped; it starts again when the proctor resumes. Your answers are saved.",
  readmission: "Waiting for your proctor to re-admit you, because the examination was opened again here. "
    + "Your clock has stopped; your answers are saved.",
};

function showPause(hold) {
  const banner = document.getElementById("paused");
  banner.hidden = !hold;
  if (hold && banner.textContent !== PAUSE_TEXT[hold]) banner.textContent = PAUSE_TEXT[hold];
  root.classList.toggle("runner-paused", Boolean(hold));
}

async function fetchState() {
  try {
    const response = await fetch(`${config.stateUrl}?tab=${encodeURIComponent(tab)}`, { credentials: "same-origin" });
    if (!response.ok) return;
    applyState(await response.json());
    if (retryTimer) retryNow();
  } catch {
    refreshStatus();
  }
}

// Moving between questions.

const questions = [...root.querySelectorAll(".question")];
const linear = config.navigation === "linear";
let current = 0;

const placeKey = `attest-place-${attemptId}-${config.position}`;

function show(index, focus = true) {
  if (index < 0 || index >= questions.length) return;
  questions[current].hidden = true;
  current = index;
  try {
    localStorage.setItem(placeKey, String(index));
  } catch {
    // Without storage a reload starts at the first question; nothing else is lost.
  }
  questions[current].hidden = false;
  root.querySelectorAll(".nav-item").forEach((button, i) => {
    if (i === current) button.setAttribute("aria-current", "step");
    else button.removeAttribute("aria-current");
    if (linear) button.disabled = i !== current;
  });
  const previous = document.getElementById("previous");
  if (previous) previous.disabled = current === 0;
  document.getElementById("next").disabled = current === questions.length - 1;
  if (focus) questions[current].querySelector("h2").focus();
}

function updateQuestionState(question) {
  const index = questions.indexOf(question);
  const button = root.querySelectorAll(".nav-item")[index];
  const answered = says(answerOf(question));
  const flagged = question.querySelector('[data-field="flag"]').checked;
  button.classList.toggle("answered", answered);
  button.classList.toggle("flagged", flagged);
  button.querySelector(".nav-state").textContent =
    `${answered ? ", answered" : ", not answered"}${flagged ? ", flagged" : ""}`;
  question.querySelectorAll("[data-words]").forEach((counter) => {
    const text = counter.closest(".field").querySelector("textarea").value.trim();
    counter.textContent = text ? text.split(/\s+/).length : 0;
  });
  const chosenCount = document.getElementById("chosen-count");
  if (chosenCount) chosenCount.textContent = root.querySelectorAll('[data-field="choose"]:checked').length;
}

// Wiring.

const textTimers = new Map();

root.addEventListener("change", (event) => {
  const field = event.target.dataset.field;
  if (!field) return;
  const question = questionOf(event.target);
  updateQuestionState(question);
  if (field === "answer" && event.target.tagName === "TEXTAREA") return;
  record(question, field, field === "answer" ? answerOf(question) : event.target.checked);
});

root.addEventListener("input", (event) => {
  if (event.target.tagName !== "TEXTAREA") return;
  const question = questionOf(event.target);
  updateQuestionState(question);
  clearTimeout(textTimers.get(question));
  textTimers.set(question, setTimeout(() => record(question, "answer", answerOf(question)), TEXT_DEBOUNCE_MS));
});

root.querySelectorAll(".nav-item").forEach((button, index) => {
  button.addEventListener("click", () => show(index));
});
document.getElementById("next").addEventListener("click", () => show(current + 1));
document.getElementById("previous")?.addEventListener("click", () => show(current - 1));
document.getElementById("review-link").addEventListener("click", (event) => {
  // Leave only once everything typed is saved.
  event.preventDefault();
  textTimers.forEach((timer, question) => { clearTimeout(timer); record(question, "answer", answerOf(question)); });
  textTimers.clear();
  const href = event.currentTarget.href;
  const leave = () => (readJournal().length ? setTimeout(leave, 300) : window.location.assign(href));
  flush();
  leave();
});

window.addEventListener("online", retryNow);
window.addEventListener("offline", refreshStatus);
window.addEventListener("pagehide", () => {
  textTimers.forEach((timer, question) => { clearTimeout(timer); record(question, "answer", answerOf(question)); });
});

// The page may have been drawn while a save from the page before was still
// being committed; the claim, which waits for it, says what is stored. That is
// shown wherever no change of this tab's own is still pending, in the journal
// or still being typed.
function showSaved(saved) {
  const pending = new Set(readJournal().map((entry) => `${entry.response}:${entry.field}`));
  for (const { response, answer, flag, choose } of saved) {
    const question = questionByResponse(response);
    if (!question) continue;
    if (textTimers.has(question)) pending.add(`${response}:answer`);
    for (const [field, value] of [["answer", answer], ["flag", flag], ["choose", choose]]) {
      if (!pending.has(`${response}:${field}`)) showValue(question, field, value);
    }
  }
}

async function claim() {
  try {
    const response = await fetch(config.claimUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({ tab }),
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`claim answered ${response.status}`);
    const body = await response.json();
    nextSeq = body.seq_base;
    numberUnnumbered();
    showSaved(body.saved);
    applyState(body);
    flush();
  } catch {
    refreshStatus();
    setTimeout(claim, 3000);
  }
}

// Start: replay the journal onto the page, take the attempt, send what is pending.
for (const entry of readJournal()) {
  const question = questionByResponse(entry.response);
  if (question) showValue(question, entry.field, entry.value);
}
questions.forEach(updateQuestionState);
// Back where the candidate was: the question in the address (from the review
// screen), else the one they last saw in this part.
const linked = questions.findIndex((question) => `#${question.id}` === window.location.hash);
let stored = -1;
try {
  stored = Number(localStorage.getItem(placeKey) ?? -1);
} catch {
  stored = -1;
}
show(linked >= 0 ? linked : Math.max(0, Math.min(stored, questions.length - 1)), false);
refreshStatus();
tick();
announceLateChanges();
setInterval(tick, 1000);
setInterval(fetchState, STATE_POLL_MS);
claim();
