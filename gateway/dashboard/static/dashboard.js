// The crmgate dashboard: reads and drives the admin API under /__admin.
// Every value from the gateway is attacker-controlled (a journaled body is whatever a client
// sent), so it only ever reaches the page as text: el() and textContent, never HTML.
"use strict";

const API = "/__admin";
const TOKEN_KEY = "crmgate.adminToken";
const SANDBOX_HEADER = "X-Crmgate-Sandbox";
const REQUESTS_EVERY_MS = 1000;
const OTHERS_EVERY_MS = 3000;
const KEEP = 500;

const state = {
  entries: [], // newest first
  newest: null, // highest entry id seen under the current filter
  total: null,
  selected: null,
  generation: 0, // moves on every restart: a poll that was out meanwhile is dropped
  timer: null,
  othersDue: 0,
};

const $ = (id) => document.getElementById(id);

// An element with text children only: strings become text nodes, never markup.
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "class") node.className = value;
    else if (key === "onclick") node.addEventListener("click", value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class AdminError extends Error {
  constructor(status, body) {
    const details = body && Array.isArray(body.details) ? `: ${body.details.join("; ")}` : "";
    super(`${(body && body.error) || `HTTP ${status}`}${details}`);
    this.status = status;
  }
}

// One admin call: the token (if any) travels as a header, never in the URL.
async function api(method, path, { body, sandbox } = {}) {
  const headers = { Accept: "application/json" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (sandbox) headers[SANDBOX_HEADER] = sandbox;
  const response = await fetch(API + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
    credentials: "omit",
  });
  if (response.status === 401) needToken(sessionStorage.getItem(TOKEN_KEY) ? "That token was refused." : "");
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { error: text };
  }
  if (!response.ok) throw new AdminError(response.status, data);
  return data;
}

// ---- access -------------------------------------------------------------------------------

function needToken(message) {
  stopPolling();
  $("dashboard").hidden = true;
  $("token-panel").hidden = false;
  $("token-message").textContent = message;
  setLive("token needed", "down");
  $("token").focus();
}

async function start() {
  let health;
  try {
    health = await api("GET", "/health");
  } catch (error) {
    if (error.status === 401) return;
    if (error.status === 403) {
      setLive("loopback only", "down");
      $("gateway-info").textContent =
        "This gateway serves its admin API to loopback callers only; start it with --admin-token to open it from here.";
      return;
    }
    setLive("offline", "down");
    window.setTimeout(start, 3000);
    return;
  }
  $("token-panel").hidden = true;
  $("dashboard").hidden = false;
  $("forget-token").hidden = !sessionStorage.getItem(TOKEN_KEY);
  $("gateway-info").textContent =
    `${health.dialects.join(" · ")} · fixtures ${health.fixtures || "none"}`;
  $("sandbox-fixtures").placeholder = health.fixtures || "none";
  for (const select of [$("filter-dialect"), $("fault-dialect")]) {
    select.replaceChildren(el("option", { value: "" }, "any"));
    for (const name of health.dialects) select.append(el("option", { value: name }, name));
  }
  restartRequests();
  const wanted = /^#request-(\d+)$/.exec(location.hash);
  if (wanted) openExchange(Number(wanted[1]));
}

// ---- polling ------------------------------------------------------------------------------

function setLive(text, kind) {
  const badge = $("live-state");
  badge.textContent = text;
  badge.className = `badge ${kind}`;
}

function stopPolling() {
  window.clearTimeout(state.timer);
  state.timer = null;
}

function schedule() {
  stopPolling();
  if ($("live").checked && !document.hidden) state.timer = window.setTimeout(tick, REQUESTS_EVERY_MS);
}

async function tick() {
  try {
    await pollRequests();
    if (Date.now() >= state.othersDue) {
      state.othersDue = Date.now() + OTHERS_EVERY_MS;
      await Promise.all([loadFaults(), loadSandboxes()]);
    }
    setLive($("live").checked ? "live" : "paused", $("live").checked ? "live" : "paused");
  } catch (error) {
    if (error.status === 401) return;
    setLive("offline, retrying", "down");
  }
  schedule();
}

function filterQuery() {
  const query = new URLSearchParams();
  const fields = {
    dialect: $("filter-dialect").value,
    method: $("filter-method").value,
    path: $("filter-path").value.trim(),
    status: $("filter-status").value.trim(),
    sandbox: $("filter-sandbox").value.trim(),
  };
  for (const [name, value] of Object.entries(fields)) if (value) query.set(name, value);
  return query;
}

function forgetRequests() {
  state.generation += 1;
  state.entries = [];
  state.newest = null;
  state.total = null;
  $("requests").tBodies[0].replaceChildren();
}

function restartRequests() {
  forgetRequests();
  state.othersDue = 0;
  tick();
}

async function pollRequests() {
  const generation = state.generation;
  const query = filterQuery();
  query.set("limit", "100");
  if (state.newest !== null) query.set("after", String(state.newest));
  const page = await api("GET", `/requests?${query}`);
  if (generation !== state.generation) return;
  if (state.total !== null && page.total < state.total) {
    forgetRequests(); // the journal was cleared (a reset, another page): the next poll starts over
    return;
  }
  state.total = page.total;
  showRequests(page.requests);
  $("request-count").textContent = `(${state.entries.length} shown, ${page.total} in the journal)`;
}

// ---- the request list ---------------------------------------------------------------------

function statusClass(status) {
  return `status-${String(status)[0]}xx`;
}

function clock(iso) {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
}

function requestRow(entry) {
  const row = el(
    "tr",
    { tabindex: "0", "data-id": String(entry.id) },
    el("td", { class: "mono" }, clock(entry.time)),
    el("td", {}, entry.dialect),
    el("td", { class: "mono" }, entry.sandbox || ""),
    el("td", {}, entry.method),
    el("td", { class: "path" }, entry.query ? `${entry.path}?${entry.query}` : entry.path),
    el("td", { class: statusClass(entry.status) }, entry.status),
    el("td", { class: "num" }, entry.duration_ms.toFixed(1)),
  );
  row.addEventListener("click", () => openExchange(entry.id));
  row.addEventListener("keydown", (event) => {
    if (event.key === "Enter") openExchange(entry.id);
  });
  if (entry.id === state.selected) row.classList.add("selected");
  return row;
}

function showRequests(fresh) {
  if (fresh.length) {
    state.newest = Math.max(state.newest ?? 0, ...fresh.map((e) => e.id));
    const body = $("requests").tBodies[0];
    const known = new Set(state.entries.map((e) => e.id));
    const added = fresh.filter((e) => !known.has(e.id));
    body.prepend(...added.map(requestRow));
    state.entries = [...added, ...state.entries];
    while (state.entries.length > KEEP) {
      state.entries.pop();
      body.lastElementChild.remove();
    }
  }
  $("requests-empty").hidden = state.entries.length > 0;
}

// ---- one exchange -------------------------------------------------------------------------

const FORMAT_NAMES = { json: "JSON", xml: "XML", jsv: "JSV", form: "form", text: "text", empty: "empty" };

function headerTable(headers) {
  const rows = Object.entries(headers).map(([name, value]) =>
    el("tr", {}, el("td", {}, name), el("td", {}, value)),
  );
  return el("table", { class: "headers" }, el("tbody", {}, ...rows));
}

function bodyBlock(kind, body, recorded) {
  let note = FORMAT_NAMES[body.format] || body.format;
  if (body.cut) note += ", cut by the journal's bound: shown as recorded";
  else if (body.pretty) note += ", laid out";
  else if (body.format !== "text" && body.format !== "empty") note += ", does not parse: shown as recorded";
  const parts = [el("h4", {}, `${kind} body `, el("span", { class: "format" }, `(${note})`))];
  if (body.format === "empty") parts.push(el("p", { class: "muted" }, "no body"));
  else parts.push(el("pre", { class: `body ${kind.toLowerCase()}-body` }, body.text));
  if (body.pretty) {
    parts.push(el("details", {}, el("summary", {}, "as recorded"), el("pre", {}, recorded)));
  }
  return parts;
}

async function openExchange(id) {
  state.selected = id;
  for (const row of $("requests").tBodies[0].rows) {
    row.classList.toggle("selected", row.dataset.id === String(id));
  }
  history.replaceState(null, "", `#request-${id}`);
  const pane = $("exchange");
  let exchange;
  try {
    exchange = await api("GET", `/requests/${id}`);
  } catch (error) {
    if (state.selected === id) pane.replaceChildren(el("p", { class: "error" }, error.message));
    return;
  }
  if (state.selected !== id) return;
  const entry = exchange.entry;
  pane.dataset.id = String(id);
  const target = entry.query ? `${entry.path}?${entry.query}` : entry.path;
  pane.replaceChildren(
    el(
      "h3",
      {},
      `${entry.method} ${target} → `,
      el("span", { class: statusClass(entry.status) }, entry.status),
    ),
    el(
      "dl",
      {},
      el("dt", {}, "time"),
      el("dd", {}, entry.time),
      el("dt", {}, "dialect"),
      el("dd", {}, entry.dialect),
      el("dt", {}, "sandbox"),
      el("dd", {}, entry.sandbox || "none (the gateway's data)"),
      el("dt", {}, "duration"),
      el("dd", {}, `${entry.duration_ms} ms`),
      el("dt", {}, "request id"),
      el("dd", { class: "mono" }, entry.request_id || "-"),
    ),
    el("h4", {}, "Request headers"),
    headerTable(entry.request_headers),
    ...bodyBlock("Request", exchange.request, entry.request_body),
    el("h4", {}, "Response headers"),
    headerTable(entry.response_headers),
    ...bodyBlock("Response", exchange.response, entry.response_body),
  );
}

// Rows keyed by data-id: a row still listed stays (its buttons, focus and hover with it) and
// only text that changed is written; new rows come in, gone rows go.
function syncRows(tbody, rows) {
  const old = new Map([...tbody.rows].map((row) => [row.dataset.id, row]));
  const wanted = rows.map((fresh) => {
    const kept = old.get(fresh.dataset.id);
    if (!kept || kept.cells.length !== fresh.cells.length) return fresh;
    [...fresh.cells].forEach((cell, i) => {
      if (!cell.querySelector("button") && kept.cells[i].textContent !== cell.textContent) {
        kept.cells[i].textContent = cell.textContent;
      }
    });
    return kept;
  });
  wanted.forEach((row, i) => {
    if (tbody.rows[i] !== row) tbody.insertBefore(row, tbody.rows[i] || null);
  });
  while (tbody.rows.length > wanted.length) tbody.lastElementChild.remove();
}

// ---- fault rules --------------------------------------------------------------------------

function faultMatch(rule) {
  return `${rule.dialect || "any dialect"} ${rule.method || "any method"} ${rule.path}`;
}

function faultEffect(rule) {
  if (rule.action === "status") return `${rule.status} "${rule.message}"`;
  if (rule.action === "latency") {
    const ms = Array.isArray(rule.latency_ms) ? rule.latency_ms.join("–") : rule.latency_ms;
    return `wait ${ms} ms`;
  }
  return rule.action === "drop" ? "close the connection" : "cut the answer in half";
}

async function loadFaults() {
  const rules = await api("GET", "/faults");
  const rows = rules.map((rule) =>
    el(
      "tr",
      { "data-id": String(rule.id) },
      el("td", {}, rule.id),
      el("td", {}, rule.action),
      el("td", { class: "path" }, faultMatch(rule)),
      el("td", {}, faultEffect(rule)),
      el("td", {}, rule.times ?? "always"),
      el("td", {}, rule.fired),
      el("td", {}, rule.probability),
      el(
        "td",
        { class: "actions" },
        el("button", { type: "button", class: "danger", onclick: () => removeFault(rule.id) }, "Remove"),
      ),
    ),
  );
  syncRows($("faults").tBodies[0], rows);
  $("faults-empty").hidden = rules.length > 0;
}

function latencyValue(text) {
  const range = /^\s*(\d+(?:\.\d+)?)\s*[-–,]\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (range) return [Number(range[1]), Number(range[2])];
  return text.trim() ? Number(text) : 0;
}

async function addFault(event) {
  event.preventDefault();
  const action = $("fault-action").value;
  const rule = { action, path: $("fault-path").value.trim() || "*" };
  if ($("fault-dialect").value) rule.dialect = $("fault-dialect").value;
  if ($("fault-method").value) rule.method = $("fault-method").value;
  if (action === "status") {
    rule.status = Number($("fault-status").value || 503);
    if ($("fault-message").value.trim()) rule.message = $("fault-message").value.trim();
  }
  if (action === "latency") rule.latency_ms = latencyValue($("fault-latency").value);
  if ($("fault-times").value) rule.times = Number($("fault-times").value);
  if ($("fault-probability").value) rule.probability = Number($("fault-probability").value);
  await act($("fault-message-line"), () => api("POST", "/faults", { body: rule }), loadFaults);
}

async function removeFault(id) {
  await act($("fault-message-line"), () => api("DELETE", `/faults/${id}`), loadFaults);
}

function showFaultFields() {
  const action = $("fault-action").value;
  for (const label of $("fault-form").querySelectorAll("label[data-for]")) {
    label.hidden = label.dataset.for !== action;
  }
}

// ---- sandboxes ----------------------------------------------------------------------------

function idle(seconds) {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

async function loadSandboxes() {
  const boxes = await api("GET", "/sandboxes");
  const rows = boxes.map((box) =>
    el(
      "tr",
      { "data-id": box.id },
      el("td", { class: "mono" }, box.id),
      el("td", {}, box.fixtures),
      el("td", { class: "num" }, box.rows),
      el("td", { class: "num" }, idle(box.idle_seconds)),
      el(
        "td",
        { class: "actions" },
        el("button", { type: "button", class: "quiet", onclick: () => filterSandbox(box.id) }, "Requests"),
        " ",
        el("button", { type: "button", class: "quiet", onclick: () => resetSandbox(box.id) }, "Reset"),
        " ",
        el("button", { type: "button", class: "danger", onclick: () => removeSandbox(box.id) }, "Remove"),
      ),
    ),
  );
  syncRows($("sandboxes").tBodies[0], rows);
  $("sandboxes-empty").hidden = boxes.length > 0;
  $("sandbox-ids").replaceChildren(...boxes.map((box) => el("option", { value: box.id })));
}

async function createSandbox(event) {
  event.preventDefault();
  const fixtures = $("sandbox-fixtures").value.trim();
  const body = fixtures ? { fixtures } : {};
  const line = $("sandbox-message-line");
  await act(line, () => api("POST", "/sandboxes", { body }), loadSandboxes, (box) => {
    line.className = "muted";
    line.textContent = `Created: send ${box.header}: ${box.id} (${box.rows} rows of ${box.fixtures}).`;
  });
}

async function resetSandbox(id) {
  const line = $("sandbox-message-line");
  await act(line, () => api("POST", "/reset", { sandbox: id }), loadSandboxes, (done) => {
    line.className = "muted";
    line.textContent = `Sandbox ${id} reset: ${done.rows} rows of ${done.fixtures}.`;
  });
}

async function removeSandbox(id) {
  await act($("sandbox-message-line"), () => api("DELETE", `/sandboxes/${id}`), loadSandboxes);
}

function filterSandbox(id) {
  $("filter-sandbox").value = id;
  restartRequests();
}

// A change through the admin API: its error (the API's own message) under the form.
async function act(line, call, reload, done) {
  line.className = "error";
  line.textContent = "";
  try {
    const result = await call();
    if (done) done(result);
    await reload();
  } catch (error) {
    if (error.status !== 401) line.textContent = error.message;
  }
}

// ---- wiring -------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("token").value);
    $("token").value = "";
    start();
  });
  $("forget-token").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    needToken("");
  });
  $("live").addEventListener("change", () => ($("live").checked ? tick() : (stopPolling(), setLive("paused", "paused"))));
  document.addEventListener("visibilitychange", () => (document.hidden ? stopPolling() : schedule()));
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    restartRequests();
  });
  $("filters").addEventListener("change", restartRequests);
  $("clear-journal").addEventListener("click", async () => {
    try {
      await api("DELETE", "/requests");
    } catch (error) {
      if (error.status !== 401) setLive(error.message, "down");
      return;
    }
    restartRequests();
  });
  $("fault-form").addEventListener("submit", addFault);
  $("fault-action").addEventListener("change", showFaultFields);
  $("sandbox-form").addEventListener("submit", createSandbox);
  showFaultFields();
  start();
});
