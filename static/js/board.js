// The live board: every 5 seconds, fetch the session's rows and counts and
// redraw them, keeping the proctor's ticks. Rows are built with textContent
// only: a candidate's name is data, never markup.

const root = document.getElementById("board");
const rows = document.getElementById("board-rows");
const status = document.getElementById("board-status");
const pickAll = document.getElementById("pick-all");
const POLL_MS = 5000;
const closedForm = !document.getElementById("board-actions");

function cell(...children) {
  const td = document.createElement("td");
  td.append(...children);
  return td;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function clock(seconds) {
  if (seconds === null) return "";
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function candidateUrl(row) {
  return root.dataset.candidateUrl.replace(/\/0$/, `/${row.enrollment}`);
}

// As templates/proctor/_identity_badge.html draws it.
function identityCell(row, required) {
  const parts = [];
  if (row.identity_checked) parts.push(element("span", "ID checked", "badge badge-identity_checked"));
  else if (required) parts.push(element("span", "ID not checked", "badge badge-identity_missing"));
  if (!closedForm && (required || row.identity_checked)) {
    const link = element("a", row.identity_checked ? "Correct" : "Check ID");
    link.href = `${candidateUrl(row)}/identity`;
    link.append(element("span", ` of ${row.name}`, "visually-hidden"));
    parts.push(" ", link);
  }
  return cell(...parts);
}

function buildRow(row, ticked, identityRequired) {
  const tr = document.createElement("tr");
  tr.dataset.enrollment = row.enrollment;
  tr.className = `standing-${row.standing}${row.silent ? " silent" : ""}`;

  const box = element("input");
  box.type = "checkbox";
  box.name = "enrollments";
  box.value = row.enrollment;
  box.id = `pick-${row.enrollment}`;
  box.checked = ticked.has(String(row.enrollment));
  box.disabled = closedForm;
  box.setAttribute("form", "board-actions");
  const label = element("label", `Select ${row.name}`, "visually-hidden");
  label.htmlFor = box.id;

  const link = element("a", row.name);
  link.href = candidateUrl(row);
  const badge = element("span", row.label, `badge badge-${row.standing}`);
  const standing = [badge];
  if (row.finish_reason) standing.push(" ", element("span", `(${row.finish_reason.replace("_", " ")})`, "hint"));

  let contact = "";
  if (row.standing === "admitted_not_connected") contact = element("strong", "Not connected since admitted", "warning");
  else if (row.silent) contact = element("strong", `Not heard from for ${row.silent_seconds} s`, "warning");
  else if (row.silent_seconds !== null) contact = `${row.silent_seconds} s ago`;

  const time = cell(clock(row.seconds_left));
  time.className = "numeric";
  tr.append(
    cell(box, label),
    cell(link, element("br"), element("span", row.email, "hint")),
    cell(...standing),
    identityCell(row, identityRequired),
    cell(row.section || ""),
    cell(row.progress),
    time,
    cell(contact),
    cell(row.accommodations),
  );
  return tr;
}

function draw(board) {
  const ticked = new Set([...rows.querySelectorAll("input[name=enrollments]:checked")].map((box) => box.value));
  const fragment = document.createDocumentFragment();
  for (const row of board.rows) fragment.append(buildRow(row, ticked, board.identity_required));
  if (board.rows.length) rows.replaceChildren(fragment);
  for (const [standing, count] of Object.entries(board.counts)) {
    const item = root.querySelector(`[data-standing="${standing}"] .count`);
    if (item) item.textContent = count;
  }
  const silent = root.querySelector('[data-standing="silent"]');
  silent.querySelector(".count").textContent = board.silent;
  silent.classList.toggle("alert", board.silent > 0);
  const identity = root.querySelector("[data-identity-count] .count");
  if (identity) identity.textContent = board.identity_checked;
  status.textContent = `Updated ${board.server_now.slice(11, 19)} UTC. The board refreshes every 5 seconds.`;
  status.dataset.state = "live";
}

async function refresh() {
  try {
    const response = await fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`board answered ${response.status}`);
    draw(await response.json());
  } catch {
    status.textContent = "The board is not updating: retrying. What it shows may be out of date.";
    status.dataset.state = "stale";
  }
  setTimeout(refresh, POLL_MS);
}

pickAll?.addEventListener("change", () => {
  rows.querySelectorAll("input[name=enrollments]").forEach((box) => { box.checked = pickAll.checked; });
});

setTimeout(refresh, POLL_MS);
