// Greencap dashboard: reads greencap-collector's JSON API (docs/openapi.yaml) and draws it with hand-made SVG.
// No libraries and no third-party requests, so it works on an isolated facility network and the collector can
// serve it from bytes inside its binary. See docs/dashboard.md.
'use strict';

(function () {
  const TOKEN_KEY = 'greencap.token';
  const REFRESH_MS = 15000;
  // The tables show each node's mean over this window: long enough to cover a batch or two of telemetry.
  const RECENT_SECONDS = 120;
  const RANGES = { '5m': 300, '15m': 900, '1h': 3600, '6h': 21600, '24h': 86400 };
  // About one step per 3 px of chart width.
  const CHART_STEPS = 240;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const state = { range: '1h', timer: null };

  // ---- Errors: anything unexpected is shown on the page and logged, never swallowed.

  function reportError(message) {
    const list = document.getElementById('error-list');
    const item = document.createElement('li');
    item.textContent = message;
    list.appendChild(item);
    document.getElementById('errors').hidden = false;
  }
  window.addEventListener('error', (event) => reportError('script error: ' + event.message));
  window.addEventListener('unhandledrejection', (event) => reportError('script error: ' + String(event.reason)));

  // ---- Token and range from the URL fragment. The fragment is never sent to a server; the token moves to this
  // tab's session storage and is removed from the address bar so it does not linger in history or screenshots.

  function readFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    const token = params.get('token');
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      params.delete('token');
    }
    const range = params.get('range');
    if (range && RANGES[range]) state.range = range;
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
  }

  function writeFragment() {
    history.replaceState(null, '', location.pathname + location.search + '#range=' + state.range);
  }

  // ---- API access

  class APIError extends Error {
    constructor(status, message, hint) {
      super(message);
      this.status = status;
      this.hint = hint || '';
    }
    get text() {
      return this.hint ? this.message + ' (' + this.hint + ')' : this.message;
    }
  }

  async function api(path) {
    const headers = { Accept: 'application/json' };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = 'Bearer ' + token;
    let response;
    try {
      response = await fetch(path, { headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
    } catch (error) {
      throw new APIError(0, 'the collector did not answer ' + path + ': ' + error.message, 'check that greencap-collector is running');
    }
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    if (!response.ok) {
      const message = body && body.error ? body.error : 'HTTP ' + response.status + ' from ' + path;
      throw new APIError(response.status, message, body && body.hint);
    }
    return body;
  }

  // ---- Formatting

  const kstTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Seoul', hour: '2-digit', minute: '2-digit', hour12: false });
  const kstDayHour = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Seoul', weekday: 'short', day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false,
  });
  const kstHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Seoul', hour: '2-digit', hour12: false });
  const kstDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Seoul', weekday: 'short', day: 'numeric' });

  function iso(milliseconds) {
    return new Date(milliseconds).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  function watts(value) {
    if (value == null || !isFinite(value)) return '–';
    if (Math.abs(value) >= 100000) return (value / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 }) + ' kW';
    if (Math.abs(value) >= 10000) return (value / 1000).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + ' kW';
    // `+ 0` turns a rounded -0 (a headroom of -0.3 W) into 0.
    return (Math.round(value) + 0).toLocaleString('en-US') + ' W';
  }

  /// Axis labels in one unit for the whole axis: kW once the top reaches 10 kW.
  function axisWatts(value, top) {
    if (top < 10000) return Math.round(value).toLocaleString('en-US') + ' W';
    return (value / 1000).toLocaleString('en-US', { maximumFractionDigits: top < 100000 ? 1 : 0 }) + ' kW';
  }

  function score(value) {
    return value == null || !isFinite(value) ? '–' : value.toFixed(2);
  }

  function age(text) {
    const seconds = Math.round((Date.now() - Date.parse(text)) / 1000);
    if (!isFinite(seconds)) return text;
    if (seconds < 0) return 'in ' + age(new Date(Date.now() + seconds * 1000).toISOString()).replace(' ago', '');
    if (seconds < 90) return seconds + ' s ago';
    if (seconds < 5400) return Math.round(seconds / 60) + ' min ago';
    if (seconds < 172800) return Math.round(seconds / 3600) + ' h ago';
    return Math.round(seconds / 86400) + ' d ago';
  }

  function when(text) {
    const time = Date.parse(text);
    if (!isFinite(time)) return text;
    const seconds = (time - Date.now()) / 1000;
    const relative = seconds >= 0 ? 'in ' + Math.round(seconds) + ' s' : age(text);
    return kstDayHour.format(time) + ' KST (' + (Math.abs(seconds) < 3600 ? relative : age(text)) + ')';
  }

  // ---- DOM helpers

  function element(name, attributes, ...children) {
    const node = document.createElement(name);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value != null) node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child != null) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function svg(name, attributes, ...children) {
    const node = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value != null) node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child != null) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function replace(id, ...children) {
    const target = document.getElementById(id);
    target.replaceChildren(...children.filter((child) => child != null));
    return target;
  }

  function panelError(id, error) {
    replace(id, element('p', { class: 'panel-error error-text' }, error instanceof APIError ? error.text : String(error)));
  }

  /// A table with a caption, column headers and the first cell of each row as its row header.
  function table(caption, columns, rows, rowAttributes) {
    const head = element('tr', {}, ...columns.map((column) => element('th', { scope: 'col', class: column.numeric ? 'num' : null }, column.title)));
    const body = rows.map((row, index) => element(
      'tr', rowAttributes ? rowAttributes(row, index) : {},
      ...columns.map((column, columnIndex) => {
        const content = column.value(row);
        const attributes = Object.assign({ class: column.numeric ? 'num' : null }, column.attributes ? column.attributes(row) : {});
        if (columnIndex === 0) attributes.scope = 'row';
        return element(columnIndex === 0 ? 'th' : 'td', attributes, content);
      })));
    return element('table', {}, element('caption', {}, caption), element('thead', {}, head), element('tbody', {}, ...body));
  }

  function meter(power, cap) {
    if (power == null || cap == null || cap <= 0) return null;
    const share = Math.max(0, Math.min(1, power / cap));
    const fill = element('span', { class: share > 0.95 ? 'hot' : null });
    // Through CSSOM, not a style attribute: the Content-Security-Policy allows no inline styles.
    fill.style.width = (share * 100).toFixed(1) + '%';
    return element('span', { class: 'meter', role: 'img', 'aria-label': Math.round(share * 100) + ' % of cap' }, fill);
  }

  // ---- Charts

  function niceCeiling(value) {
    if (!(value > 0)) return 1;
    const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (const factor of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
      if (factor * magnitude >= value) return factor * magnitude;
    }
    return 10 * magnitude;
  }

  function timeTicks(from, to) {
    const span = to - from;
    const candidates = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);
    const interval = candidates.find((candidate) => span / candidate <= 7) || candidates[candidates.length - 1];
    const ticks = [];
    for (let tick = Math.ceil(from / interval) * interval; tick <= to; tick += interval) ticks.push(tick);
    return ticks;
  }

  /// Lines that break where a value is missing, rather than drawing across the gap.
  function linePath(points, x, y) {
    let path = '';
    let pen = false;
    for (const point of points) {
      if (point.value == null) {
        pen = false;
        continue;
      }
      path += (pen ? 'L' : 'M') + x(point.time).toFixed(1) + ',' + y(point.value).toFixed(1);
      pen = true;
    }
    return path;
  }

  function drawFleetChart(history) {
    const width = 800, height = 270, left = 64, right = 44, top = 12, bottom = 28;
    const from = Date.parse(history.from), to = Date.parse(history.to);
    const points = history.points.map((point) => ({
      time: Date.parse(point.time), power: point.power_watts, cap: point.cap_watts, score: point.green_score,
    }));
    const withPower = points.filter((point) => point.power != null);
    // Four round gridline steps above the highest value; an empty chart still gets a readable 0 to 1 kW scale.
    const highest = Math.max(1000, ...points.map((point) => Math.max(point.power || 0, point.cap || 0)));
    const top_ = 4 * niceCeiling((highest * 1.05) / 4);
    const x = (time) => left + ((time - from) / (to - from)) * (width - left - right);
    const y = (value) => top + (1 - value / top_) * (height - top - bottom);
    const yScore = (value) => top + (1 - value) * (height - top - bottom);
    const last = withPower[withPower.length - 1];
    const chart = svg('svg', {
      viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-labelledby': 'fleet-svg-title fleet-svg-desc',
      'data-points': String(withPower.length),
    });
    chart.append(svg('title', { id: 'fleet-svg-title' }, 'Fleet GPU power, cap and green score'));
    chart.append(svg('desc', { id: 'fleet-svg-desc' }, last
      ? withPower.length + ' steps of ' + history.step_seconds + ' s; latest ' + watts(last.power) + ' against a cap of ' + watts(last.cap)
      : 'No GPU telemetry in this range.'));

    const grid = svg('g', { class: 'grid' });
    const axis = svg('g', { class: 'axis' });
    for (let index = 0; index <= 4; index++) {
      const value = (top_ * index) / 4;
      grid.append(svg('line', { x1: left, x2: width - right, y1: y(value), y2: y(value) }));
      axis.append(svg('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end' }, axisWatts(value, top_)));
      axis.append(svg('text', { x: width - right + 6, y: yScore(index / 4) + 4 }, (index / 4).toFixed(2)));
    }
    for (const tick of timeTicks(from, to)) {
      axis.append(svg('line', { x1: x(tick), x2: x(tick), y1: height - bottom, y2: height - bottom + 4 }));
      axis.append(svg('text', { x: x(tick), y: height - 8, 'text-anchor': 'middle' }, kstTime.format(tick)));
    }
    chart.append(grid);

    // Green score as a stepped area: it holds from one recorded hour to the next.
    let area = '';
    let open = null;
    const step = history.step_seconds * 1000;
    for (const point of points) {
      if (point.score == null) {
        if (open != null) area += 'L' + x(open).toFixed(1) + ',' + yScore(0) + 'Z';
        open = null;
        continue;
      }
      if (open == null) {
        area += 'M' + x(point.time).toFixed(1) + ',' + yScore(0);
        open = point.time;
      }
      area += 'L' + x(point.time).toFixed(1) + ',' + yScore(point.score).toFixed(1);
      area += 'L' + x(Math.min(to, point.time + step)).toFixed(1) + ',' + yScore(point.score).toFixed(1);
      open = Math.min(to, point.time + step);
    }
    if (open != null) area += 'L' + x(open).toFixed(1) + ',' + yScore(0) + 'Z';
    if (area) chart.append(svg('path', { class: 'score-area', d: area }));

    chart.append(svg('path', { class: 'cap', d: linePath(points.map((p) => ({ time: p.time, value: p.cap })), x, y) }));
    chart.append(svg('path', { class: 'power', d: linePath(points.map((p) => ({ time: p.time, value: p.power })), x, y) }));
    chart.append(axis);
    if (!withPower.length) {
      chart.append(svg('text', { class: 'empty', x: width / 2, y: height / 2, 'text-anchor': 'middle' },
        'No GPU telemetry between ' + kstTime.format(from) + ' and ' + kstTime.format(to) + ' KST'));
    }
    replace('fleet-chart', chart);
    return last;
  }

  function drawForecast(forecast) {
    const width = 600, height = 190, left = 34, right = 8, top = 10, bottom = 34;
    const hours = forecast.hours;
    const slot = (width - left - right) / Math.max(1, hours.length);
    const y = (value) => top + (1 - value) * (height - top - bottom);
    const chart = svg('svg', {
      viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-labelledby': 'forecast-svg-title forecast-svg-desc',
      'data-hours': String(hours.length),
    });
    const best = hours.reduce((a, b) => (b.score > a.score ? b : a), hours[0]);
    chart.append(svg('title', { id: 'forecast-svg-title' }, 'Expected green score per hour, ' + forecast.region));
    chart.append(svg('desc', { id: 'forecast-svg-desc' }, hours.length + ' hours from ' + kstDayHour.format(Date.parse(hours[0].start))
      + ' KST; highest ' + score(best.score) + ' at ' + kstDayHour.format(Date.parse(best.start)) + ' KST.'));
    const axis = svg('g', { class: 'axis' });
    for (const value of [0, 0.5, 1]) {
      axis.append(svg('line', { x1: left, x2: width - right, y1: y(value), y2: y(value) }));
      axis.append(svg('text', { x: left - 4, y: y(value) + 4, 'text-anchor': 'end' }, value.toFixed(1)));
    }
    chart.append(axis);
    const bars = svg('g', {});
    hours.forEach((hour, index) => {
      const start = Date.parse(hour.start);
      const value = Math.max(0, Math.min(1, hour.score));
      const bar = svg('rect', {
        class: value < 0.3 ? 'bar low' : 'bar', x: (left + index * slot + 1).toFixed(1), y: y(value).toFixed(1),
        width: Math.max(1, slot - 2).toFixed(1), height: (y(0) - y(value)).toFixed(1), 'data-score': String(hour.score),
        'data-start': hour.start,
      });
      bar.append(svg('title', {}, kstDayHour.format(start) + ' KST: expected green score ' + score(hour.score)
        + ', curtailment ' + hour.curtailment));
      bars.append(bar);
      const hourOfDay = Number(kstHour.format(start));
      if (hourOfDay % 6 === 0) {
        axis.append(svg('text', { x: left + index * slot, y: height - 18 }, String(hourOfDay).padStart(2, '0') + 'h'));
        if (hourOfDay === 0) axis.append(svg('text', { x: left + index * slot, y: height - 4 }, kstDay.format(start)));
      }
    });
    chart.append(bars);
    replace('forecast-chart', chart);
    replace('forecast-note', 'Issued for the hours after ' + kstDayHour.format(Date.parse(forecast.data_through))
      + ' KST, the newest stored grid hour of ' + forecast.region + '. Best hour: ' + kstDayHour.format(Date.parse(best.start))
      + ' KST at ' + score(best.score) + '.');
  }

  // ---- Caps: rendered from whatever arrays GET /api/v1/caps returns, so new fields show up without a page change.

  const timePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

  function cell(key, value) {
    if (value == null) return '–';
    if (typeof value === 'number' && /watts|_w$/.test(key)) return watts(value);
    if (typeof value === 'string' && timePattern.test(value)) return when(value);
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    if (Array.isArray(value) && value.every((item) => typeof item !== 'object')) return value.join(', ');
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  }

  function title(key) {
    const text = key.replace(/_/g, ' ');
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function genericTable(caption, rows) {
    // What a row is about first (node, or the cap's id, scope and name), then every other field as found.
    const keys = ['node', 'id', 'scope', 'name'].filter((key) => rows.some((row) => key in row));
    for (const row of rows) for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key);
    const columns = keys.map((key) => ({
      title: title(key), numeric: rows.some((row) => typeof row[key] === 'number'), value: (row) => cell(key, row[key]),
      attributes: (row) => (key === 'outcome' ? { class: row[key] === 'applied' ? 'ok' : row[key] ? 'bad' : 'stale' } : {}),
    }));
    return element('div', { class: 'scroll' }, table(caption, columns, rows, (row) => ({ 'data-node': row.node || null })));
  }

  // Captions for the lists GET /api/v1/caps is known to return; any other list is shown under its own name.
  const capLists = {
    caps: 'Caps in force (rules file and API)',
    deliveries: 'Policy per node: the newest sent, and whether the node applied it',
  };

  function drawCaps(body) {
    const parts = [];
    const arrays = Array.isArray(body) ? [['caps', body]] : Object.entries(body || {}).filter(([, value]) => Array.isArray(value));
    for (const [key, rows] of arrays) {
      const objects = rows.filter((row) => row && typeof row === 'object');
      if (!objects.length) {
        parts.push(element('p', { class: 'note' }, (capLists[key] || title(key)) + ': none.'));
        continue;
      }
      parts.push(genericTable((capLists[key] || title(key)) + ' (' + objects.length + ')', objects));
    }
    if (!parts.length) parts.push(element('p', { class: 'note' }, 'No caps or policy deliveries recorded.'));
    replace('caps', ...parts);
  }

  function drawAudit(body) {
    const entries = (body.entries || []).slice(0, 10);
    // Caps set, cleared or expired through the API, as the collector recorded them (when it records them).
    const changes = (body.cap_changes || []).slice(0, 10);
    const changeTable = changes.length ? genericTable('Caps set and cleared through the API', changes) : null;
    if (!entries.length) {
      replace('audit', element('p', { class: 'note' }, 'No cap changes reported by the agents in the last 24 h.'), changeTable);
      return;
    }
    replace('audit', changeTable, element('div', { class: 'scroll' }, table('The newest ' + entries.length + ' cap changes the agents reported', [
      { title: 'Time', value: (entry) => kstTime.format(Date.parse(entry.time)) + ' KST' },
      { title: 'Node', value: (entry) => entry.node + (entry.gpu != null ? ' GPU ' + entry.gpu : '') },
      { title: 'Change', numeric: true, value: (entry) => (entry.old_watts != null ? watts(entry.old_watts) + ' → ' : '') + watts(entry.new_watts) },
      { title: 'Cause', value: (entry) => entry.cause + (entry.dry_run ? ' (dry run)' : '') },
      { title: 'Author', value: (entry) => entry.author || '–' },
      { title: 'Lease until', value: (entry) => (entry.lease_expires ? kstTime.format(Date.parse(entry.lease_expires)) + ' KST' : '–') },
    ], entries)));
  }

  // ---- Node, rack and row tables

  function nodeRows(nodes, recent) {
    const byID = new Map();
    for (const group of (recent && recent.groups) || []) {
      const point = group.points[group.points.length - 1] || {};
      byID.set(group.name, { power: point.power_watts, cap: point.cap_watts });
    }
    return nodes.map((node) => Object.assign({}, node, byID.get(node.id) || { power: null, cap: null }));
  }

  function drawNodes(rows, deliveries, recentWindow) {
    const policy = new Map(deliveries.map((delivery) => [delivery.node, delivery]));
    // The window the figures are means over, for anyone comparing them with the API.
    const container = document.getElementById('nodes-table');
    container.dataset.from = recentWindow.from;
    container.dataset.to = recentWindow.to;
    replace('nodes-table', element('div', { class: 'scroll' }, table(rows.length + ' nodes; power and cap are means over the last '
      + RECENT_SECONDS / 60 + ' minutes', [
      { title: 'Node', value: (row) => row.id },
      { title: 'Site', value: (row) => row.site || '–' },
      { title: 'Row', value: (row) => row.row || '–' },
      { title: 'Rack', value: (row) => row.rack || '–' },
      { title: 'GPU power', numeric: true, value: (row) => watts(row.power), attributes: (row) => ({ 'data-watts': row.power }) },
      { title: 'GPU cap', numeric: true, value: (row) => watts(row.cap), attributes: (row) => ({ 'data-watts': row.cap }) },
      { title: 'Of cap', value: (row) => meter(row.power, row.cap) },
      {
        title: 'Policy', value: (row) => (policy.get(row.id) ? (policy.get(row.id).outcome || 'sent') : '–'),
        attributes: (row) => ({ class: policy.get(row.id) && policy.get(row.id).outcome === 'applied' ? 'ok' : null }),
      },
      { title: 'Last seen', value: (row) => age(row.last_seen), attributes: (row) => ({ class: Date.now() - Date.parse(row.last_seen) > 60000 ? 'stale' : null }) },
      { title: 'Agent', value: (row) => row.agent_version || '–' },
    ], rows, (row) => ({ 'data-node': row.id }))));
  }

  function groupTable(id, key, label, rows) {
    const groups = new Map();
    for (const row of rows) {
      const name = row[key] || '(unplaced)';
      const group = groups.get(name) || { name, nodes: 0, reporting: 0, power: 0, cap: 0, row: row.row };
      group.nodes += 1;
      if (row.power != null) {
        group.reporting += 1;
        group.power += row.power;
      }
      if (row.cap != null) group.cap += row.cap;
      groups.set(name, group);
    }
    const list = [...groups.values()].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    const columns = [
      { title: label, value: (group) => group.name },
      { title: 'Nodes', numeric: true, value: (group) => group.reporting + ' / ' + group.nodes },
      { title: 'GPU power', numeric: true, value: (group) => watts(group.reporting ? group.power : null), attributes: (group) => ({ 'data-watts': group.power }) },
      { title: 'GPU cap', numeric: true, value: (group) => watts(group.cap || null), attributes: (group) => ({ 'data-watts': group.cap }) },
      { title: 'Headroom', numeric: true, value: (group) => (group.cap ? watts(group.cap - group.power) : '–') },
      { title: 'Of cap', value: (group) => meter(group.power, group.cap) },
    ];
    if (key === 'rack') columns.splice(1, 0, { title: 'Row', value: (group) => group.row || '–' });
    replace(id, element('div', { class: 'scroll' }, table(list.length + ' ' + label.toLowerCase() + 's: nodes reporting / known', columns, list,
      (group) => ({ 'data-group': group.name }))));
  }

  // ---- Refresh

  function settled(result) {
    return result.status === 'fulfilled' ? { value: result.value } : { error: result.reason };
  }

  function showAuth(error) {
    const section = document.getElementById('auth');
    section.hidden = false;
    replace('auth-message', error.text + ' (HTTP ' + error.status + ')');
    document.body.dataset.state = 'needs-token';
    replace('status', sessionStorage.getItem(TOKEN_KEY) ? 'The token in use was refused.' : 'No API token given.');
  }

  async function refresh() {
    clearTimeout(state.timer);
    const now = Date.now();
    const span = RANGES[state.range] * 1000;
    const step = Math.max(1, Math.ceil(span / 1000 / CHART_STEPS));
    const recentWindow = { from: iso(now - RECENT_SECONDS * 1000), to: iso(now) };
    const [nodes, fleet, recent, caps, audit, grid, forecast] = (await Promise.allSettled([
      api('/api/v1/nodes'),
      api('/api/v1/fleet/history?from=' + iso(now - span) + '&to=' + iso(now) + '&step=' + step + 's'),
      api('/api/v1/fleet/history?group=node&from=' + recentWindow.from + '&to=' + recentWindow.to + '&step=' + RECENT_SECONDS + 's'),
      api('/api/v1/caps'),
      api('/api/v1/audit?limit=10'),
      api('/api/v1/grid/state'),
      api('/api/v1/grid/forecast?hours=48'),
    ])).map(settled);
    const refused = [nodes, fleet, recent, caps, audit, grid, forecast].find((result) => result.error && [401, 403].includes(result.error.status));
    if (refused) {
      showAuth(refused.error);
      state.timer = setTimeout(refresh, REFRESH_MS);
      return;
    }
    document.getElementById('auth').hidden = true;

    let latest = null;
    if (fleet.error) panelError('fleet-chart', fleet.error);
    else latest = drawFleetChart(fleet.value);

    const deliveries = [];
    if (caps.error) panelError('caps', caps.error);
    else {
      drawCaps(caps.value);
      for (const value of Object.values(caps.value || {})) {
        if (Array.isArray(value)) deliveries.push(...value.filter((row) => row && row.node && (row.policy_id || row.outcome)));
      }
    }
    if (audit.error) panelError('audit', audit.error);
    else drawAudit(audit.value);

    if (nodes.error) {
      for (const id of ['nodes-table', 'racks-table', 'rows-table']) panelError(id, nodes.error);
    } else {
      const rows = nodeRows(nodes.value.nodes, recent.value);
      drawNodes(rows, deliveries, recentWindow);
      groupTable('racks-table', 'rack', 'Rack', rows);
      groupTable('rows-table', 'row', 'Row', rows);
      replace('now-nodes', rows.filter((row) => row.power != null).length + ' / ' + rows.length);
    }
    if (recent.error && !nodes.error) reportError('recent node power: ' + recent.error.text);

    const hour = grid.value ? grid.value.hours[0] : null;
    if (forecast.error) {
      panelError('forecast-chart', forecast.error);
      replace('forecast-note');
    } else drawForecast(forecast.value);

    replace('now-power', watts(latest ? latest.power : null));
    replace('now-cap', watts(latest ? latest.cap : null));
    replace('now-headroom', latest && latest.cap != null ? watts(latest.cap - latest.power) : '–');
    replace('now-score', score(hour ? hour.green_score : latest ? latest.score : null));
    const gridText = hour
      ? hour.region + ' ' + kstDayHour.format(Date.parse(hour.start)) + ' KST: solar ' + Math.round(hour.solar_mw) + ' MW'
        + (hour.wind_mw != null ? ', wind ' + Math.round(hour.wind_mw) + ' MW' : '') + ' (' + hour.source + ')'
      : grid.error ? grid.error.text : '–';
    const gridCell = replace('now-grid', gridText);
    gridCell.className = 'small';

    replace('status', (nodes.value ? nodes.value.nodes.length + ' nodes · ' : '') + (hour ? 'region ' + hour.region + ' · ' : '')
      + 'updated ' + kstTime.format(now) + ' KST' + (sessionStorage.getItem(TOKEN_KEY) ? ' · token from this session' : ''));
    document.body.dataset.state = 'ready';
    state.timer = setTimeout(refresh, REFRESH_MS);
  }

  function start() {
    readFragment();
    for (const button of document.querySelectorAll('[data-range]')) {
      button.setAttribute('aria-pressed', String(button.dataset.range === state.range));
      button.addEventListener('click', () => {
        state.range = button.dataset.range;
        for (const other of document.querySelectorAll('[data-range]')) other.setAttribute('aria-pressed', String(other === button));
        writeFragment();
        refresh();
      });
    }
    document.getElementById('auth-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = document.getElementById('auth-token');
      if (input.value.trim()) sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      input.value = '';
      refresh();
    });
    refresh();
  }

  start();
})();
