// The exam runner: one question at a time, every change saved to the server,
// nothing lost while offline, and a countdown the server's clock corrects.
//
// Saves are numbered: this tab claims the attempt and gets a base from the
// server; each change takes the next number. Unacknowledged saves live in
// localStorage (the journal) until the server acknowledges them after its
// commit, so a reload, a crash or a lost network loses nothing: the journal
// is replayed onto the page and sent again. The server keeps the highest
// number per field, so repeats and reordering are harmless. Only the tab
// holding the claim saves: each journal entry names its tab, and a tab sends
// only its own, so a change made in a window that has been superseded is
// never sent from another and is reported as not saved where it was made.
//
// Besides answers, the candidate's marks (options crossed out, text
// highlighted) travel the same way, as the field `marks` of their question.

import { formatTime } from "./countdown.js";

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
// A later change of this tab's own holds the field: the page shows that one.
const OVERTAKEN = new Set(["stale"]);
const TEXT_DEBOUNCE_MS = 1500;
// The most the server reads of one request's body: a batch of saves stops short of it.
const BODY_LIMIT = Number(config.bodyLimit);
const BATCH_SAVES = 50;
const encoder = new TextEncoder();
// A proctor's pause or extension shows within 5 seconds; each poll is also the
// heartbeat behind the board's "last contact".
const STATE_POLL_MS = 4000;
const WARNINGS = [600, 60];

// Every page load is a tab of its own: a duplicated tab (which copies
// sessionStorage) gets its own id and takes the attempt over, so the two are
// never mistaken for one. A reload names the id it replaces, which the page
// before it marked as released when it was hidden, and carries on.
const tabKey = `attest-tab-${attemptId}`;
const releasedKey = `attest-released-${attemptId}`;
const aliveKey = `attest-alive-${attemptId}`;
const previousTab = sessionStorage.getItem(tabKey);
const resumes = previousTab && sessionStorage.getItem(releasedKey) === previousTab ? previousTab : "";
const tab = crypto.randomUUID();
sessionStorage.setItem(tabKey, tab);
sessionStorage.removeItem(releasedKey);
// A tab whose page has not been heard from for this long is gone (closed,
// crashed): its unsent changes are taken over by whichever tab holds the claim.
const GONE_MS = 12000;

let nextSeq = 0;
let inflight = false;
let retryDelay = 1000;
let retryTimer = null;
let superseded = false;
let claimed = false;
let memoryJournal = [];
// Changes the server refused, by "response:field", with its sentence: the
// page shows them as not saved until a later change of the field is saved.
const refused = new Map();

// The journal: saves not yet acknowledged, in localStorage when it allows,
// shared by the attempt's tabs in this browser; each entry names its tab.

function readAll() {
  try {
    return JSON.parse(localStorage.getItem(journalKey) || "[]");
  } catch {
    return memoryJournal;
  }
}

function writeAll(entries) {
  memoryJournal = entries;
  try {
    localStorage.setItem(journalKey, JSON.stringify(entries));
  } catch {
    // Storage full or refused: the in-memory journal still holds them.
  }
}

function readJournal() {
  return readAll().filter((entry) => entry.tab === tab);
}

// Rewrites this tab's entries; every other tab's stay as they are.
function writeJournal(entries) {
  writeAll([...readAll().filter((entry) => entry.tab !== tab), ...entries]);
}

function readAlive() {
  try {
    return JSON.parse(localStorage.getItem(aliveKey) || "{}");
  } catch {
    return {};
  }
}

function heartbeat() {
  const alive = readAlive();
  alive[tab] = Date.now();
  for (const [other, seen] of Object.entries(alive)) if (Date.now() - seen > GONE_MS * 10) delete alive[other];
  try {
    localStorage.setItem(aliveKey, JSON.stringify(alive));
  } catch {
    // Without storage there is no other tab's journal to take over either.
  }
}

// The unsent changes of the page this one reloads, and of tabs gone without
// sending theirs (closed, crashed), become this tab's: nothing entered is lost.
function adoptOrphans() {
  const alive = readAlive();
  const orphaned = (entry) => entry.tab !== tab
    && (entry.tab === resumes || !entry.tab || !(Date.now() - (alive[entry.tab] || 0) < GONE_MS));
  const entries = readAll();
  if (!entries.some(orphaned)) return [];
  const adopted = entries.filter(orphaned);
  writeAll(entries.map((entry) => (orphaned(entry) ? { ...entry, tab, seq: nextSeq ? ++nextSeq : null } : entry)));
  return adopted;
}

// What the candidate sees of saving.

const status = document.getElementById("save-status");

function showStatus(text, state) {
  if (status.textContent !== text) status.textContent = text;
  status.dataset.state = state;
}

function changes(count) {
  return `${count} change${count === 1 ? "" : "s"}`;
}

// Never "All answers saved" while anything entered here is not held by the server.
function refreshStatus() {
  // Where the candidate is travels with the saves, but is not one of their answers.
  const pending = readJournal().filter((entry) => entry.field !== "at").length;
  if (superseded) {
    showStatus("Not saved here: the examination is open in another window", "refused");
  } else if (!navigator.onLine || retryTimer) {
    showStatus(`Not saved: reconnecting (${changes(pending)} kept on this computer)`, "offline");
  } else if (paused && pending) {
    showStatus(`Not saved yet: paused (${changes(pending)} kept on this computer, sent when you continue)`, "offline");
  } else if (refused.size) {
    showStatus(`Not saved: ${changes(refused.size)} refused (see the message above the questions)`, "refused");
  } else if (!claimed) {
    showStatus("Connecting…", "saving");
  } else if (pending || textTimers.size) {
    showStatus("Saving…", "saving");
  } else {
    showStatus("All answers saved", "saved");
  }
}

// The refused changes still standing, each with the server's sentence.
const problem = document.getElementById("save-problem");

function showRefused() {
  problem.hidden = refused.size === 0;
  const lines = [...refused.values()]
    .map(({ number, reason }) => `Question ${number}: not saved, ${reason.replace(/\.$/, "")}.`);
  const text = lines.join(" ");
  if (problem.textContent !== text) problem.textContent = text;
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
  if (field === "marks") {
    showMarks(question, value);
    return;
  }
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

function numberOf(responseId) {
  return root.querySelector(`.nav-item[data-item="${responseId}"]`)?.dataset.goto ?? "?";
}

// Saving.

function record(question, field, value) {
  recordFor(Number(question.dataset.response), field, value);
}

function recordFor(response, field, value) {
  if (superseded) return;
  // A newer change to the same field makes any pending one moot; there is one place the candidate is at.
  const moot = (entry) => entry.field === field && (field === "at" || entry.response === response);
  const entries = readJournal().filter((entry) => !moot(entry));
  // Before the claim answers there is no sequence base yet: numbered then.
  entries.push({ tab, seq: nextSeq ? ++nextSeq : null, response, field, value });
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
// A save the server will never read, however often sent: it leaves the
// journal, so the saves after it are not held up, and stays shown as not saved.
function dropTooLarge(entry, body) {
  if (body.code !== "too_large") throw new Error("save answered 413");
  writeJournal(readJournal().filter((pending) => pending.seq !== entry.seq));
  refused.set(`${entry.response}:${entry.field}`, { number: numberOf(entry.response), reason: body.message });
  showRefused();
}

async function flush() {
  const pending = readJournal();
  if (inflight || !pending.length || superseded || paused || nextSeq === 0) return;
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
    retryDelay = 1000;
    clearTimeout(retryTimer);
    retryTimer = null;
    if (!tooLarge) {
      applyState(body);
      acknowledge(body.acks, batch);
    }
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

function acknowledge(acks, batch) {
  const sent = new Map(batch.map((entry) => [entry.seq, entry]));
  // A save refused while the clock stands still stays in the journal, sent again when it runs;
  // a superseded tab's are reported by `supersede`. Every other acknowledged save leaves the
  // journal: sent again, it would only be answered as a repeat.
  const kept = acks.filter((ack) => ack.code === "paused" || ack.code === "stale_tab" && superseded);
  const done = new Set(acks.filter((ack) => !kept.includes(ack)).map((ack) => ack.seq));
  writeJournal(readJournal().filter((entry) => !done.has(entry.seq)));
  for (const ack of acks) {
    const entry = sent.get(ack.seq);
    if (!entry || kept.includes(ack) || entry.field === "at" && HELD.has(ack.code)) continue;
    const key = `${entry.response}:${entry.field}`;
    if (entry.field === "choose") clearChoiceNotice();
    if (ack.code === "choice_limit") undoChoice(entry.response, ack.reason);
    else if (HELD.has(ack.code) || OVERTAKEN.has(ack.code)) refused.delete(key);
    else refused.set(key, { number: numberOf(entry.response), reason: ack.reason });
    if (ack.code === "question_passed" || ack.code === "question_not_reached") window.location.assign(config.sitUrl);
  }
  const late = acks.filter((ack) => ack.code === "section_closed" && sent.get(ack.seq)?.field !== "at").length;
  if (late) sessionStorage.setItem(lateKey, String(Number(sessionStorage.getItem(lateKey) || 0) + late));
  showRefused();
}

function announceLateChanges() {
  const late = Number(sessionStorage.getItem(lateKey) || 0);
  if (!late) return;
  sessionStorage.removeItem(lateKey);
  announce(`${late} change${late === 1 ? "" : "s"} made after the previous part's time was over ` +
           `${late === 1 ? "was" : "were"} not saved.`);
}

// The server refused a choice beyond k: it holds this one unchosen, as the
// page then shows; the notice stays until the next choice is answered.
let choiceNotice = "";

function undoChoice(responseId, reason) {
  const question = questionByResponse(responseId);
  if (question) showValue(question, "choose", false);
  choiceNotice = `Not chosen: ${reason}.`;
  announce(choiceNotice);
}

function clearChoiceNotice() {
  if (choiceNotice && warning.textContent === choiceNotice) warning.hidden = true;
  choiceNotice = "";
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

// Another tab holds the attempt: stop, and say what entered here was not saved.
function supersede() {
  if (superseded) return;
  superseded = true;
  textTimers.forEach((timer) => clearTimeout(timer));
  textTimers.clear();
  const lost = readJournal().filter((entry) => entry.field !== "at").length;
  writeJournal([]);
  const banner = document.getElementById("superseded");
  banner.textContent = "This examination is now open in another window or on another computer. Continue there. "
    + (lost ? `${changes(lost)} made here after that ${lost === 1 ? "was" : "were"} not saved: make `
      + `${lost === 1 ? "it" : "them"} again there.` : "Everything you entered here was saved.");
  banner.hidden = false;
  root.querySelectorAll("input, textarea, button").forEach((input) => { input.disabled = true; });
  refreshStatus();
}

function applyState(state) {
  if (state.code === "stale_tab") {
    supersede();
    return;
  }
  // Not started or finished, or another part open: the attempt's page shows where it stands.
  if ((state.code !== "in_progress" && state.code !== "paused") || String(state.position) !== config.position) {
    window.location.assign(config.sitUrl);
    return;
  }
  const resumed = paused && state.code !== "paused";
  paused = state.code === "paused";
  showPause(state.hold);
  if (resumed) flush();
  secondsAtSync = state.seconds_left;
  syncedAt = performance.now();
  countdown.textContent = formatTime(secondsLeft());
}

const PAUSE_TEXT = {
  proctor: "Paused by proctor. Your clock has stopped; it starts again when the proctor resumes. What you saved before is kept; nothing can be changed until then.",
  readmission: "Waiting for your proctor to re-admit you, because the examination was opened again here. "
    + "Your clock has stopped. What you saved before is kept; nothing can be changed until then.",
};

function showPause(hold) {
  const banner = document.getElementById("paused");
  banner.hidden = !hold;
  if (hold && banner.textContent !== PAUSE_TEXT[hold]) banner.textContent = PAUSE_TEXT[hold];
  root.classList.toggle("runner-paused", Boolean(hold));
}

async function fetchState() {
  if (!claimed || superseded) return;
  heartbeat();
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

// A free part holds every question and the candidate moves at will; a linear
// part's page holds only the question the server says the candidate is on,
// and Next asks the server to move on before the next page is drawn.
const questions = [...root.querySelectorAll(".question")];
const navButtons = [...root.querySelectorAll(".nav-item")];
const linear = config.navigation === "linear";
let current = 0;
const bar = document.getElementById("runner-bar");
// The map beside the question on a wide screen is open; on a narrow one (a
// phone, a zoomed window) it starts closed, below the question.
const wide = window.matchMedia("(min-width: 60rem)");
const map = document.getElementById("question-map");
map.open = wide.matches;

// The question's top stays clear of the sticky bar, however tall zoom makes it.
function measureBar() {
  document.documentElement.style.setProperty("--runner-bar-height", `${bar.offsetHeight}px`);
}
new ResizeObserver(measureBar).observe(bar);

// The question shown next starts under the sticky bar: the page moves only
// when the question's top is out of view (scrolled past, or below the fold).
function bringIntoView(question) {
  const top = question.getBoundingClientRect().top;
  if (top < bar.getBoundingClientRect().bottom || top > window.innerHeight / 2) {
    question.scrollIntoView({ block: "start", behavior: "instant" });
  }
}

function navButtonOf(question) {
  return navButtons.find((button) => button.dataset.goto === question.dataset.number);
}

function show(index, focus = true) {
  if (index < 0 || index >= questions.length) return;
  questions[current].hidden = true;
  current = index;
  questions[current].hidden = false;
  const here = navButtonOf(questions[current]);
  navButtons.forEach((button) => {
    if (button === here) button.setAttribute("aria-current", "step");
    else button.removeAttribute("aria-current");
  });
  const previous = document.getElementById("previous");
  if (previous) previous.disabled = current === 0;
  const last = navButtons.indexOf(here) === navButtons.length - 1;
  document.getElementById("next").disabled = last;
  if (focus) {
    if (!wide.matches) map.open = false;
    questions[current].querySelector("h2").focus({ preventScroll: true });
    bringIntoView(questions[current]);
    recordFor(Number(questions[current].dataset.response), "at", true);
  }
}

// Everything typed is recorded, then sent; `then` runs once the server holds it all.
function whenSaved(then) {
  textTimers.forEach((timer, question) => { clearTimeout(timer); record(question, "answer", answerOf(question)); });
  textTimers.clear();
  flush();
  const wait = () => {
    if (superseded) return;
    if (readJournal().length) setTimeout(wait, 300);
    else then();
  };
  wait();
}

function moveOn() {
  const next = navButtons[navButtons.indexOf(navButtonOf(questions[current])) + 1];
  if (!next) return;
  recordFor(Number(next.dataset.item), "at", true);
  whenSaved(() => window.location.assign(config.sitUrl));
}

function updateQuestionState(question) {
  const button = navButtonOf(question);
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
  const answeredCount = navButtons.filter((nav) => nav.classList.contains("answered")).length;
  document.getElementById("map-summary").textContent = `(${answeredCount} of ${navButtons.length} answered)`;
  const chosenCount = document.getElementById("chosen-count");
  if (chosenCount) chosenCount.textContent = root.querySelectorAll('[data-field="choose"]:checked').length;
}

// Marks: options crossed out and text highlighted, the candidate's own.
// An item's kind marks what may be crossed out (data-strike, the option's id)
// and the text that may be highlighted (data-highlightable). A highlight is
// kept as [start, end) offsets into that text, so it lands on the same words
// after a reload, however the page splits the text into elements.

const highlights = new Map();

function regionOf(question) {
  return question.querySelector("[data-highlightable]");
}

function marksOf(question) {
  const struck = [...question.querySelectorAll('[data-strike][aria-pressed="true"]')]
    .map((button) => button.dataset.strike);
  return { struck, highlights: highlights.get(question) ?? [] };
}

function showMarks(question, marks) {
  const struck = new Set(marks?.struck ?? []);
  question.querySelectorAll("[data-strike]").forEach((button) => {
    button.setAttribute("aria-pressed", String(struck.has(button.dataset.strike)));
  });
  highlights.set(question, marks?.highlights ?? []);
  paintHighlights(question);
}

// Draws the question's highlights as <mark> elements around exactly their text.
function paintHighlights(question) {
  const region = regionOf(question);
  const spans = highlights.get(question) ?? [];
  const clear = question.querySelector("[data-clear-highlights]");
  if (clear && !superseded) clear.disabled = spans.length === 0;
  if (!region) return;
  region.querySelectorAll("mark.highlight").forEach((mark) => mark.replaceWith(...mark.childNodes));
  region.normalize();
  const walker = document.createTreeWalker(region, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let at = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push([node, at]);
    at += node.data.length;
  }
  for (const [node, start] of nodes) {
    const end = start + node.data.length;
    const pieces = spans.map(([from, to]) => [Math.max(from, start), Math.min(to, end)]).filter(([from, to]) => from < to);
    // From the last piece back, so the text node keeps the offsets of the pieces before it.
    for (const [from, to] of pieces.reverse()) {
      const piece = node.splitText(from - start);
      piece.splitText(to - from);
      const mark = document.createElement("mark");
      mark.className = "highlight";
      piece.replaceWith(mark);
      mark.append(piece);
    }
  }
}

// A point of the page as an offset into the region's text; a point before or after it is its start or end.
function offsetIn(region, node, offset) {
  const whole = document.createRange();
  whole.selectNodeContents(region);
  const where = whole.comparePoint(node, offset);
  if (where > 0) return whole.toString().length;
  if (where < 0) return 0;
  whole.setEnd(node, offset);
  return whole.toString().length;
}

// The text selected in the shown question's highlightable part, as offsets;
// kept when the selection collapses as the Highlight button is pressed.
let selected = null;
let armed = null;

document.addEventListener("selectionchange", () => {
  const selection = document.getSelection();
  const question = questions[current];
  const region = question && regionOf(question);
  selected = null;
  if (!region || !selection.rangeCount || selection.isCollapsed) return;
  const range = selection.getRangeAt(0);
  if (!range.intersectsNode(region)) return;
  const start = offsetIn(region, range.startContainer, range.startOffset);
  const end = offsetIn(region, range.endContainer, range.endOffset);
  if (start < end) selected = { question, start, end };
});

// Sorted and apart: overlapping or touching highlights become one.
function merged(spans) {
  const out = [];
  for (const [from, to] of [...spans].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

function highlight(question) {
  const chosen = armed ?? selected;
  armed = null;
  if (!chosen || chosen.question !== question) {
    announce("Select words in the question first, then choose Highlight.");
    return;
  }
  highlights.set(question, merged([...(highlights.get(question) ?? []), [chosen.start, chosen.end]]));
  document.getSelection().removeAllRanges();
  paintHighlights(question);
  record(question, "marks", marksOf(question));
}

root.addEventListener("pointerdown", (event) => {
  if (event.target.closest("[data-highlight]")) armed = selected;
});

root.addEventListener("click", (event) => {
  const button = event.target.closest("[data-strike], [data-highlight], [data-clear-highlights]");
  if (!button || superseded) return;
  const question = questionOf(button);
  if (button.matches("[data-strike]")) {
    button.setAttribute("aria-pressed", String(button.getAttribute("aria-pressed") !== "true"));
  } else if (button.matches("[data-highlight]")) {
    highlight(question);
    return;
  } else {
    highlights.set(question, []);
    paintHighlights(question);
    question.querySelector("h2").focus({ preventScroll: true }); // the button is disabled now; focus stays near
  }
  record(question, "marks", marksOf(question));
});

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
  textTimers.set(question, setTimeout(() => {
    textTimers.delete(question);
    record(question, "answer", answerOf(question));
  }, TEXT_DEBOUNCE_MS));
  refreshStatus();
});

if (!linear) {
  navButtons.forEach((button) => {
    button.addEventListener("click", () => show(questions.findIndex((q) => q.dataset.number === button.dataset.goto)));
  });
}
document.getElementById("next").addEventListener("click", () => (linear ? moveOn() : show(current + 1)));
document.getElementById("previous")?.addEventListener("click", () => show(current - 1));
document.getElementById("review-link").addEventListener("click", (event) => {
  // Leave only once everything typed is saved.
  event.preventDefault();
  const href = event.currentTarget.href;
  whenSaved(() => window.location.assign(href));
});

window.addEventListener("online", retryNow);
window.addEventListener("offline", refreshStatus);
window.addEventListener("pagehide", () => {
  textTimers.forEach((timer, question) => { clearTimeout(timer); record(question, "answer", answerOf(question)); });
  // The page that follows in this browser tab (a reload, the next question) carries on this tab's claim.
  if (!superseded) sessionStorage.setItem(releasedKey, tab);
});
window.addEventListener("pageshow", (event) => {
  if (event.persisted) sessionStorage.removeItem(releasedKey);
});

// The page may have been drawn while a save from the page before was still
// being committed; the claim, which waits for it, says what is stored. That is
// shown wherever no change of this tab's own is still pending, in the journal
// or still being typed.
function showSaved(saved) {
  const pending = new Set([...readJournal().map((entry) => `${entry.response}:${entry.field}`), ...refused.keys()]);
  for (const { response, answer, flag, choose, marks } of saved) {
    const question = questionByResponse(response);
    if (!question) continue;
    if (textTimers.has(question)) pending.add(`${response}:answer`);
    for (const [field, value] of [["answer", answer], ["flag", flag], ["choose", choose], ["marks", marks]]) {
      if (!pending.has(`${response}:${field}`)) showValue(question, field, value);
    }
  }
}

async function claim() {
  try {
    const response = await fetch(config.claimUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({ tab, resumes }),
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`claim answered ${response.status}`);
    const body = await response.json();
    nextSeq = body.seq_base;
    claimed = true;
    heartbeat();
    numberUnnumbered();
    showSaved(body.saved);
    applyState(body);
    setInterval(fetchState, STATE_POLL_MS);
    refreshStatus();
    flush();
  } catch {
    refreshStatus();
    setTimeout(claim, 3000);
  }
}

// Start: take over what the page before left unsent, replay it onto the page,
// take the attempt, send what is pending.
function replay(entries) {
  for (const entry of entries) {
    const question = questionByResponse(entry.response);
    if (question && entry.field !== "at") showValue(question, entry.field, entry.value);
  }
}
questions.forEach((question) => showMarks(question, JSON.parse(question.dataset.marks)));
replay(adoptOrphans());
questions.forEach(updateQuestionState);
// Back where the candidate was: the question in the address (from the review
// screen), else the one the server says they are on.
const linked = questions.findIndex((question) => `#${question.id}` === window.location.hash);
const onServer = questions.findIndex((question) => question.dataset.number === config.current);
show(linked >= 0 && !linear ? linked : Math.max(0, onServer), false);
refreshStatus();
tick();
announceLateChanges();
setInterval(tick, 1000);
// Tabs gone meanwhile leave their unsent changes to the one holding the claim.
setInterval(() => { if (claimed && !superseded) { replay(adoptOrphans()); flush(); } }, GONE_MS);
claim();
