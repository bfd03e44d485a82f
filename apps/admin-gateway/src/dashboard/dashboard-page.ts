/** The dashboard: plain HTML + JS, live over SSE (GET /v1/events), no build step. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>raft-ts cluster</title>
<style>
 body{font:14px system-ui,sans-serif;margin:24px;color:#222} h1{font-size:20px} table{border-collapse:collapse;margin:12px 0}
 td,th{border:1px solid #ccc;padding:4px 10px;text-align:left} th{background:#f4f4f4}
 .leader{font-weight:bold;color:#0a6} .learner{color:#a60} .down{color:#c00}
 .bar{background:#eee;width:160px;height:10px;display:inline-block} .bar>span{background:#e55;height:10px;display:block}
 code{background:#f4f4f4;padding:1px 4px} #ops li{margin:4px 0}
</style></head>
<body>
<h1>raft-ts cluster <small id="summary"></small></h1>
<div>Configuration: <code id="config">…</code> <span id="change"></span></div>
<table><thead><tr><th>id</th><th>membership</th><th>role</th><th>term</th><th>commit</th><th>applied</th><th>match</th><th>lag</th><th>last contact</th><th>address</th></tr></thead>
<tbody id="members"></tbody></table>
<h2>Operations</h2><ul id="ops"></ul>
<script>
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '–').replace(/[&<>]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
const ops = new Map();
function renderOps() {
  $('ops').innerHTML = [...ops.values()].sort((a,b) => b.createdAt < a.createdAt ? -1 : 1).slice(0, 20).map((o) =>
    '<li data-op="' + o.id + '"><b>' + esc(o.kind) + ' ' + esc(o.target) + '</b> — <span class="status">' + esc(o.status) + '</span> (' + esc(o.phase) + ')' +
    (o.error ? ' <span class="down">' + esc(o.error) + '</span>' : '') + '<br><small>' + o.steps.map((s) => esc(s.phase) + ' @ ' + esc(s.at.slice(11, 23))).join(' → ') + '</small></li>').join('');
}
const es = new EventSource('/v1/events');
es.addEventListener('cluster', (e) => {
  const v = JSON.parse(e.data);
  $('summary').textContent = v.leaderId ? 'leader ' + v.leaderId + ', term ' + v.term + ', commit ' + v.commitIndex : 'no leader';
  const c = v.configuration;
  $('config').textContent = 'voters [' + c.voters.join(', ') + '] learners [' + c.learners.join(', ') + ']' + (c.outgoing.length ? ' outgoing [' + c.outgoing.join(', ') + ']' : '');
  $('change').textContent = v.changeInProgress ? 'change in progress' + (v.membership ? ': ' + v.membership.change.kind + ' ' + v.membership.change.id + ' — ' + v.membership.phase : '') : '';
  const maxLag = Math.max(1, ...v.members.map((m) => m.lag || 0));
  $('members').innerHTML = v.members.map((m) =>
    '<tr data-member="' + esc(m.id) + '" data-membership="' + esc(m.membership) + '"><td>' + esc(m.id) + '</td><td class="' + (m.membership === 'learner' ? 'learner' : '') + '">' + esc(m.membership) +
    '</td><td class="' + (m.role === 'leader' ? 'leader' : m.reachable ? '' : 'down') + '">' + esc(m.role) + '</td><td>' + esc(m.term) + '</td><td>' + esc(m.commitIndex) +
    '</td><td>' + esc(m.appliedIndex) + '</td><td>' + esc(m.matchIndex) + '</td><td><span class="bar"><span style="width:' + Math.round(160 * (m.lag || 0) / maxLag) + 'px"></span></span> ' + esc(m.lag) +
    '</td><td>' + (m.lastContactMs == null ? '–' : m.lastContactMs + ' ms') + '</td><td>' + esc(m.address.http) + '</td></tr>').join('');
});
es.addEventListener('operation', (e) => { const o = JSON.parse(e.data); ops.set(o.id, o); renderOps(); });
fetch('/v1/operations').then((r) => r.json()).then((list) => { for (const o of list) if (!ops.has(o.id)) ops.set(o.id, o); renderOps(); });
</script></body></html>`;
