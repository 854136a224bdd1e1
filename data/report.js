/* lockdown HTML report: the page's only script (embedded by the build and
   allowed by its hash in the page's content security policy). It reads the
   JSON block (id ld-data) and renders the findings (filters, search, pages
   of 200), the controls and the vulnerabilities grouped by image and
   package. Every string from the report is hostile: it reaches the page
   only as text (textContent, createTextNode), never as markup, and never in
   a URL. The server-side summary above does not need this script.
   Location hash: #all shows every finding at once, #expand expands every
   section as printing does. The time from navigation start to the end of
   the first render is put in <html data-render-ms> (and the time at each
   step in data-render-steps). */
(function () {
  'use strict';

  var PAGE = 200;
  var SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
  var SEV_RANK = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
  var STATUSES = ['fail', 'error', 'warn', 'manual', 'info', 'skipped', 'pass'];
  var STATUS_RANK = {};
  STATUSES.forEach(function (s, i) { STATUS_RANK[s] = i; });
  var TIERS = ['image', 'registry', 'orchestrator', 'container', 'host'];

  /* ---- DOM helpers: text only ---- */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    }
    return parent;
  }
  function option(value, label) {
    var o = el('option', null, label);
    o.value = value;
    return o;
  }
  function select(name, label, opts) {
    var s = el('select');
    s.setAttribute('aria-label', label);
    s.setAttribute('data-filter', name);
    opts.forEach(function (o) { s.appendChild(option(o[0], o[1])); });
    return s;
  }
  function cls(s) { return String(s).replace(/[^a-z0-9]+/gi, '-').toLowerCase(); }
  function sevBadge(sev) { return el('span', 'sev sev-' + cls(sev), sev); }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }

  function targetText(t) {
    if (!t) return '';
    var s = t.name && t.id && t.name !== t.id ? t.name + ' (' + t.id + ')' : (t.name || t.id || '');
    if (t.path) s += (s ? ' ' : '') + t.path + (t.line ? ':' + t.line : '');
    return s;
  }

  /* A <dl> of [label, value] pairs; values are text, or a node. */
  function defs(pairs) {
    var dl = el('dl');
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === '') return;
      if (Array.isArray(p[1]) && p[1].length === 0) return;
      add(dl, el('dt', null, p[0]));
      var dd = el('dd');
      if (typeof p[1] === 'object' && !Array.isArray(p[1])) dd.appendChild(p[1]);
      else dd.textContent = Array.isArray(p[1]) ? p[1].join(', ') : String(p[1]);
      dl.appendChild(dd);
    });
    return dl;
  }

  var steps = ['start ' + performance.now().toFixed(1)];
  function step(name) { steps.push(name + ' ' + performance.now().toFixed(1)); }
  var D = JSON.parse(document.getElementById('ld-data').textContent);
  step('parsed');
  var findings = D.findings || [];
  var controlById = {};
  (D.controls || []).forEach(function (c) { controlById[c.id] = c; });
  function controlOf(f) { return controlById[f.control] || { id: f.control, title: '', tier: 'host' }; }
  function titleOf(f) { return f.title || controlOf(f).title || f.check; }
  function remediationOf(f) { return f.remediation || controlOf(f).remediation; }

  /* ---- findings ---- */
  var F = {
    root: null, body: null, count: null, pager: null,
    filter: { tier: '', severity: '', status: '', control: '', q: '' },
    order: null, list: [], shown: 0, hay: null
  };

  function findingDetail(f) {
    var c = controlOf(f);
    var pairs = [
      ['Control', c.id + (c.title ? ' \u2014 ' + c.title : '')],
      ['Check', f.check],
      ['Target', f.target ? f.target.kind + ': ' + targetText(f.target) : ''],
      ['Evidence', f.evidence ? el('pre', null, f.evidence) : null],
      ['Remediation', remediationOf(f)],
      ['Exception', f.exception]
    ];
    var v = f.vulnerability;
    if (v) {
      pairs.push(['Vulnerability', v.id], ['Aliases', v.aliases],
        ['Package', (v.package || '') + (v.installed_version ? ' ' + v.installed_version : '') +
          (v.ecosystem ? ' (' + v.ecosystem + ')' : '')],
        ['Source package', v.source_package], ['Fixed in', v.fixed_versions],
        ['Fix status', v.fix_status],
        ['CVSS', v.cvss_score ? v.cvss_score + (v.cvss_vector ? ' ' + v.cvss_vector : '') : ''],
        ['Severity from', v.severity_source], ['Package URL', v.purl],
        ['Layer', v.layer ? (v.layer.created_by || v.layer.digest) : ''],
        ['References', v.references]);
    }
    var s = f.secret;
    if (s) {
      pairs.push(['Secret rule', s.rule_id], ['Masked', s.masked], ['Line', s.line || ''],
        ['Layer', s.layer_created_by || s.layer_digest],
        ['Removed later', s.deleted ? 'deleted by ' + (s.removed_by_layer || 'a later layer')
          : s.overwritten ? 'overwritten by ' + (s.removed_by_layer || 'a later layer') : '']);
    }
    return defs(pairs);
  }

  function findingRow(i) {
    var f = findings[i];
    var tr = el('tr', 'row');
    tr.setAttribute('data-i', String(i));
    tr.setAttribute('data-status', f.status);
    add(tr, add(el('td'), sevBadge(f.severity)),
      add(el('td'), el('span', 'status status-' + cls(f.status), f.status)),
      el('td', 'mono', f.control),
      el('td', null, titleOf(f)),
      el('td', null, targetText(f.target)));
    tr.title = titleOf(f);
    return tr;
  }

  function toggleDetail(tr, make, cols, force) {
    var next = tr.nextSibling;
    var open = next && next.classList && next.classList.contains('detail');
    if (open && force !== true) {
      if (force === undefined) { next.parentNode.removeChild(next); tr.classList.remove('open'); }
      return;
    }
    if (open || force === false) return;
    var d = el('tr', 'detail');
    var td = el('td');
    td.colSpan = cols;
    td.appendChild(make());
    d.appendChild(td);
    tr.parentNode.insertBefore(d, next);
    tr.classList.add('open');
  }

  function findingsOrder() {
    if (F.order) return F.order;
    var idx = new Array(findings.length);
    for (var i = 0; i < findings.length; i++) idx[i] = i;
    idx.sort(function (a, b) {
      var x = findings[a], y = findings[b];
      var d = (STATUS_RANK[x.status] || 0) - (STATUS_RANK[y.status] || 0);
      if (d) return d;
      d = (SEV_RANK[y.severity] || 0) - (SEV_RANK[x.severity] || 0);
      return d || a - b;
    });
    F.order = idx;
    return idx;
  }

  function haystack(i) {
    if (!F.hay) F.hay = new Array(findings.length);
    var h = F.hay[i];
    if (h === undefined) {
      var f = findings[i], v = f.vulnerability || {};
      h = [f.control, f.check, titleOf(f), targetText(f.target), f.evidence, f.exception,
        v.id, v.package, v.installed_version, (v.aliases || []).join(' ')].join('\n').toLowerCase();
      F.hay[i] = h;
    }
    return h;
  }

  function matches(i) {
    var f = findings[i], q = F.filter;
    if (q.tier && controlOf(f).tier !== q.tier) return false;
    if (q.severity && f.severity !== q.severity) return false;
    if (q.status === 'problems') {
      if (f.status !== 'fail' && f.status !== 'error' && f.status !== 'warn') return false;
    } else if (q.status && f.status !== q.status) return false;
    if (q.control && f.control !== q.control) return false;
    if (q.q && haystack(i).indexOf(q.q) < 0) return false;
    return true;
  }

  function renderFindings(count) {
    var order = findingsOrder();
    F.list = [];
    for (var k = 0; k < order.length; k++) if (matches(order[k])) F.list.push(order[k]);
    F.body.textContent = '';
    F.shown = 0;
    showMoreFindings(count);
  }

  function showMoreFindings(count) {
    var end = Math.min(F.list.length, F.shown + count);
    var frag = document.createDocumentFragment();
    for (var k = F.shown; k < end; k++) frag.appendChild(findingRow(F.list[k]));
    F.body.appendChild(frag);
    F.shown = end;
    F.root.setAttribute('data-total', String(findings.length));
    F.root.setAttribute('data-matching', String(F.list.length));
    F.root.setAttribute('data-shown', String(F.shown));
    F.count.textContent = 'Showing ' + F.shown + ' of ' + F.list.length + ' matching (' +
      plural(findings.length, 'finding') + ' in all).';
    F.pager.hidden = F.shown >= F.list.length;
  }

  function setupFindings() {
    var app = document.getElementById('findings-app');
    F.root = document.getElementById('findings');
    var present = {};
    findings.forEach(function (f) { present[f.control] = (present[f.control] || 0) + 1; });
    var ctrlOpts = [['', 'any control']];
    Object.keys(present).sort().forEach(function (id) {
      ctrlOpts.push([id, id + ' (' + present[id] + ')']);
    });
    var bar = el('div', 'filters');
    var tier = select('tier', 'tier', [['', 'any tier']].concat(TIERS.map(function (t) { return [t, t]; })));
    var sev = select('severity', 'severity', [['', 'any severity']].concat(SEVERITIES.map(function (s) { return [s, s]; })));
    var st = select('status', 'status', [['', 'any status'], ['problems', 'fail, error or warn']]
      .concat(STATUSES.map(function (s) { return [s, s]; })));
    var ctl = select('control', 'control', ctrlOpts);
    var q = el('input');
    q.type = 'search';
    q.placeholder = 'search title, target, evidence, package, CVE\u2026';
    q.setAttribute('aria-label', 'search');
    add(bar, tier, sev, st, ctl, q);
    F.controlSelect = ctl;
    var timer = null;
    function changed() {
      F.filter.tier = tier.value; F.filter.severity = sev.value; F.filter.status = st.value;
      F.filter.control = ctl.value; F.filter.q = q.value.trim().toLowerCase();
      renderFindings(PAGE);
    }
    [tier, sev, st, ctl].forEach(function (s) { s.addEventListener('change', changed); });
    q.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(changed, 150); });
    F.count = el('p', 'countline');
    var table = el('table', 'list findings');
    var cols = el('colgroup');
    ['8%', '7%', '14%', '38%', '33%'].forEach(function (w) { var c = el('col'); c.style.width = w; cols.appendChild(c); });
    var head = el('thead');
    var hr = el('tr');
    ['severity', 'status', 'control', 'title', 'target'].forEach(function (h) { hr.appendChild(el('th', null, h)); });
    head.appendChild(hr);
    F.body = el('tbody');
    add(table, cols, head, F.body);
    F.body.addEventListener('click', function (e) {
      var tr = e.target.closest('tr.row');
      if (!tr) return;
      toggleDetail(tr, function () { return findingDetail(findings[+tr.getAttribute('data-i')]); }, 5);
    });
    F.pager = el('div', 'pager');
    var more = el('button', null, 'Show ' + PAGE + ' more');
    more.type = 'button';
    more.addEventListener('click', function () { showMoreFindings(PAGE); });
    var all = el('button', null, 'Show all');
    all.type = 'button';
    all.setAttribute('data-action', 'show-all');
    all.addEventListener('click', function () { showMoreFindings(F.list.length); });
    add(F.pager, more, all);
    if (findings.length === 0) {
      add(app, el('p', 'none', 'No findings.'));
      F.root.setAttribute('data-total', '0');
      F.root.setAttribute('data-matching', '0');
      F.root.setAttribute('data-shown', '0');
      return;
    }
    add(app, bar, F.count, table, F.pager);
    renderFindings(location.hash === '#all' || location.hash === '#expand' ? findings.length : PAGE);
  }

  function filterFindingsByControl(id) {
    if (!F.controlSelect) return;
    F.controlSelect.value = id;
    F.filter.control = id;
    renderFindings(PAGE);
    F.root.scrollIntoView();
  }

  /* ---- controls ---- */
  var C = { root: null, body: null, byControl: null, all: false, state: '' };

  function findingsOfControl(id) {
    if (!C.byControl) {
      C.byControl = {};
      findings.forEach(function (f, i) { (C.byControl[f.control] = C.byControl[f.control] || []).push(i); });
    }
    return C.byControl[id] || [];
  }

  function controlDetail(c) {
    var idx = findingsOfControl(c.id);
    var ev = null;
    if (idx.length) {
      ev = el('div');
      var ul = el('ul');
      idx.slice(0, 10).forEach(function (i) {
        var f = findings[i];
        var li = add(el('li'), el('span', 'status status-' + cls(f.status), f.status), ' ',
          targetText(f.target));
        if (f.evidence) add(li, el('pre', null, f.evidence));
        ul.appendChild(li);
      });
      ev.appendChild(ul);
      if (findings.length) {
        var b = el('button', null, 'Show the ' + plural(idx.length, 'finding') + ' of ' + c.id);
        b.type = 'button';
        b.addEventListener('click', function () { filterFindingsByControl(c.id); });
        ev.appendChild(b);
      }
    }
    return defs([
      ['Why this state', c.reason],
      ['Description', c.description],
      ['Remediation', c.remediation],
      ['Framework', c.framework],
      ['NIST 800-190', c.nist],
      ['CIS', c.cis],
      ['Required from level', c.level],
      ['Evidence', ev]
    ]);
  }

  function renderControls() {
    var rows = (D.controls || []).filter(function (c) {
      if (!c.required && !(C.all && findingsOfControl(c.id).length)) return false;
      return !C.state || c.state === C.state;
    });
    C.body.textContent = '';
    var frag = document.createDocumentFragment();
    rows.forEach(function (c) {
      var tr = el('tr', 'row');
      tr.setAttribute('data-control', c.id);
      tr.setAttribute('data-state', c.state);
      add(tr, add(el('td'), el('span', 'status state-' + cls(c.state), c.state)),
        el('td', 'mono', c.id), el('td', null, c.title), el('td', null, c.tier),
        add(el('td'), sevBadge(c.severity)), el('td', null, c.reason));
      tr.addEventListener('click', function () { toggleDetail(tr, function () { return controlDetail(c); }, 6); });
      frag.appendChild(tr);
    });
    C.body.appendChild(frag);
    C.root.setAttribute('data-shown', String(rows.length));
  }

  function setupControls() {
    C.root = document.getElementById('controls');
    var app = document.getElementById('controls-app');
    var bar = el('div', 'filters');
    var states = {};
    (D.controls || []).forEach(function (c) { if (c.required) states[c.state] = (states[c.state] || 0) + 1; });
    var st = select('state', 'state', [['', 'any state']].concat(Object.keys(states).sort().map(function (s) {
      return [s, s + ' (' + states[s] + ')'];
    })));
    var lab = el('label');
    var box = el('input');
    box.type = 'checkbox';
    add(lab, box, ' also controls not required at level ' + D.level + ' that have findings');
    add(bar, st, lab);
    st.addEventListener('change', function () { C.state = st.value; renderControls(); });
    box.addEventListener('change', function () { C.all = box.checked; renderControls(); });
    var table = el('table', 'list controls');
    var cols = el('colgroup');
    ['11%', '12%', '34%', '9%', '8%', '26%'].forEach(function (w) { var c = el('col'); c.style.width = w; cols.appendChild(c); });
    var head = el('thead');
    var hr = el('tr');
    ['state', 'control', 'title', 'tier', 'severity', 'why'].forEach(function (h) { hr.appendChild(el('th', null, h)); });
    head.appendChild(hr);
    C.body = el('tbody');
    add(table, cols, head, C.body);
    add(app, el('p', 'countline', 'Controls required at level ' + D.level + ', with the state this run gave them. Click a row for its evidence and remediation.'), bar, table);
    renderControls();
  }

  /* ---- vulnerabilities by image and package ---- */
  var V = { groups: [] };

  function vulnGroups() {
    var byTarget = {}, order = [];
    findings.forEach(function (f, i) {
      var v = f.vulnerability;
      if (!v) return;
      var tk = targetText({ name: f.target && f.target.name, id: f.target && f.target.id }) || '(unnamed target)';
      var g = byTarget[tk];
      if (!g) { g = byTarget[tk] = { name: tk, pkgs: {}, pkgOrder: [], count: 0, sev: {} }; order.push(g); }
      var pk = (v.ecosystem || '') + '\u0000' + (v.package || '') + '\u0000' + (v.installed_version || '');
      var p = g.pkgs[pk];
      if (!p) { p = g.pkgs[pk] = { name: v.package || '', version: v.installed_version || '', eco: v.ecosystem || '', path: f.target && f.target.path, items: [] }; g.pkgOrder.push(p); }
      p.items.push(i);
      g.count++;
      g.sev[f.severity] = (g.sev[f.severity] || 0) + 1;
    });
    return order;
  }

  function vulnBody(g) {
    var table = el('table', 'list vulns');
    var head = el('thead');
    var hr = el('tr');
    ['package', 'installed', 'vulnerability', 'severity', 'fixed in', 'fix status'].forEach(function (h) { hr.appendChild(el('th', null, h)); });
    head.appendChild(hr);
    var body = el('tbody');
    g.pkgOrder.slice().sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; }).forEach(function (p) {
      p.items.slice().sort(function (a, b) { return (SEV_RANK[findings[b].severity] || 0) - (SEV_RANK[findings[a].severity] || 0); })
        .forEach(function (i, k) {
          var f = findings[i], v = f.vulnerability;
          var tr = el('tr', 'vuln');
          tr.setAttribute('data-package', p.name);
          add(tr, el('td', 'wrap', k === 0 ? p.name + (p.eco ? ' (' + p.eco + ')' : '') : ''),
            el('td', 'mono', k === 0 ? p.version : ''),
            el('td', 'mono', v.id),
            add(el('td'), sevBadge(f.severity)),
            el('td', 'wrap', (v.fixed_versions || []).join(', ') || '\u2014'),
            el('td', null, v.fix_status || ''));
          body.appendChild(tr);
        });
    });
    add(table, head, body);
    return table;
  }

  function toggleGroup(gnode, g, force) {
    var body = gnode.querySelector('.gbody');
    if (body && force === undefined) { gnode.removeChild(body); return; }
    if (body) return;
    gnode.appendChild(add(el('div', 'gbody'), vulnBody(g)));
  }

  function setupVulns() {
    var root = document.getElementById('vulnerabilities');
    var app = document.getElementById('vulns-app');
    var groups = vulnGroups();
    var total = 0;
    groups.forEach(function (g) { total += g.count; });
    root.setAttribute('data-targets', String(groups.length));
    root.setAttribute('data-vulns', String(total));
    if (!groups.length) {
      app.appendChild(el('p', 'none', 'No vulnerability findings in this report.'));
      return;
    }
    app.appendChild(el('p', 'countline', plural(total, 'vulnerability finding') + ' in ' +
      plural(groups.length, 'image') + ', grouped by package. Click an image to list them.'));
    groups.forEach(function (g) {
      var node = el('div', 'group');
      node.setAttribute('data-target', g.name);
      node.setAttribute('data-count', String(g.count));
      var head = el('div', 'ghead');
      var sc = el('span', 'sevcount');
      SEVERITIES.forEach(function (s) { if (g.sev[s]) add(sc, sevBadge(s), ' ' + g.sev[s] + ' '); });
      add(head, el('span', 'name', g.name), el('span', 'sevcount', plural(g.count, 'vulnerability') + ' in ' + plural(g.pkgOrder.length, 'package')), sc);
      head.addEventListener('click', function () { toggleGroup(node, g); });
      node.appendChild(head);
      app.appendChild(node);
      V.groups.push([node, g]);
    });
  }

  /* ---- printing: everything expanded ---- */
  function expandAll() {
    if (F.body && F.shown < F.list.length) showMoreFindings(F.list.length);
    if (F.body) Array.prototype.forEach.call(F.body.querySelectorAll('tr.row'), function (tr) {
      toggleDetail(tr, function () { return findingDetail(findings[+tr.getAttribute('data-i')]); }, 5, true);
    });
    if (C.body) Array.prototype.forEach.call(C.body.querySelectorAll('tr.row'), function (tr) {
      toggleDetail(tr, function () { return controlDetail(controlById[tr.getAttribute('data-control')]); }, 6, true);
    });
    V.groups.forEach(function (p) { toggleGroup(p[0], p[1], true); });
  }

  try {
    setupFindings();
    step('findings');
    setupControls();
    step('controls');
    setupVulns();
    step('vulnerabilities');
    window.addEventListener('beforeprint', expandAll);
    if (location.hash === '#expand') expandAll();
    document.documentElement.setAttribute('data-render-ms', performance.now().toFixed(1));
    document.documentElement.setAttribute('data-render-steps', steps.join(', '));
    document.documentElement.setAttribute('data-ready', 'true');
  } catch (e) {
    document.documentElement.setAttribute('data-error', String(e && e.message || e));
    throw e;
  }
}());
