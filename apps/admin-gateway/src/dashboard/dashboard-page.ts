/**
 * The dashboard: one plain HTML page with inline JS, no build step. It loads the current
 * state once (GET /v1/cluster, GET /v1/operations) and then follows GET /v1/events (SSE):
 * `cluster` events redraw the members and configuration, `operation` events the live
 * progress of operations. Elements carry data-* attributes so tests can read them.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>raft-ts cluster</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font:14px system-ui,sans-serif;margin:24px;color:#222;background:#fafafa} h1{font-size:20px;margin:0 0 8px} h2{font-size:16px;margin:20px 0 6px}
 table{border-collapse:collapse;background:#fff} td,th{border:1px solid #ddd;padding:4px 10px;text-align:left} th{background:#f0f0f0}
 .leader{font-weight:bold;color:#07804a} .learner{color:#a65f00} .outgoing-voter{color:#888;text-decoration:line-through} .unreachable{color:#c00}
 .bar{background:#e6e6e6;width:160px;height:10px;display:inline-block;vertical-align:middle} .bar>span{background:#d9534f;height:10px;display:block}
 code{background:#eee;padding:1px 4px} #conn{font-size:12px;color:#888} .running{color:#0a58ca} .succeeded{color:#07804a} .failed,.interrupted{color:#c00}
 ol.steps{margin:2px 0 8px;padding-left:20px;font-size:12px;color:#555} #ops>li{margin:6px 0}
</style></head>
<body>
<h1>raft-ts cluster <small id="summary">…</small> <span id="conn">connecting…</span></h1>
<div>Configuration: <code id="config" data-voters="" data-learners="" data-outgoing="">…</code> <span id="change"></span></div>
<h2>Members</h2>
<table><thead><tr><th>id</th><th>membership</th><th>role</th><th>term</th><th>commit</th><th>applied</th><th>match</th><th>lag</th><th>replication</th><th>last contact</th><th>peer</th><th>http</th></tr></thead>
<tbody id="members"></tbody></table>
<h2>Operations</h2><ul id="ops"></ul>
<script>
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var esc = function (s) { return String(s == null ? '–' : s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; }); };
  var ops = new Map();

  function renderCluster(v) {
    $('summary').textContent = v.leaderId ? 'leader ' + v.leaderId + ' · term ' + v.term + ' · commit ' + v.commitIndex : 'no leader (no quorum?)';
    var c = v.configuration;
    var cfg = $('config');
    cfg.textContent = 'voters [' + c.voters.join(', ') + '] learners [' + c.learners.join(', ') + ']' + (c.outgoing.length ? ' outgoing (joint) [' + c.outgoing.join(', ') + ']' : '');
    cfg.dataset.voters = c.voters.join(','); cfg.dataset.learners = c.learners.join(','); cfg.dataset.outgoing = c.outgoing.join(',');
    var m = v.membership;
    $('change').textContent = v.changeInProgress ? 'change in progress' + (m ? ': ' + m.change.kind + ' ' + m.change.id + ' — ' + m.phase + (m.round ? ' (round ' + m.round + ')' : '') : '') : '';
    var maxLag = Math.max.apply(null, [1].concat(v.members.map(function (x) { return x.lag || 0; })));
    $('members').innerHTML = v.members.map(function (x) {
      var width = Math.round(160 * (x.lag || 0) / maxLag);
      return '<tr data-member="' + esc(x.id) + '" data-membership="' + esc(x.membership) + '" data-role="' + esc(x.role) + '">' +
        '<td>' + esc(x.id) + '</td><td class="' + esc(x.membership) + '">' + esc(x.membership) + '</td>' +
        '<td class="' + esc(x.role) + '">' + esc(x.role) + '</td><td>' + esc(x.term) + '</td><td>' + esc(x.commitIndex) + '</td><td>' + esc(x.appliedIndex) + '</td>' +
        '<td>' + esc(x.matchIndex) + '</td><td data-lag="' + esc(x.lag) + '"><span class="bar"><span style="width:' + width + 'px"></span></span> ' + esc(x.lag) + '</td>' +
        '<td>' + esc(x.replication) + '</td><td>' + (x.lastContactMs == null ? '–' : esc(x.lastContactMs) + ' ms') + '</td>' +
        '<td>' + esc(x.address.peer) + '</td><td>' + esc(x.address.http) + '</td></tr>';
    }).join('');
  }

  function renderOps() {
    var list = Array.from(ops.values()).sort(function (a, b) { return a.createdAt < b.createdAt ? 1 : -1; }).slice(0, 20);
    $('ops').innerHTML = list.map(function (o) {
      var what = o.kind + ' ' + o.target + (o.params && o.params.role ? ' as ' + o.params.role : '');
      return '<li data-op="' + esc(o.id) + '" data-status="' + esc(o.status) + '" data-phase="' + esc(o.phase) + '"><b>' + esc(what) + '</b> by ' + esc(o.actor) +
        ' — <span class="status ' + esc(o.status) + '">' + esc(o.status) + '</span> · phase <b class="phase">' + esc(o.phase) + '</b>' +
        (o.error ? ' · <span class="failed">' + esc(o.error) + '</span>' : '') +
        '<ol class="steps">' + o.steps.map(function (s) { return '<li>' + esc(String(s.at).slice(11, 23)) + ' ' + esc(s.phase) + (s.detail ? ' — ' + esc(s.detail) : '') + '</li>'; }).join('') + '</ol></li>';
    }).join('');
  }

  fetch('/v1/cluster').then(function (r) { return r.json(); }).then(renderCluster).catch(function () {});
  fetch('/v1/operations').then(function (r) { return r.json(); }).then(function (list) {
    list.forEach(function (o) { if (!ops.has(o.id)) ops.set(o.id, o); });
    renderOps();
  }).catch(function () {});
  var es = new EventSource('/v1/events');
  es.onopen = function () { $('conn').textContent = 'live'; };
  es.onerror = function () { $('conn').textContent = 'reconnecting…'; };
  es.addEventListener('cluster', function (e) { renderCluster(JSON.parse(e.data)); });
  es.addEventListener('operation', function (e) { var o = JSON.parse(e.data); ops.set(o.id, o); renderOps(); });
})();
</script></body></html>`;
