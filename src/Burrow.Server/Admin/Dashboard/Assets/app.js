// The Burrow admin dashboard: plain JavaScript, no framework, no build step, no external resources.
// The admin token lives in sessionStorage (this tab only) and goes out only as an Authorization header to this origin.
'use strict';

const state = { token: sessionStorage.getItem('burrow.admin.token'), stream: null, histories: new Map(), channelKey: '', usersRender: 0 };
const $ = (selector) => document.querySelector(selector);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  return node;
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

const rate = (n) => n >= 100 ? Math.round(n).toString() : n.toFixed(n >= 10 ? 1 : 2);

function since(time) {
  const seconds = Math.max(0, (Date.now() - new Date(time).getTime()) / 1000);
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${state.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    cache: 'no-store',
  });
  if (response.status === 401 || response.status === 403) {
    signOut(response.status === 403 ? 'That is a user token; the dashboard needs an admin token.' : 'The admin token was not accepted.');
    throw new Error('unauthorized');
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail || `${method} ${path}: ${response.status}`);
  }
  return response.status === 204 ? null : response.json();
}

function setLive(stateName, text) {
  const live = $('#live');
  live.dataset.state = stateName;
  live.textContent = text;
}

function chart(points) {
  const width = 180, height = 32, ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const base = document.createElementNS(ns, 'line');
  base.setAttribute('x1', 0); base.setAttribute('x2', width); base.setAttribute('y1', height - 1); base.setAttribute('y2', height - 1);
  svg.append(base);
  if (points.length === 1) points = [points[0], points[0]];
  if (points.length > 1) {
    const max = Math.max(...points.map((p) => p.requestsPerSecond), 0.001);
    const step = width / 179; // 180 points of 5 s: 15 minutes, newest on the right
    const offset = width - (points.length - 1) * step;
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points.map((p, i) => `${(offset + i * step).toFixed(1)},${(height - 2 - (p.requestsPerSecond / max) * (height - 4)).toFixed(1)}`).join(' '));
    svg.append(line);
  }
  svg.append(Object.assign(document.createElementNS(ns, 'title'), { textContent: `peak ${rate(Math.max(0, ...points.map((p) => p.requestsPerSecond)))} requests/s` }));
  return svg;
}

function renderTunnels(tunnels) {
  const body = $('#tunnels tbody');
  body.replaceChildren(...tunnels.map((t) => element('tr', { 'data-tunnel': t.name },
    element('td', { class: 'name' }, t.name),
    element('td', { class: `state ${t.online ? 'online' : 'offline'}` }, t.online ? 'online' : 'offline'),
    element('td', {}, t.user ?? '–'),
    element('td', { class: 'num requests' }, t.requests),
    element('td', { class: 'num' }, rate(t.requestsPerSecond)),
    element('td', { class: 'num' }, `${bytes(t.bytesPerSecond)}/s`),
    element('td', { class: 'num' }, bytes(t.bytesIn)),
    element('td', { class: 'num' }, bytes(t.bytesOut)),
    element('td', {}, chart(state.histories.get(t.name) ?? [])))));
  $('#tunnels-empty').hidden = tunnels.length > 0;
  $('#tunnel-count').textContent = `${tunnels.filter((t) => t.online).length} online`;
}

// Buttons armed by a first click, by key, until when: the tables are rebuilt on every update, and an armed button
// must stay armed in the new row, or a second click that follows an update only arms it again.
const armed = new Map();

function dangerButton(label, key, action) {
  const button = element('button', { type: 'button', class: 'danger' }, label);
  let armedUntil = 0;
  const arm = (until) => {
    armed.set(key, until);
    armedUntil = until;
    button.classList.add('confirm');
    button.textContent = `Confirm ${label.toLowerCase()}`;
    setTimeout(() => {
      // Each rendering of the button disarms itself; the key goes once, whichever rendering gets here first.
      if (armed.get(key) === until) armed.delete(key);
      if (armedUntil === until) { armedUntil = 0; button.classList.remove('confirm'); button.textContent = label; }
    }, until - Date.now());
  };
  const until = armed.get(key) ?? 0;
  if (until > Date.now()) arm(until);
  button.addEventListener('click', async () => {
    // Two clicks: the first arms the button, the second acts (no modal dialog to get in the way).
    if (!button.classList.contains('confirm')) {
      arm(Date.now() + 4000);
      return;
    }
    armed.delete(key);
    button.disabled = true;
    try { await action(); } catch (error) { alertError(error); }
  });
  return button;
}

function alertError(error) {
  if (error.message !== 'unauthorized') setLive('error', error.message);
}

function renderChannels(channels) {
  const body = $('#channels tbody');
  body.replaceChildren(...channels.map((c) => element('tr', { 'data-channel': c.id },
    element('td', {}, c.id),
    element('td', {}, c.user),
    element('td', {}, c.names.join(', ')),
    element('td', {}, c.remote),
    element('td', { title: c.connectedAt }, since(c.connectedAt)),
    element('td', { class: 'num' }, c.streams),
    element('td', { class: 'num' }, c.requests),
    element('td', { class: 'num' }, bytes(c.bytesSent)),
    element('td', { class: 'num' }, bytes(c.bytesReceived)),
    element('td', { class: 'num' }, c.rttMs == null ? '–' : `${c.rttMs.toFixed(1)} ms`),
    element('td', {}, c.agentVersion ?? '–'),
    element('td', {}, dangerButton('Disconnect', `channel:${c.id}`, () => api('DELETE', `api/channels/${c.id}`))))));
  $('#channels-empty').hidden = channels.length > 0;
  $('#channel-count').textContent = `${channels.length} connected`;
}

async function renderUsers() {
  // Renders overlap (a channel comes while the last one is still reading): only the newest may draw, or an older
  // answer could hide a user added since.
  const render = ++state.usersRender;
  const users = await api('GET', 'api/users');
  const blocks = await Promise.all(users.map(async (user) => {
    const tokens = await api('GET', `api/users/${encodeURIComponent(user.name)}/tokens`);
    const rows = tokens.map((token) => element('tr', { 'data-token': token.id, class: token.revoked ? 'revoked' : '' },
      element('td', {}, `#${token.id}`),
      element('td', {}, token.label),
      element('td', {}, token.lastUsedAt ? `used ${since(token.lastUsedAt)} ago` : 'never used'),
      element('td', {}, token.revoked ? 'revoked' : dangerButton('Revoke', `token:${token.id}`, async () => {
        await api('DELETE', `api/users/${encodeURIComponent(user.name)}/tokens/${token.id}`);
        await renderUsers();
      }))));
    return element('div', { class: 'user', 'data-user': user.name },
      element('h3', {}, user.name, ' ', element('small', {}, `${user.names} names, up to ${user.maxTunnels} tunnels`)),
      element('table', {}, element('tbody', {}, ...rows)));
  }));
  if (render !== state.usersRender) return;
  $('#users').replaceChildren(...blocks);
  if (users.length === 0) $('#users').append(element('p', { class: 'empty' }, 'No users yet: burrow user add NAME.'));
}

async function refreshHistory() {
  const tunnels = await api('GET', 'api/tunnels');
  for (const tunnel of tunnels) state.histories.set(tunnel.name, tunnel.history ?? []);
  renderTunnels(tunnels);
}

// Server-Sent Events read through fetch, so the token can travel in a header (EventSource cannot send one).
async function stream() {
  const controller = new AbortController();
  state.stream = controller;
  try {
    const response = await fetch('api/events', { headers: { Authorization: `Bearer ${state.token}` }, signal: controller.signal, cache: 'no-store' });
    if (response.status === 401 || response.status === 403) { signOut('The admin token was not accepted.'); return; }
    if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
    setLive('on', 'live');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
        if (data) {
          const snapshot = JSON.parse(data);
          renderTunnels(snapshot.tunnels);
          renderChannels(snapshot.channels);

          // Channels came or went: users' name counts and token use changed, so the users list is read again.
          const key = snapshot.channels.map((c) => c.id).join(',');
          if (key !== state.channelKey) {
            state.channelKey = key;
            renderUsers().catch(alertError);
          }
        }
      }
    }
  } catch (error) {
    if (controller.signal.aborted) return;
  }
  if (state.stream === controller && state.token) {
    setLive('error', 'reconnecting…');
    setTimeout(() => { if (state.stream === controller && state.token) stream(); }, 2000);
  }
}

let timers = [];

function start() {
  $('#sign-in').hidden = true;
  $('#dashboard').hidden = false;
  $('#sign-out').hidden = false;
  setLive('off', 'connecting…');
  stream();
  refreshHistory().catch(alertError);
  renderUsers().catch(alertError);
  timers = [setInterval(() => refreshHistory().catch(alertError), 5000), setInterval(() => renderUsers().catch(alertError), 15000)];
}

function signOut(message) {
  state.token = null;
  sessionStorage.removeItem('burrow.admin.token');
  state.stream?.abort();
  state.stream = null;
  timers.forEach(clearInterval);
  timers = [];
  $('#dashboard').hidden = true;
  $('#sign-out').hidden = true;
  $('#sign-in').hidden = false;
  $('#sign-in-error').textContent = message ?? '';
  setLive('off', 'not connected');
}

$('#sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  state.token = $('#token').value.trim();
  $('#token').value = '';
  try {
    await api('GET', 'api/users');
    sessionStorage.setItem('burrow.admin.token', state.token);
    start();
  } catch (error) {
    if (error.message !== 'unauthorized') $('#sign-in-error').textContent = error.message;
  }
});
$('#sign-out').addEventListener('click', () => signOut());

if (state.token) start(); else signOut();
