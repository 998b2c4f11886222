'use strict';
// The live traffic page: messages from /dashboard/events (server-sent events), the rest from
// /dashboard/overview every 2 s. No framework, no build step, nothing from the network.
(() => {
  const MAX_ROWS = 500;
  const messages = [];
  let paused = false;
  let received = 0;
  let skipped = 0;
  const $ = (id) => document.getElementById(id);
  const body = $('messages').querySelector('tbody');

  const filters = () => ({
    route: $('filter-route').value,
    consumer: $('filter-consumer').value.trim().toLowerCase(),
    tool: $('filter-tool').value.trim().toLowerCase(),
    errors: $('filter-errors').checked,
  });

  const matches = (m, f) => (!f.route || m.route === f.route)
    && (!f.consumer || (m.consumer || '').toLowerCase().includes(f.consumer))
    && (!f.tool || (m.tool || m.method || '').toLowerCase().includes(f.tool))
    && (!f.errors || m.status === 'error');

  const cell = (tr, text, cls) => {
    const td = document.createElement('td');
    td.textContent = text === undefined || text === null ? '' : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
  };

  const row = (m) => {
    const tr = document.createElement('tr');
    tr.dataset.tool = m.tool || '';
    tr.dataset.status = m.status;
    cell(tr, new Date(m.time).toLocaleTimeString());
    cell(tr, m.route);
    cell(tr, m.consumer || '—');
    cell(tr, m.method);
    cell(tr, m.tool || '');
    cell(tr, m.status === 'error' ? (m.error_type || 'error') : 'ok', m.status);
    cell(tr, m.latency_ms.toFixed(1), 'num');
    cell(tr, m.upstream_ms === undefined ? '' : m.upstream_ms.toFixed(1), 'num');
    cell(tr, m.acl || '', m.acl || '');
    tr.addEventListener('click', () => {
      const detail = $('detail');
      detail.hidden = false;
      detail.textContent = JSON.stringify(m, null, 2);
    });
    return tr;
  };

  const render = () => {
    clearTimeout(drawing);
    drawing = null;
    const f = filters();
    const shown = messages.filter((m) => matches(m, f));
    body.replaceChildren(...shown.slice(-200).reverse().map(row));
    $('counter').textContent = `${shown.length} shown of ${messages.length} kept (${received} received`
      + (skipped ? `, ${skipped} skipped at high rates)` : ')');
  };

  // messages arrive by the hundred a second on a busy gateway: the table is redrawn at most every
  // DRAW_MS, not once per message (each redraw rebuilds up to 200 rows)
  const DRAW_MS = 100;
  let drawing = null;
  const scheduleRender = () => {
    if (!paused && drawing === null) drawing = setTimeout(() => (paused ? (drawing = null) : render()), DRAW_MS);
  };

  // the gateway filters before its per-tick cap (a quiet route still arrives while another is busy);
  // the page filters what it kept too, and reconnects with the filters when they change
  const seen = new Set();
  let source = null;
  const connect = () => {
    if (source) source.close();
    const f = filters();
    const query = new URLSearchParams();
    if (f.route) query.set('route', f.route);
    if (f.consumer) query.set('consumer', f.consumer);
    if (f.tool) query.set('tool', f.tool);
    if (f.errors) query.set('errors', 'true');
    const q = query.toString();
    source = new EventSource('/dashboard/events' + (q ? '?' + q : ''));
    source.onopen = () => { $('connection').textContent = 'live'; $('connection').className = 'up'; };
    source.onerror = () => { $('connection').textContent = 'reconnecting…'; $('connection').className = 'down'; };
    source.addEventListener('missed', (event) => { skipped += Number(event.data); scheduleRender(); });
    source.onmessage = (event) => {
      // a new connection starts with recent messages this page may already have
      if (event.lastEventId && seen.has(event.lastEventId)) return;
      const m = JSON.parse(event.data);
      m.seq = event.lastEventId;
      seen.add(m.seq);
      received++;
      messages.push(m);
      if (messages.length > MAX_ROWS) messages.splice(0, messages.length - MAX_ROWS).forEach((old) => seen.delete(old.seq));
      scheduleRender();
    };
  };
  let reconnecting = null;
  const refilter = () => {
    render();
    clearTimeout(reconnecting);
    reconnecting = setTimeout(connect, 300);
  };

  const fill = (table, rows) => table.querySelector('tbody').replaceChildren(...rows);

  // the routes and tools are sent again only when they changed (a configuration of thousands of tools is
  // megabytes): the page names the rendering it has
  let routesTag = '';
  const overview = async () => {
    try {
      const query = routesTag ? '?routes=' + encodeURIComponent(routesTag) : '';
      const o = await (await fetch('/dashboard/overview' + query, { cache: 'no-store' })).json();
      $('sessions').textContent = o.sessions;
      $('streams').textContent = o.streams;
      $('hash').textContent = o.configuration_hash.slice(0, 12);
      $('window').textContent = `last ${Math.round(o.window_seconds / 60)} min`;
      fill($('tools'), o.tools.map((t) => {
        const tr = document.createElement('tr');
        cell(tr, t.name); cell(tr, t.route); cell(tr, t.calls, 'num'); cell(tr, t.per_second.toFixed(2), 'num');
        cell(tr, `${(t.error_ratio * 100).toFixed(1)} %`, t.errors ? 'num error' : 'num');
        cell(tr, t.p50_ms, 'num'); cell(tr, t.p99_ms, 'num');
        return tr;
      }));
      fill($('upstreams'), o.upstreams.map((u) => {
        const tr = document.createElement('tr');
        cell(tr, u.service); cell(tr, u.address); cell(tr, u.state, u.state);
        cell(tr, u.calls, 'num'); cell(tr, u.failures, 'num');
        return tr;
      }));
      if (!o.routes) return; // unchanged since the page drew them
      const select = $('filter-route');
      const known = new Set([...select.options].map((o2) => o2.value));
      const routes = o.routes.map((r) => {
        if (!known.has(r.route)) select.add(new Option(r.route, r.route));
        const div = document.createElement('div');
        div.className = 'route';
        const title = document.createElement('div');
        const name = document.createElement('b');
        name.textContent = r.route;
        title.append(name, ` ${r.mode} ${r.paths}${r.service ? ' → ' + r.service : ''}`);
        div.appendChild(title);
        r.tools.forEach((t) => {
          const tool = document.createElement('div');
          tool.className = 'tool';
          const acl = t.acl ? ` allow: ${(t.acl.allow || []).join(', ') || '—'} deny: ${(t.acl.deny || []).join(', ') || '—'}` : ' open';
          tool.textContent = `${t.name}${acl}`;
          div.appendChild(tool);
        });
        return div;
      });
      $('routes').replaceChildren(...routes);
      routesTag = o.routes_tag;
    } catch (e) {
      // the admin listener restarts or is unreachable: the next tick tries again
    }
  };

  ['filter-route', 'filter-consumer', 'filter-tool', 'filter-errors'].forEach((id) =>
    $(id).addEventListener('input', refilter));
  $('pause').addEventListener('click', () => {
    paused = !paused;
    $('pause').textContent = paused ? 'Resume' : 'Pause';
    $('pause').classList.toggle('paused', paused);
    if (!paused) render();
  });
  connect();
  overview();
  setInterval(overview, 2000);
})();
