// The HA Stack web console: polls this node's admin API every second and redraws what changed.
// Plain DOM, no framework, no external resource. Requests carry the session cookie (same origin)
// and the header X-Hastack-Console, without which the API refuses a command (CSRF defense).
'use strict';

const HEADERS = {'X-Hastack-Console': '1'};
// The phases of a failover, in order, after the first sign of it (a suspicion or a view without
// the node). Missing ones (no quorum change, no takeover wait, a start on another node) are skipped.
const PHASES = ['VIEW_INSTALLED', 'QUORUM_GAINED', 'TAKEOVER_WAIT', 'PLAN_COMPUTED', 'ACTION_SUCCEEDED', 'CONVERGED'];

let shown = '';
let shownTimeline = '';

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'onclick') e.addEventListener('click', v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

async function api(method, path, body) {
  const init = {method, credentials: 'same-origin', headers: {...HEADERS}};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch('/api/v1' + path, init);
  if (r.status === 401) {
    window.location.assign('/');
    throw new Error('the session ended: log in again');
  }
  const json = await r.json();
  if (!r.ok) throw new Error(json.error || ('HTTP ' + r.status));
  return json;
}

function message(text, error) {
  const m = document.getElementById('message');
  m.textContent = text;
  m.className = error ? 'error' : '';
}

async function command(question, method, path, body) {
  if (!window.confirm(question)) return;
  try {
    await api(method, path, body);
    message('Done: ' + question.replace(/\?$/, ''), false);
  } catch (e) {
    message(e.message, true);
  }
  poll();
}

// The view shown: only what is drawn, so that a redraw happens when it changes, and buttons and
// selects keep still otherwise.
function model(status) {
  const members = new Map(status.nodes.map((n) => [n.node, n]));
  const nodes = status.nodeList.map((name) => {
    const n = members.get(name);
    return {
      name,
      status: n ? n.status : 'offline',
      failures: n ? Object.entries(n.failures).map(([r, c]) => r + ': ' + c).join(', ') : '',
    };
  });
  const groups = status.groups.map((g) => ({
    id: g.id,
    runningOn: g.runningOn,
    resources: g.resources.map((r) => ({
      id: r.id,
      agent: r.agent,
      states: Object.entries(r.states).filter(([, s]) => s !== 'STOPPED'),
    })),
  }));
  return {
    node: status.node,
    coordinator: status.coordinator,
    quorum: status.quorum,
    version: status.configVersion,
    maintenance: status.maintenanceMode,
    nodes,
    groups,
    notes: status.notes,
  };
}

function draw(m) {
  document.getElementById('node').textContent = 'on ' + m.node + (m.coordinator ? ' (coordinator)' : '');
  document.getElementById('quorum').textContent =
      (m.quorum ? 'quorum' : 'NO QUORUM') + (m.maintenance ? ' · cluster in maintenance' : '');
  document.getElementById('config-version').textContent = m.version;

  const tbody = document.querySelector('#nodes tbody');
  tbody.replaceChildren(...m.nodes.map((n) => {
    const standby = n.status === 'standby';
    const button = n.status === 'offline' ? '' : el('button', {
      class: 'standby', 'data-node': n.name, text: standby ? 'unstandby' : 'standby',
      onclick: () => command((standby ? 'Take ' + n.name + ' out of standby' : 'Put ' + n.name + ' in standby') + '?',
          'POST', '/nodes/' + encodeURIComponent(n.name) + '/standby', {on: !standby}),
    });
    return el('tr', {'data-node': n.name},
        el('td', {text: n.name}),
        el('td', {class: 'status status-' + n.status, text: n.status}),
        el('td', {class: 'failures', text: n.failures}),
        el('td', {}, button));
  }));

  const online = m.nodes.filter((n) => n.status !== 'offline').map((n) => n.name);
  document.getElementById('groups').replaceChildren(...m.groups.map((g) => {
    const select = el('select', {class: 'move-target', 'data-group': g.id},
        ...online.map((n) => el('option', {value: n, text: n})));
    const move = el('button', {
      class: 'move', 'data-group': g.id, text: 'move to…',
      onclick: () => command('Move ' + g.id + ' to ' + select.value + '?',
          'POST', '/groups/' + encodeURIComponent(g.id) + '/move', {node: select.value}),
    });
    const resources = el('table', {class: 'resources'}, ...g.resources.map((r) => el('tr', {'data-resource': r.id},
        el('td', {text: r.id}),
        el('td', {text: r.agent}),
        el('td', {class: 'states'}, ...r.states.map(([node, s]) =>
            el('span', {class: 'state state-' + s, 'data-node': node, text: s + ' on ' + node + ' '}))),
        el('td', {}, el('button', {
          class: 'cleanup', 'data-resource': r.id, text: 'cleanup',
          onclick: () => command('Clean up ' + r.id + ' (forget its failures)?',
              'POST', '/resources/' + encodeURIComponent(r.id) + '/cleanup'),
        })))));
    return el('div', {class: 'group', 'data-group': g.id, 'data-node': g.runningOn.join(',')},
        el('div', {class: 'group-head'},
            el('strong', {text: g.id}),
            el('span', {class: 'runs-on', text: g.runningOn.length ? 'on ' + g.runningOn.join(', ') : 'not running'}),
            select, move),
        resources);
  }));

  document.getElementById('notes').replaceChildren(...m.notes.map((n) => el('li', {text: n})));
}

// The latest failover this node saw: its first sign (a suspicion, or a view some node left), then
// each later phase once, in order; times in ms since the first sign.
function failover(events) {
  const starts = (e) => e.type === 'MEMBER_SUSPECTED'
      || (e.type === 'VIEW_INSTALLED' && e.data && Array.isArray(e.data.left) && e.data.left.length > 0);
  let start = -1;
  for (let i = 0; i < events.length; i++) if (starts(events[i])) start = i;
  if (start < 0) return null;
  for (let j = start - 1; j >= 0; j--) {
    if (starts(events[j])) start = j;
    else if (events[j].type === 'VIEW_INSTALLED') break;
  }
  const t0 = Date.parse(events[start].time);
  const phases = [{name: events[start].type === 'MEMBER_SUSPECTED' ? 'MEMBER_SUSPECTED' : 'VIEW_INSTALLED',
    ms: 0, detail: events[start].detail}];
  let at = start + 1;
  for (const name of PHASES) {
    if (name === phases[0].name) continue;
    for (let i = at; i < events.length; i++) {
      const e = events[i];
      if (e.type === name && (name !== 'ACTION_SUCCEEDED' || (e.data && e.data.action === 'START'))) {
        phases.push({name, ms: Date.parse(e.time) - t0, detail: e.detail});
        at = i + 1;
        break;
      }
    }
  }
  let slowest = null;
  for (let i = 1; i < phases.length; i++) {
    const gap = phases[i].ms - phases[i - 1].ms;
    if (slowest === null || gap > slowest.gap) slowest = {index: i, gap};
  }
  return {phases, slowest, when: events[start].time};
}

// A bar of the chart (its width set through the DOM: the page's policy forbids inline styles).
function bar(px) {
  const b = el('div', {class: 'phase-bar'});
  b.style.width = px + 'px';
  return b;
}

function drawTimeline(t) {
  const box = document.getElementById('timeline');
  if (!t) {
    box.replaceChildren(el('p', {class: 'none', text: 'No failover in the history.'}));
    return;
  }
  const total = Math.max(1, t.phases[t.phases.length - 1].ms);
  const rows = t.phases.map((p, i) => el('div', {
    class: 'phase' + (t.slowest && t.slowest.index === i ? ' slowest' : ''), 'data-phase': p.name, title: p.detail,
  },
  el('span', {class: 'phase-name', text: p.name}),
  bar(Math.round(600 * p.ms / total)),
  el('span', {class: 'phase-ms', text: '+' + p.ms + ' ms'})));
  const s = t.slowest;
  const slowest = s ? el('p', {id: 'slowest', 'data-phase': t.phases[s.index].name,
    text: 'Slowest phase: ' + t.phases[s.index - 1].name + ' → ' + t.phases[s.index].name + ', ' + s.gap + ' ms'})
    : el('p', {id: 'slowest', text: 'Only the first sign is in the history.'});
  box.replaceChildren(el('p', {class: 'when', text: 'Started ' + t.when}), ...rows, slowest);
}

async function poll() {
  try {
    const [status, history] = await Promise.all([api('GET', '/status'), api('GET', '/history?limit=200')]);
    const m = model(status);
    const key = JSON.stringify(m);
    if (key !== shown) {
      draw(m);
      shown = key;
    }
    const t = failover(history.events || history);
    const tkey = JSON.stringify(t);
    if (tkey !== shownTimeline) {
      drawTimeline(t);
      shownTimeline = tkey;
    }
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById('updated').textContent = 'cannot reach the node: ' + e.message;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  poll();
  window.setInterval(poll, 1000);
});
