/**
 * The report's in-page script (plain ES2020, run by the browser after d3 is defined). It reads the embedded JSON
 * and draws: recovery- and detection-time CDFs per combination, availability distributions (ECDFs), expectation
 * pass rates with their intervals, the reliability figures (roles and fault kinds, as the command line's tables),
 * paired differences (forest plots) and the summary tables.
 *
 * Every name from the data (scenario, parameters, roles, faults, expectations) is set with d3's `.text()` or an
 * attribute — never as HTML — so a name such as "<img onerror=…>" shows as those characters.
 */
export const REPORT_APP = String.raw`
'use strict';
(function () {
  const data = JSON.parse(document.getElementById('sweep-data').textContent);
  const S = data.summary;
  const INF = 'inf';
  const num = (v) => (v === INF ? Infinity : v === '-inf' ? -Infinity : v);
  const color = d3.scaleOrdinal(d3.schemeTableau10).domain(S.combinations.map((c) => c.id));

  function pad2(n) { return n < 10 ? '0' + n : String(n); }
  function trim(s) { return s.indexOf('.') >= 0 ? s.replace(/\.?0+$/, '') : s; }
  function dur(us) {
    us = num(us);
    if (us === Infinity) return '∞';
    if (us === 0) return '0';
    if (us < 0) return '-' + dur(-us);
    if (us < 1e3) return trim(us.toFixed(us < 10 ? 1 : 0)) + 'us';
    if (us < 1e6) return trim((us / 1e3).toFixed(us < 1e4 ? 2 : 1)) + 'ms';
    if (us < 6e7) return trim((us / 1e6).toFixed(us < 1e7 ? 2 : 1)) + 's';
    if (us < 3.6e9) { const t = Math.round(us / 1e5); const m = Math.floor(t / 600); return m + 'm' + trim(((t - m * 600) / 10).toFixed(1)) + 's'; }
    if (us < 8.64e10) { const s = Math.round(us / 1e6); const h = Math.floor(s / 3600); const m = Math.floor((s - h * 3600) / 60); return h + 'h' + pad2(m) + 'm' + pad2(s - h * 3600 - m * 60) + 's'; }
    const mi = Math.round(us / 6e7); const d = Math.floor(mi / 1440); const h = Math.floor((mi - d * 1440) / 60);
    return d + 'd' + pad2(h) + 'h' + pad2(mi - d * 1440 - h * 60) + 'm';
  }
  function censoredShare(k, n) { if (k === 0) return '0%'; const p = (k / n) * 100; return (p >= 1 ? p.toFixed(1) : p.toPrecision(2)) + '%'; }
  function share(x) { x = num(x); if (x === 1) return '100%'; return (x * 100).toFixed(x >= 0.999 ? 4 : x >= 0.99 ? 3 : 2) + '%'; }
  function fmt(v, unit) {
    if (v === null || v === undefined) return '–';
    v = num(v);
    if (v === Infinity) return '∞';
    return unit === 'us' ? dur(v) : unit === 'share' ? share(v) : Number.isInteger(v) ? String(v) : trim(v.toFixed(2));
  }
  function fmtDiff(v, unit) {
    if (v === null || v === undefined) return '–';
    if (v === 0) return '0';
    const sign = v > 0 ? '+' : v < 0 ? '-' : '±';
    const a = Math.abs(v);
    return sign + (unit === 'us' ? dur(a) : unit === 'share' ? (a * 100).toFixed(4) + 'pp' : trim(a.toFixed(3)));
  }
  // Round durations for time axes: a linear axis counts in the largest unit that fits twice (so 0, 5m, 10m … rather
  // than 0, 3m20s, 6m40s …); a log axis takes the round values 1–2–5 × 10^k of every unit within its domain.
  const UNITS = [[8.64e10, 'd'], [3.6e9, 'h'], [6e7, 'm'], [1e6, 's'], [1e3, 'ms'], [1, 'us']];
  function durationTicks(domain, log) {
    const lo = domain[0], hi = domain[1];
    if (log) {
      const out = [];
      for (const [f] of UNITS) for (const k of [1, 2, 5, 10, 20, 50, 100, 200, 500]) { const v = k * f; if (v >= lo && v <= hi && out.indexOf(v) < 0) out.push(v); }
      out.sort((a, b) => a - b);
      const step = Math.max(1, Math.ceil(out.length / 8));
      return out.filter((_, i) => i % step === 0);
    }
    const unit = UNITS.find((u) => hi >= 2 * u[0]) || UNITS[UNITS.length - 1];
    return d3.ticks(lo / unit[0], hi / unit[0], 6).map((t) => t * unit[0]);
  }
  const comboLabel = (id) => { const c = S.combinations.find((x) => x.id === id); return c ? id + '  ' + c.label : id; };

  // Header
  document.title = 'fabricsim sweep — ' + S.scenario;
  d3.select('#title').text('Sweep of ' + S.scenario);
  d3.select('#subtitle').text(
    S.combinations.length + ' combination(s) × ' + S.seeds.count + ' seeds (' + S.seeds.start + '…' +
      (S.seeds.start + S.seeds.count - 1) + ') = ' + S.runs + ' runs, ' + S.failedRuns.length + ' failed · scenario ' +
      S.scenarioHash + ' · fabricsim ' + S.fabricsim + ' · sweep ' + S.fingerprint,
  );
  const combosUl = d3.select('#combos').append('ul').attr('class', 'combos');
  const li = combosUl.selectAll('li').data(S.combinations).join('li');
  li.append('span').attr('class', 'swatch').style('background', (c) => color(c.id));
  li.append('code').text((c) => c.id);
  li.append('span').text((c) => '  ' + c.label);

  const W = 720, H = 300, M = { top: 16, right: 20, bottom: 40, left: 60 };

  function legend(parent, items) {
    const ul = parent.append('ul').attr('class', 'legend');
    const l = ul.selectAll('li').data(items).join('li');
    l.append('span').attr('class', 'swatch').style('background', (d) => color(d.combo));
    l.append('span').text((d) => d.text);
  }

  // ECDF charts: x = value, y = share of samples ≤ x; censored samples keep the curve below 1.
  function ecdfChart(parent, curve) {
    const fig = parent.append('figure').attr('class', 'chart').attr('data-metric', curve.key);
    fig.append('figcaption').text(curve.label + (curve.censoredMeans ? ' — curve ends below 1 by the share ' + curve.censoredMeans : ''));
    const all = curve.byCombo.flatMap((c) => c.points.map((p) => p[0]));
    if (all.length === 0) { fig.append('p').attr('class', 'empty').text('no samples'); return; }
    let lo = d3.min(all), hi = d3.max(all);
    const logScale = curve.unit === 'us' && lo > 0 && hi / lo > 100;
    if (lo === hi) { lo = curve.unit === 'share' ? Math.max(0, lo - 0.001) : lo - 1; hi = hi + (curve.unit === 'share' ? 0 : 1); if (curve.unit === 'share' && hi <= lo) hi = lo + 0.001; }
    const x = (logScale ? d3.scaleLog() : d3.scaleLinear()).domain([lo, hi]).range([M.left, W - M.right]);
    if (!logScale) x.nice();
    const y = d3.scaleLinear().domain([0, 1]).range([H - M.bottom, M.top]);
    const svg = fig.append('svg').attr('viewBox', '0 0 ' + W + ' ' + H).attr('role', 'img');
    const xAxis = d3.axisBottom(x).tickFormat((v) => fmt(v, curve.unit));
    if (curve.unit === 'us') xAxis.tickValues(durationTicks(x.domain(), logScale));
    else xAxis.ticks(6);
    svg.append('g').attr('transform', 'translate(0,' + (H - M.bottom) + ')').call(xAxis);
    svg.append('g').attr('transform', 'translate(' + M.left + ',0)').call(d3.axisLeft(y).ticks(5).tickFormat(d3.format('.0%')));
    svg.append('text').attr('class', 'axis-label').attr('x', W - M.right).attr('y', H - 6).attr('text-anchor', 'end').text(curve.label);
    const line = d3.line().curve(d3.curveStepAfter).x((p) => x(p[0])).y((p) => y(p[1]));
    for (const c of curve.byCombo) {
      if (c.points.length === 0) continue;
      const pts = [[c.points[0][0], 0]].concat(c.points);
      pts.push([x.domain()[1], c.points[c.points.length - 1][1]]);
      svg.append('path').attr('class', 'ecdf').attr('data-combo', c.combo).attr('fill', 'none').attr('stroke', color(c.combo)).attr('stroke-width', 1.6).attr('d', line(pts));
    }
    legend(fig, curve.byCombo.map((c) => ({
      combo: c.combo,
      text: comboLabel(c.combo) + ' — n=' + c.n + (curve.censoredMeans ? ', ' + censoredShare(c.censored, c.n || 1) + ' ' + curve.censoredMeans : ''),
    })));
  }

  const cdfs = d3.select('#cdfs');
  const avail = d3.select('#availability');
  for (const curve of data.curves) {
    if (curve.key.startsWith('ttr') || curve.key.startsWith('ttd')) ecdfChart(cdfs, curve);
    else if (curve.key.startsWith('availability')) ecdfChart(avail, curve);
  }
  if (avail.selectAll('figure').empty()) avail.append('p').attr('class', 'empty').text('no roles in this scenario');

  // Reliability figures: the same numbers as the command line's role and fault-kind tables.
  function figureTable(parent, kind, key, caption, note, head, body) {
    const fig = parent.append('figure').attr('class', 'table figures').attr('data-' + kind, key);
    fig.append('figcaption').text(caption);
    fig.append('p').attr('class', 'note').text(note);
    const table = fig.append('table');
    table.append('thead').append('tr').selectAll('th').data(head).join('th').text((d) => d);
    table.append('tbody').selectAll('tr').data(body).join('tr').selectAll('td').data((r) => r).join('td').text((d) => d);
  }
  const figs = d3.select('#figures');
  const ci = (v, lo, hi, f) => f(v) + ' [' + f(lo) + ', ' + f(hi) + ']';
  const ninesFmt = (x) => (x === null || x === undefined ? '–' : num(x) === Infinity ? '∞' : num(x).toFixed(2));
  const durFmt = (x) => fmt(x, 'us');
  for (const r of S.roleFigures || []) {
    const ready = S.metrics.find((m) => m.key === 'readyFraction[' + r.role + ']');
    figureTable(figs, 'role', r.role, 'Availability of ' + r.role,
      'mean availability, nines and downtime per year with 95% CIs from the mean’s t-interval; with no run showing downtime the rule of three bounds their share; merged down time = no instance Ready, overlapping faults counted once; package problems = instances ending their run alerted for a problem in the deployed package (runs). ' + r.censoring,
      ['combo', 'runs', 'availability [95% CI]', 'nines', 'downtime/year', 'runs with downtime', 'ready fraction', 'merged down/run', 'package problems (runs)'],
      r.byCombination.map((c, i) => {
        const rc = ready ? ready.byCombination[i] : null;
        return [
          c.combo, String(c.runs),
          ci(c.mean, c.ci.lo, c.ci.hi, (x) => fmt(x, 'share')),
          ci(c.nines, c.ninesCi.lo, c.ninesCi.hi, ninesFmt),
          ci(c.downtimePerYearUs, c.downtimePerYearCi.lo, c.downtimePerYearCi.hi, durFmt),
          c.ruleOfThree === null || c.ruleOfThree === undefined ? String(c.runsWithDowntime) : '0 (share < ' + (c.ruleOfThree * 100).toFixed(1) + '%, rule of three)',
          rc ? ci(rc.mean.value, rc.mean.ci.lo, rc.mean.ci.hi, (x) => fmt(x, 'share')) : '–',
          durFmt(c.meanDownUs),
          String(c.packageProblems || 0) + ' (' + String(c.runsWithPackageProblems || 0) + ')',
        ];
      }));
  }
  const rate = (r) => (r.meanUs === null
    ? (r.ruleOfThreeUs === null ? '–' : '> ' + durFmt(r.ruleOfThreeUs) + ' (none seen; rule of three)')
    : ci(r.meanUs, r.ci.lo, r.ci.hi, durFmt));
  for (const f of S.faultFigures || []) {
    figureTable(figs, 'fault-kind', f.kind, f.kind + ': arrivals, MTTF and MTTR',
      'missed = arrivals that found the target already down; MTTF between arrivals anywhere in a run; MTTR with censoring = time on test / recoveries; 95% exact Poisson CIs. ' + f.censoring,
      ['combo', 'runs', 'arrivals', 'missed', 'faults', 'unrecovered', 'MTTF [95% CI]', 'MTTR [95% CI]'],
      f.byCombination.map((c) => [c.combo, String(c.runs), String(c.arrivals), String(c.missed), String(c.faults), String(c.censored), rate(c.mttf), rate(c.mttr)]));
  }
  if (figs.selectAll('figure').empty()) figs.append('p').attr('class', 'empty').text('no roles or faults in this scenario');

  // Pass rates: one bar per (expectation, combination) with its Wilson interval.
  const pr = d3.select('#passrates');
  if (S.expectations.length === 0) pr.append('p').attr('class', 'empty').text('the scenario has no expectations');
  for (const e of S.expectations) {
    const fig = pr.append('figure').attr('class', 'chart passrate');
    fig.append('figcaption').text(e.name);
    const rowH = 22, h = M.top + rowH * e.byCombination.length + 30;
    const svg = fig.append('svg').attr('viewBox', '0 0 ' + W + ' ' + h);
    const x = d3.scaleLinear().domain([0, 1]).range([160, W - M.right]);
    const y = (i) => M.top + i * rowH;
    svg.append('g').attr('transform', 'translate(0,' + (M.top + rowH * e.byCombination.length + 4) + ')').call(d3.axisBottom(x).ticks(5).tickFormat(d3.format('.0%')));
    const g = svg.selectAll('g.row').data(e.byCombination).join('g').attr('class', 'row').attr('transform', (d, i) => 'translate(0,' + y(i) + ')');
    g.append('text').attr('x', 150).attr('y', 14).attr('text-anchor', 'end').text((d) => d.combo);
    g.append('rect').attr('x', x(0)).attr('y', 3).attr('height', rowH - 8).attr('width', (d) => x(d.rate === null ? 0 : d.rate) - x(0)).attr('fill', (d) => color(d.combo));
    g.append('line').attr('class', 'ci').attr('x1', (d) => x(d.ci.lo === null ? 0 : d.ci.lo)).attr('x2', (d) => x(d.ci.hi === null ? 1 : d.ci.hi)).attr('y1', rowH / 2 - 1).attr('y2', rowH / 2 - 1);
    g.append('text').attr('class', 'value').attr('x', W - M.right).attr('y', 14).attr('text-anchor', 'end')
      .text((d) => d.rate === null ? '–' : (d.rate * 100).toFixed(1) + '% (' + d.passed + '/' + d.n + ')');
  }

  // Paired differences: a forest plot per metric, one row per compared pair (mean b − a with its interval).
  const diff = d3.select('#differences');
  if (S.differences.length === 0) diff.append('p').attr('class', 'empty').text('one combination: nothing to compare');
  else {
    for (let k = 0; k < S.metrics.length; k++) {
      const m = S.metrics[k];
      const rows = S.differences.map((d) => ({ a: d.a, b: d.b, cell: d.metrics[k] }));
      const fig = diff.append('figure').attr('class', 'chart forest');
      fig.append('figcaption').text(m.label + ': b − a, mean over finite pairs, 95% CI');
      const rowH = 24, h = M.top + rowH * rows.length + 34;
      const ext = d3.extent(rows.flatMap((r) => [r.cell.ci.lo, r.cell.ci.hi, r.cell.mean]).filter((v) => v !== null).concat([0]));
      const span = ext[1] - ext[0] || 1;
      const x = d3.scaleLinear().domain([ext[0] - span * 0.05, ext[1] + span * 0.05]).range([170, W - 190]);
      const svg = fig.append('svg').attr('viewBox', '0 0 ' + W + ' ' + h);
      svg.append('g').attr('transform', 'translate(0,' + (M.top + rowH * rows.length + 4) + ')').call(d3.axisBottom(x).ticks(5).tickFormat((v) => fmtDiff(v, m.unit)));
      svg.append('line').attr('class', 'zero').attr('x1', x(0)).attr('x2', x(0)).attr('y1', M.top - 6).attr('y2', M.top + rowH * rows.length);
      const g = svg.selectAll('g.row').data(rows).join('g').attr('class', 'row').attr('transform', (d, i) => 'translate(0,' + (M.top + i * rowH) + ')');
      g.append('text').attr('x', 160).attr('y', 15).attr('text-anchor', 'end').text((d) => d.b + ' − ' + d.a);
      g.filter((d) => d.cell.ci.lo !== null && d.cell.ci.hi !== null).append('line').attr('class', 'ci')
        .attr('x1', (d) => x(d.cell.ci.lo)).attr('x2', (d) => x(d.cell.ci.hi)).attr('y1', 11).attr('y2', 11);
      g.filter((d) => d.cell.mean !== null).append('circle').attr('cx', (d) => x(d.cell.mean)).attr('cy', 11).attr('r', 4).attr('fill', (d) => color(d.b));
      g.append('text').attr('class', 'value').attr('x', W - M.right).attr('y', 15).attr('text-anchor', 'end')
        .text((d) => fmtDiff(d.cell.mean, m.unit) + ' (n=' + d.cell.n + ')');
    }
  }

  // Tables: the same numbers as the command line prints.
  const tables = d3.select('#tables');
  const pl = (p) => 'p' + String(Math.round(p * 1000) / 10);
  for (const m of S.metrics) {
    const fig = tables.append('figure').attr('class', 'table');
    fig.append('figcaption').text(m.label + (m.censoredMeans ? ' — ∞ = ' + m.censoredMeans : ''));
    const head = ['combo', 'n'].concat(m.censoredMeans ? ['censored'] : [], ['mean [95% CI]'], m.percentiles.map((p) => pl(p) + ' [95% CI]'), [m.better === 'higher' ? 'min' : 'max']);
    const body = m.byCombination.map((c) => {
      const f = (v) => fmt(v, m.unit);
      return [c.combo, String(c.n)].concat(
        m.censoredMeans ? [c.n ? censoredShare(c.censored, c.n) : '–'] : [],
        [f(c.mean.value) + ' [' + f(c.mean.ci.lo) + ', ' + f(c.mean.ci.hi) + ']'],
        c.percentiles.map((p) => f(p.value) + ' [' + f(p.ci.lo) + ', ' + f(p.ci.hi) + ']'),
        [f(m.better === 'higher' ? c.min : c.max)],
      );
    });
    const table = fig.append('table');
    table.append('thead').append('tr').selectAll('th').data(head).join('th').text((d) => d);
    table.append('tbody').selectAll('tr').data(body).join('tr').selectAll('td').data((r) => r).join('td').text((d) => d);
  }
  // Coverage (issue 13): every ladder rung and fault kind with hits and the share of runs that reached it.
  const cov = d3.select('#coverage');
  if (!data.coverage || data.coverage.length === 0) cov.append('p').attr('class', 'empty').text('No coverage recorded.');
  for (const sec of data.coverage || []) {
    if (sec.rows.length === 0) continue;
    const fig = cov.append('figure').attr('class', 'table');
    fig.append('figcaption').text(sec.title + ' (' + sec.rows.filter((r) => r.runs > 0).length + '/' + sec.rows.length + ' reached)');
    const table = fig.append('table');
    table.append('thead').append('tr').selectAll('th').data(['item', 'hits', 'runs reaching it']).join('th').text((d) => d);
    table.append('tbody').selectAll('tr').data(sec.rows).join('tr').attr('class', (r) => (r.runs === 0 ? 'gap' : null))
      .selectAll('td').data((r) => [r.item, String(r.hits), r.runs === 0 ? 'not reached' : String(r.runs)]).join('td').text((d) => d);
  }
  d3.select('#methods').selectAll('li').data(Object.entries(S.methods)).join('li').text((d) => d[0] + ': ' + d[1]);
  document.body.setAttribute('data-ready', 'true');
})();
`;
