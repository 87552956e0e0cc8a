// The HA Stack web console: polls this node's admin API every second and redraws what changed.
// Plain DOM, no framework, no external resource. Requests carry the session cookie (same origin)
// and the header X-Hastack-Console, without which the API refuses a command (CSRF defense).
'use strict';

const HEADERS = {'X-Hastack-Console': '1'};
// What marks a phase of a failover after its first sign (a suspicion, or a view some node left),
// and the name the chart gives it. Every stop and start is a phase of its own; a phase that did not
// happen (no quorum change, no lease wait, no fence, a start on another node) is not drawn.
function phaseOf(e) {
  const d = e.data || {};
  switch (e.type) {
    case 'MEMBER_SUSPECTED': return 'detected ' + e.subject;
    case 'DEATH_CONFIRMED': return 'verified ' + e.subject;
    case 'VIEW_INSTALLED': return 'new view';
    case 'QUORUM_GAINED': case 'QUORUM_LOST': return 'quorum decided';
    case 'TAKEOVER_WAIT': return 'lease wait';
    case 'NODE_FENCED': return 'fenced ' + e.subject;
    case 'PLAN_COMPUTED': return 'plan';
    case 'ACTION_SUCCEEDED':
      return d.action === 'START' || d.action === 'STOP'
        ? d.action.toLowerCase() + ' ' + e.subject + ' on ' + e.node : null;
    case 'SERVICE_ANSWERING': return 'service answering on ' + e.node;
    case 'CONVERGED': return 'converged';
    default: return null;
  }
}

let shown = '';
let shownTimeline = '';
let shownDetail = '';
// The group whose scores and history are shown, if one was clicked.
let selected = null;

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
  pollNow();
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

  // A group can move only to a node that can run it: online (not standby, maintenance, fenced or
  // without quorum), and not where it runs already.
  const online = m.nodes.filter((n) => n.status === 'online').map((n) => n.name);
  document.getElementById('groups').replaceChildren(...m.groups.map((g) => {
    const targets = online.filter((n) => !g.runningOn.includes(n));
    const select = el('select', {class: 'move-target', 'data-group': g.id},
        ...targets.map((n) => el('option', {value: n, text: n})));
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
    if (targets.length === 0) {
      select.disabled = true;
      move.disabled = true;
      move.title = 'no other online node';
    }
    return el('div', {class: 'group' + (g.id === selected ? ' selected' : ''), 'data-group': g.id,
      'data-node': g.runningOn.join(',')},
        el('div', {class: 'group-head'},
            el('button', {class: 'group-name', 'data-group': g.id, text: g.id, title: 'why it runs there, and its history',
              onclick: () => select_(g.id)}),
            el('span', {class: 'runs-on', text: g.runningOn.length ? 'on ' + g.runningOn.join(', ') : 'not running'}),
            select, move),
        resources);
  }));

  document.getElementById('notes').replaceChildren(...m.notes.map((n) => el('li', {text: n})));
}

// The latest failover in the history: its first sign (a suspicion, or a view some node left),
// earlier signs of the same failover included, then every later phase until the cluster converged;
// times in ms since the first sign.
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
  const phases = [];
  const seen = new Set();
  let convergedAt = null;
  // Per node, when it last started something in this failover: its service's answer belongs here.
  const startedOn = new Map();
  // The lease wait the coordinator announced: it ends when announced, or once every node it waits
  // for is confirmed dead or fenced (the coordinator then releases the starts at once).
  let lease = null;
  for (let i = start; i < events.length; i++) {
    const e = events[i];
    const ms = Date.parse(e.time) - t0;
    if (lease && (e.type === 'NODE_FENCED' || e.type === 'DEATH_CONFIRMED') && lease.nodes.delete(e.subject)
        && lease.nodes.size === 0 && ms < lease.end) {
      lease.end = ms;
    }
    const name = phaseOf(e);
    // Once: the first plan, view, quorum decision; every stop, start and fence.
    if (name === null || seen.has(name)) continue;
    if (e.type === 'SERVICE_ANSWERING') {
      // Only the answer of a node that started something in this failover, within the check's window.
      if (!startedOn.has(e.node) || ms - startedOn.get(e.node) > 30000) continue;
    } else if (convergedAt !== null) {
      // After convergence, only a stop or start that another node's clock put a moment late.
      if (e.type !== 'ACTION_SUCCEEDED' || ms - convergedAt > 2000) continue;
    }
    seen.add(name);
    phases.push({name, ms, type: e.type, detail: e.detail});
    if (e.type === 'ACTION_SUCCEEDED' && e.data && e.data.action === 'START') startedOn.set(e.node, ms);
    if (e.type === 'TAKEOVER_WAIT' && lease === null && e.data && typeof e.data.holdForMs === 'number') {
      lease = {end: ms + e.data.holdForMs, hold: e.data.holdForMs,
        nodes: new Set(Array.isArray(e.data.nodes) ? e.data.nodes : [])};
    }
    if (e.type === 'CONVERGED' && convergedAt === null) convergedAt = ms;
  }
  if (lease) {
    phases.push({name: 'lease expired', ms: lease.end, type: 'TAKEOVER_WAIT_END',
      detail: 'starts held ' + (lease.end - phases.find((p) => p.type === 'TAKEOVER_WAIT').ms) + ' ms of the '
        + lease.hold + ' announced'});
  }
  phases.sort((a, b) => a.ms - b.ms);
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
    class: 'phase' + (t.slowest && t.slowest.index === i ? ' slowest' : ''), 'data-phase': p.type,
    'data-name': p.name, title: p.detail,
  },
  el('span', {class: 'phase-name', text: p.name}),
  bar(Math.round(600 * p.ms / total)),
  el('span', {class: 'phase-ms', text: '+' + p.ms + ' ms'})));
  const s = t.slowest;
  const slowest = s ? el('p', {id: 'slowest', 'data-phase': t.phases[s.index].type,
    text: 'Slowest phase: ' + t.phases[s.index - 1].name + ' → ' + t.phases[s.index].name + ', ' + s.gap + ' ms'})
    : el('p', {id: 'slowest', text: 'Only the first sign is in the history.'});
  const missing = t.missing && t.missing.length
    ? [el('p', {id: 'timeline-missing', class: 'error', text: 'Without the events of ' + t.missing.join('; ')})] : [];
  box.replaceChildren(el('p', {class: 'when', text: 'Started ' + t.when}), ...rows, slowest, ...missing);
}

function select_(group) {
  selected = selected === group ? null : group;
  shown = '';
  shownDetail = '';
  pollNow();
}

// The events of a group: those about it or one of its resources, newest first.
function groupHistory(events, group, resources) {
  const subjects = new Set([group, ...resources]);
  return events.filter((e) => subjects.has(e.subject)
      || (e.data && (e.data.group === group || subjects.has(e.data.resource)))).reverse().slice(0, 30);
}

// Why a group runs where it runs: the scores of each node (GET /why/{group}, answered by the
// coordinator, which plans), and its history as this node saw it.
function drawDetail(d) {
  const box = document.getElementById('detail');
  if (!d) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  const parts = [el('h2', {text: 'Group ' + d.group}),
    el('button', {id: 'detail-close', text: 'close', onclick: () => select_(d.group)})];
  if (d.why.error) {
    parts.push(el('p', {id: 'why-error', class: 'error', text: 'Scores: ' + d.why.error}));
  } else {
    parts.push(el('p', {text: d.why.runningOn.length ? 'Runs on ' + d.why.runningOn.join(', ') : 'Not running'}));
    parts.push(el('table', {id: 'scores'},
        el('thead', {}, el('tr', {}, el('th', {text: 'node'}), el('th', {text: 'score'}), el('th', {text: 'why'}))),
        el('tbody', {}, ...d.why.scores.map((s) => el('tr', {'data-node': s.node, class: s.eligible ? '' : 'ineligible'},
            el('td', {text: s.node}),
            el('td', {class: 'score', text: s.score}),
            el('td', {text: s.parts.join('; ')}))))));
    if (d.why.pending.length) {
      parts.push(el('p', {text: 'Pending: ' + d.why.pending.join('; ')}));
    }
    parts.push(...d.why.notes.map((n) => el('p', {class: 'note', text: n})));
  }
  parts.push(el('h3', {text: 'History (newest first, every node that answered)'}));
  parts.push(d.history.length === 0 ? el('p', {class: 'none', text: 'No event of this group in the history.'})
    : el('ul', {id: 'group-history'}, ...d.history.map((e) => el('li', {'data-type': e.type},
        e.time.replace('T', ' ').replace('Z', '') + ' ' + e.node + ' ' + e.type + ' ' + e.subject
        + (e.detail ? ': ' + e.detail : '')))));
  box.replaceChildren(...parts);
}

async function poll() {
  try {
    const group = selected;
    // The status is drawn as soon as it is here; the timeline (other nodes' histories, which may be
    // slow to answer during a failover) and the group's scores follow.
    const timeline = api('GET', '/timeline?limit=200');
    const why = group === null ? Promise.resolve(null)
      : api('GET', '/why/' + encodeURIComponent(group)).catch((e) => ({error: e.message}));
    timeline.catch(() => {});
    const status = await api('GET', '/status');
    const m = model(status);
    m.selected = selected;
    const key = JSON.stringify(m);
    if (key !== shown) {
      draw(m);
      shown = key;
    }
    const history = await timeline;
    const events = history.events || history;
    const t = failover(events);
    if (t) t.missing = Object.entries(history.nodes || {}).filter(([, v]) => v !== 'ok').map(([n, v]) => n + ': ' + v);
    const tkey = JSON.stringify(t);
    if (tkey !== shownTimeline) {
      drawTimeline(t);
      shownTimeline = tkey;
    }
    const g = group === null ? null : m.groups.find((x) => x.id === group);
    const d = g ? {group, node: m.node, why: await why,
      history: groupHistory(events, group, g.resources.map((r) => r.id))} : null;
    const dkey = JSON.stringify(d);
    if (dkey !== shownDetail) {
      drawDetail(d);
      shownDetail = dkey;
    }
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById('updated').textContent = 'cannot reach the node: ' + e.message;
  }
}

// One poll at a time: the next begins a second after the last one ended, so answers never arrive
// out of order and a slow node does not pile requests up.
let polling = false;
async function pollNow() {
  if (polling) return;
  polling = true;
  try {
    await poll();
  } finally {
    polling = false;
  }
}

async function pollForever() {
  await pollNow();
  window.setTimeout(pollForever, 1000);
}

document.addEventListener('DOMContentLoaded', () => {
  pollForever();
});
