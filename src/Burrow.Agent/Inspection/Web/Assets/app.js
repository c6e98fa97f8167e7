// Burrow inspector page: a live list (Server-Sent Events from /api/events), filters, a detail view with tabs,
// replay, edit-and-replay, copy as curl and HAR export. Plain DOM, no framework; values are only ever set as text.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { rows: new Map(), selected: null, detail: null, side: "request", view: "headers", revealed: false };
const filterIds = ["filter-tunnel", "filter-path", "filter-method", "filter-status", "filter-duration", "filter-header"];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k.startsWith("data-")) node.setAttribute(k, v); else node[k] = v;
  }
  for (const c of children) node.append(c);
  return node;
}

function filterQuery() {
  const q = new URLSearchParams();
  const add = (name, id) => { const v = $(id).value.trim(); if (v) q.set(name, v); };
  add("tunnel", "filter-tunnel"); add("path", "filter-path"); add("method", "filter-method");
  add("status", "filter-status"); add("minDuration", "filter-duration"); add("header", "filter-header");
  return q;
}

const filtering = () => filterIds.some((id) => $(id).value.trim() !== "");

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

async function loadList() {
  const q = filterQuery();
  q.set("summary", "1"); q.set("limit", "1000");
  try {
    const data = await api("/api/requests?" + q);
    state.rows.clear();
    for (const r of data.requests) state.rows.set(r.id, r);
    renderList();
    $("har-all").href = "/api/requests/har?download=1&" + harQuery(filterQuery());
  } catch (e) { message(e.message); }
}

function harQuery(q) { if ($("include-secrets").checked) q.set("redact", "0"); return q.toString(); }

let reloadTimer = null;
function reloadSoon() { clearTimeout(reloadTimer); reloadTimer = setTimeout(loadList, 150); }

function fmtMs(ms) { return ms == null ? "" : ms < 1000 ? ms.toFixed(ms < 10 ? 1 : 0) + " ms" : (ms / 1000).toFixed(2) + " s"; }
function fmtTime(iso) { return new Date(iso).toLocaleTimeString([], { hour12: false }); }
function statusText(r) { return r.state === "aborted" && !r.status ? "—" : r.state === "in-progress" ? r.status + "…" : String(r.status); }

function renderList() {
  const body = $("requests").tBodies[0];
  const rows = [...state.rows.values()].sort((a, b) => b.id - a.id);
  body.replaceChildren(...rows.map(rowFor));
  $("empty").hidden = rows.length > 0;
}

function rowFor(r) {
  const tr = el("tr", { "data-id": String(r.id), class: r.id === state.selected ? "selected" : "" },
    el("td", {}, String(r.id) + (r.replayOf ? " ↻" : "")),
    el("td", {}, fmtTime(r.startedAt)),
    el("td", {}, r.tunnel),
    el("td", {}, r.method),
    el("td", { class: "path", title: r.path }, r.path),
    el("td", { class: "status s" + String(r.status).charAt(0) }, statusText(r)),
    el("td", {}, fmtMs(r.durationMs)));
  tr.addEventListener("click", () => select(r.id));
  return tr;
}

function upsert(r) {
  if (filtering()) { reloadSoon(); return; }
  state.rows.set(r.id, r);
  const body = $("requests").tBodies[0];
  const existing = body.querySelector(`tr[data-id="${r.id}"]`);
  const row = rowFor(r);
  if (existing) existing.replaceWith(row);
  else {
    const after = [...body.rows].find((tr) => Number(tr.dataset.id) < r.id);
    body.insertBefore(row, after || null);
  }
  $("empty").hidden = true;
  if (r.id === state.selected) select(r.id, true);
}

async function select(id, keepTabs) {
  state.selected = id;
  for (const tr of $("requests").tBodies[0].rows) tr.classList.toggle("selected", Number(tr.dataset.id) === id);
  try {
    state.detail = await api(`/api/requests/${id}` + (state.revealed ? "?reveal=1" : ""));
  } catch (e) { message(e.message); return; }
  if (!keepTabs) { state.revealed = false; $("edit-form").hidden = true; $("curl-box").hidden = true; message(""); }
  renderDetail();
}

function renderDetail() {
  const d = state.detail;
  $("detail").hidden = false;
  $("d-method").textContent = d.method;
  $("d-url").textContent = d.url;
  $("d-status").textContent = statusText(d) + (d.state !== "complete" ? " (" + d.state + ")" : "");
  $("d-status").className = "status s" + String(d.status).charAt(0);
  $("d-timing").textContent = fmtMs(d.durationMs) + (d.timeToFirstByteMs != null ? ", first byte " + fmtMs(d.timeToFirstByteMs) : "");
  $("d-client").textContent = d.clientAddress ? "from " + d.clientAddress : "";
  const of = $("d-replay-of");
  of.hidden = d.replayOf == null;
  of.textContent = d.replayOf == null ? "" : "replay of #" + d.replayOf;
  of.onclick = (e) => { e.preventDefault(); select(d.replayOf); };
  const up = $("d-upgrade");
  up.hidden = !d.upgrade;
  if (d.upgrade) {
    const u = d.upgrade;
    up.textContent = `${u.protocol}: ` + (u.messagesIn != null ? `${u.messagesIn} messages in, ${u.messagesOut} out, ` : "") + `${u.bytesIn} bytes in, ${u.bytesOut} out`;
  }
  $("har-one").href = `/api/requests/${d.id}/har?download=1&` + harQuery(new URLSearchParams());
  renderPane();
}

function renderPane() {
  const m = state.detail[state.side];
  const pane = $("pane");
  for (const b of $("side-tabs").children) b.classList.toggle("on", b.dataset.side === state.side);
  for (const b of $("view-tabs").children) b.classList.toggle("on", b.dataset.view === state.view);
  if (state.view === "headers") {
    pane.replaceChildren(el("div", { class: "hint" }, m.startLine || "(no head yet)"),
      el("table", {}, ...m.headers.map((h) => el("tr", {}, el("td", {}, h.name), el("td", {}, headerValue(h))))));
  } else if (state.view === "body") {
    pane.replaceChildren(...bodyView(m.body));
  } else {
    const b = m.body;
    const rest = b.text != null && !b.decoded ? b.text : b.size ? `[${b.size} bytes of body${b.decoded ? ", " + b.contentEncoding + "-encoded" : ""}]` : "";
    pane.replaceChildren(el("pre", { id: "raw" }, m.rawHead + rest));
  }
}

function headerValue(h) {
  if (!h.sensitive || state.revealed) return h.value;
  const span = el("span", { class: "masked", title: "Click to show" }, "••••••••");
  span.addEventListener("click", async () => { state.revealed = true; await select(state.selected, true); });
  return span;
}

function bodyView(b) {
  const out = [];
  const note = (t) => out.push(el("div", { class: "notice" }, t));
  if (!b.complete) note("Body still arriving.");
  if (b.truncated) note(`Truncated: ${b.captured} of ${b.size} bytes kept.`);
  if (b.decoded) out.push(el("div", { class: "hint" }, `Decoded from ${b.contentEncoding}.`));
  if (b.decodeError) note(b.decodeError);
  if (b.kind === "empty") out.push(el("div", { class: "hint" }, "No body."));
  else if (b.kind === "image") out.push(el("img", { class: "body", alt: "body", src: `/api/requests/${state.detail.id}/${state.side}/body?decoded=1` }));
  else if (b.kind === "binary") out.push(el("div", { class: "hint" }, `${b.size} bytes of ${b.contentType || "binary data"}`), el("pre", { id: "body" }, b.hex));
  else out.push(el("pre", { id: "body", class: "kind-" + b.kind }, b.text));
  return out;
}

function message(text) { $("message").textContent = text; }

async function replay(edits) {
  message("Replaying…");
  try {
    const r = await api(`/api/requests/${state.selected}/replay`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(edits || {}),
    });
    message(`Replayed as #${r.id}: ${r.status}`);
    if (!state.rows.has(r.id)) upsert(r);
    await select(r.id, true);
    message(`Replayed as #${r.id}: ${r.status}`);
  } catch (e) { message("Replay failed: " + e.message); }
}

async function openEdit() {
  const d = await api(`/api/requests/${state.selected}?reveal=1`);
  const b = d.request.body;
  const dropEncoding = b.decoded;
  $("edit-method").value = d.method;
  $("edit-path").value = d.path;
  $("edit-headers").value = d.request.headers
    .filter((h) => !(dropEncoding && h.name.toLowerCase() === "content-encoding"))
    .map((h) => `${h.name}: ${h.value}`).join("\n");
  $("edit-body").value = b.text != null ? b.text : "";
  $("edit-form").hidden = false;
  $("curl-box").hidden = true;
}

function sendEdit(e) {
  e.preventDefault();
  const headers = $("edit-headers").value.split("\n").map((l) => l.trim()).filter((l) => l).map((l) => {
    const i = l.indexOf(":");
    return { name: i < 0 ? l : l.slice(0, i).trim(), value: i < 0 ? "" : l.slice(i + 1).trim() };
  });
  $("edit-form").hidden = true;
  replay({ method: $("edit-method").value.trim(), path: $("edit-path").value.trim(), headers, body: $("edit-body").value });
}

async function showCurl() {
  const q = $("include-secrets").checked ? "?redact=0" : "";
  const text = await api(`/api/requests/${state.selected}/curl${q}`);
  $("curl-text").textContent = text;
  $("curl-box").hidden = false;
  $("edit-form").hidden = true;
  try { await navigator.clipboard.writeText(text); message("Copied."); } catch { message("Select the command to copy it."); }
}

async function loadTunnels() {
  try {
    const data = await api("/api/tunnels");
    const select = $("filter-tunnel");
    const current = select.value;
    const known = new Set([...select.options].map((o) => o.value));
    for (const t of data.tunnels) if (!known.has(t.name)) select.append(el("option", { value: t.name, title: t.publicUrl + " → " + t.target }, t.name));
    select.value = current;
  } catch { /* the list still works without it */ }
}

function connect() {
  const events = new EventSource("/api/events");
  events.addEventListener("open", () => { $("live").classList.add("on"); loadList(); });
  events.addEventListener("error", () => $("live").classList.remove("on"));
  events.addEventListener("exchange", (e) => {
    const r = JSON.parse(e.data);
    if ($("filter-tunnel").querySelector(`option[value="${CSS.escape(r.tunnel)}"]`) === null) loadTunnels();
    upsert(r);
  });
  events.addEventListener("clear", () => { state.rows.clear(); renderList(); });
  events.addEventListener("reset", loadList);
}

function init() {
  for (const id of filterIds) $(id).addEventListener("input", reloadSoon);
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); loadList(); });
  $("clear").addEventListener("click", async () => { await fetch("/api/requests", { method: "DELETE" }); state.rows.clear(); renderList(); $("detail").hidden = true; });
  $("replay").addEventListener("click", () => replay());
  $("edit").addEventListener("click", openEdit);
  $("edit-form").addEventListener("submit", sendEdit);
  $("edit-cancel").addEventListener("click", () => { $("edit-form").hidden = true; });
  $("curl").addEventListener("click", showCurl);
  $("curl-close").addEventListener("click", () => { $("curl-box").hidden = true; });
  $("curl-copy").addEventListener("click", () => navigator.clipboard.writeText($("curl-text").textContent).then(() => message("Copied.")));
  $("include-secrets").addEventListener("change", () => { if (state.detail) renderDetail(); loadList(); });
  for (const b of $("side-tabs").children) b.addEventListener("click", () => { state.side = b.dataset.side; renderPane(); });
  for (const b of $("view-tabs").children) b.addEventListener("click", () => { state.view = b.dataset.view; renderPane(); });
  loadTunnels();
  loadList();
  connect();
}

init();
