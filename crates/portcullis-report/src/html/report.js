// portcullis HTML report: renders the findings from the JSON block, a page
// at a time, and filters them. Data goes into the page only as text
// (textContent, createElement), never as markup.
(function () {
  'use strict';

  var dataBlock = document.getElementById('portcullis-data');
  var form = document.getElementById('filters');
  if (!dataBlock || !form) {
    return;
  }
  var data = JSON.parse(dataBlock.textContent);
  var kinds = data.kinds;
  var targets = data.targets;
  var status = document.getElementById('filter-status');
  var placeBox = document.getElementById('place');

  var state = {
    severity: {},
    outcome: {},
    rule: '',
    q: '',
    size: 100,
    place: null // {target, kind: 'layer' | 'history', index}
  };
  var pages = targets.map(function () { return 0; });
  /** Findings of a per-binary rule shown per page before the rest fold (the report crate's SHOWN_PER_RULE). */
  var FOLD_AFTER = 3;
  var haystacks = targets.map(function () { return null; });

  function readForm() {
    state.severity = {};
    state.outcome = {};
    Array.prototype.forEach.call(form.querySelectorAll('input[name="severity"]'), function (box) {
      state.severity[box.value] = box.checked;
    });
    Array.prototype.forEach.call(form.querySelectorAll('input[name="outcome"]'), function (box) {
      state.outcome[box.value] = box.checked;
    });
    state.rule = form.elements.rule.value;
    state.q = form.elements.q.value.trim().toLowerCase();
    state.size = parseInt(form.elements.size.value, 10) || 100;
  }

  function outcomeOf(f) {
    return f.s ? 'suppressed' : kinds[f.k].action;
  }

  /** Lower-case text of each finding of target `t`, built once, for the text filter. */
  function haystack(t) {
    if (!haystacks[t]) {
      haystacks[t] = targets[t].findings.map(function (f) {
        var k = kinds[f.k];
        var parts = [k.rule, k.title, f.m, f.l, f.fp];
        if (f.r) {
          f.r.forEach(function (r) { parts.push(r[1]); });
        }
        if (f.s) {
          parts.push(f.s[1]);
        }
        return parts.join('\n').toLowerCase();
      });
    }
    return haystacks[t];
  }

  function matching(t) {
    var out = [];
    var findings = targets[t].findings;
    var place = state.place && state.place.target === t ? state.place : null;
    if (state.place && !place) {
      return out; // a place filter shows only its own target's findings
    }
    var hay = state.q ? haystack(t) : null;
    for (var i = 0; i < findings.length; i++) {
      var f = findings[i];
      var k = kinds[f.k];
      if (!state.severity[k.severity] || !state.outcome[outcomeOf(f)]) {
        continue;
      }
      if (state.rule && k.rule !== state.rule) {
        continue;
      }
      if (hay && hay[i].indexOf(state.q) < 0) {
        continue;
      }
      if (place) {
        if (place.kind === 'layer' && f.ly !== place.index) {
          continue;
        }
        if (place.kind === 'history' && !(f.h && f.h.indexOf(place.index) >= 0)) {
          continue;
        }
      }
      out.push(i);
    }
    return out;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    return e;
  }

  /** A message: the parts rules quote in backticks as code. */
  function message(text, className) {
    var p = el('p', className);
    String(text).split('`').forEach(function (part, i) {
      if (part === '') {
        return;
      }
      p.appendChild(i % 2 ? el('code', null, part) : document.createTextNode(part));
    });
    return p;
  }

  var LABELS = { fail: 'FAIL', warn: 'WARN', info: 'INFO', suppressed: 'SUPPRESSED' };
  var KIND_NAMES = {
    dockerfile: 'Dockerfile',
    history: 'history',
    config: 'config',
    layer: 'layer',
    manifest: 'manifest'
  };

  function location(kind, words, cls) {
    var p = el('p', cls);
    p.appendChild(el('span', 'lk lk-' + kind, KIND_NAMES[kind] || kind));
    p.appendChild(document.createTextNode(' '));
    p.appendChild(el('code', null, words));
    return p;
  }

  function renderFinding(f) {
    var k = kinds[f.k];
    var outcome = outcomeOf(f);
    var card = el('article', 'finding out-' + outcome + ' sev-' + k.severity);
    card.setAttribute('data-severity', k.severity);
    card.setAttribute('data-outcome', outcome);
    card.setAttribute('data-rule', k.rule);

    var head = el('header');
    head.appendChild(el('span', 'label out-' + outcome, LABELS[outcome] || outcome));
    head.appendChild(el('span', 'sev sev-' + k.severity, k.severity));
    // A link only to configured docs; else the code, whose documentation
    // is in the policies table above.
    var link = el(data.doc ? 'a' : 'span', 'rule', k.rule);
    if (data.doc) {
      link.href = data.doc + encodeURIComponent(k.rule.toLowerCase());
      link.rel = 'noreferrer noopener';
      link.target = '_blank';
    }
    head.appendChild(link);
    head.appendChild(el('span', 'title', k.title));
    card.appendChild(head);

    card.appendChild(message(f.m, 'msg'));
    card.appendChild(location(f.lk, f.l, 'loc'));
    if (f.src) {
      var pre = el('pre', 'src');
      pre.appendChild(el('span', 'ln', f.src[0]));
      var chars = Array.from(f.src[1]);
      var start = f.src[2];
      var end = start + f.src[3];
      pre.appendChild(document.createTextNode(chars.slice(0, start).join('')));
      pre.appendChild(el('mark', null, chars.slice(start, end).join('')));
      pre.appendChild(document.createTextNode(chars.slice(end).join('')));
      card.appendChild(pre);
    }
    if (f.r && f.r.length) {
      var related = el('div', 'related');
      related.appendChild(el('span', 'what', 'related'));
      f.r.forEach(function (r) {
        related.appendChild(location(r[0], r[1], 'loc rel'));
      });
      card.appendChild(related);
    }
    if (f.s) {
      var sup = el('p', 'sup');
      sup.appendChild(el('strong', null, 'Suppressed (' + f.s[0] + '): '));
      sup.appendChild(document.createTextNode(f.s[1]));
      card.appendChild(sup);
    }
    var fix = message(k.remediation, 'fix');
    fix.insertBefore(el('strong', null, 'Fix: '), fix.firstChild);
    card.appendChild(fix);
    card.appendChild(el('p', 'fp', 'fingerprint ' + f.fp));
    return card;
  }

  function pageButton(label, page, t, disabled) {
    var b = el('button', 'page', label);
    b.type = 'button';
    b.disabled = disabled;
    b.addEventListener('click', function () {
      pages[t] = page;
      renderTarget(t);
      var box = document.getElementById('findings-' + t);
      if (box && box.getBoundingClientRect().top < 0) {
        box.scrollIntoView();
      }
    });
    return b;
  }

  function pager(t, page, count) {
    var nav = el('nav', 'pager');
    nav.setAttribute('aria-label', 'Pages of findings');
    nav.appendChild(pageButton('« first', 0, t, page === 0));
    nav.appendChild(pageButton('‹ previous', page - 1, t, page === 0));
    nav.appendChild(el('span', 'of', 'page ' + (page + 1) + ' of ' + count));
    nav.appendChild(pageButton('next ›', page + 1, t, page + 1 >= count));
    nav.appendChild(pageButton('last »', count - 1, t, page + 1 >= count));
    return nav;
  }

  /** Renders target `t`'s current page; returns how many findings match. */
  function renderTarget(t) {
    var box = document.getElementById('findings-' + t);
    var findings = targets[t].findings;
    if (!box) {
      return 0;
    }
    var shown = matching(t);
    var count = Math.max(1, Math.ceil(shown.length / state.size));
    var page = Math.min(Math.max(pages[t], 0), count - 1);
    pages[t] = page;
    box.textContent = '';
    box.setAttribute('data-matching', String(shown.length));
    if (findings.length === 0) {
      box.appendChild(el('p', 'empty', 'No findings.'));
      return 0;
    }
    if (shown.length === 0) {
      box.appendChild(el('p', 'empty',
        'No findings match the filters (' + findings.length + ' hidden).'));
      return 0;
    }
    var from = page * state.size;
    var to = Math.min(shown.length, from + state.size);
    var perCategory = {};
    shown.forEach(function (i) {
      var c = kinds[findings[i].k].category;
      perCategory[c] = (perCategory[c] || 0) + 1;
    });
    box.appendChild(el('p', 'range',
      'Showing ' + (from + 1) + '–' + to + ' of ' + shown.length + ' matching' +
      (shown.length === findings.length ? '' : ' (' + findings.length + ' in all)') + '.'));
    if (count > 1) {
      box.appendChild(pager(t, page, count));
    }
    var list = el('div', 'list');
    var category = null;
    // Rules judged per binary: FOLD_AFTER findings of each stay in the
    // list (those that fail the gate first), the rest of the page go into
    // one folded group per rule.
    var perRule = {};
    var folds = {};
    var byRule = {};
    for (var m = from; m < to; m++) {
      var km = kinds[findings[shown[m]].k];
      if (km.fold) {
        (byRule[km.rule] = byRule[km.rule] || []).push(m);
      }
    }
    var open = {};
    Object.keys(byRule).forEach(function (rule) {
      var rank = function (m) { return outcomeOf(findings[shown[m]]) === 'fail' ? 0 : 1; };
      byRule[rule].slice().sort(function (a, b) { return rank(a) - rank(b) || a - b; })
        .slice(0, FOLD_AFTER).forEach(function (m) { open[m] = true; });
    });
    for (var n = from; n < to; n++) {
      var f = findings[shown[n]];
      var k = kinds[f.k];
      if (k.category !== category) {
        category = k.category;
        var h = el('h4', 'cat', k.category_title);
        h.appendChild(el('span', 'muted', ' ' + perCategory[category] + ' matching' +
          (n === from && from > 0 ? ', continued' : '')));
        list.appendChild(h);
      }
      perRule[k.rule] = (perRule[k.rule] || 0) + 1;
      if (k.fold && !open[n]) {
        if (!folds[k.rule]) {
          var group = el('details', 'fold');
          group.setAttribute('data-rule', k.rule);
          group.appendChild(el('summary', null, ''));
          list.appendChild(group);
          folds[k.rule] = group;
        }
        folds[k.rule].appendChild(renderFinding(f));
        continue;
      }
      list.appendChild(renderFinding(f));
    }
    Object.keys(folds).forEach(function (rule) {
      var more = folds[rule].querySelectorAll('article.finding').length;
      folds[rule].querySelector('summary').textContent =
        rule + ': ' + more + ' more, like these (' + perRule[rule] + ' on this page)';
    });
    box.appendChild(list);
    if (count > 1) {
      box.appendChild(pager(t, page, count));
    }
    return shown.length;
  }

  function renderAll() {
    var total = 0;
    var matched = 0;
    for (var t = 0; t < targets.length; t++) {
      total += targets[t].findings.length;
      matched += renderTarget(t);
    }
    status.textContent = matched === total
      ? 'All ' + total + ' findings shown.'
      : matched + ' of ' + total + ' findings match.';
    status.setAttribute('data-matching', String(matched));
    document.body.setAttribute('data-ready', 'true');
  }

  function showPlace() {
    placeBox.textContent = '';
    if (!state.place) {
      placeBox.hidden = true;
      return;
    }
    placeBox.hidden = false;
    placeBox.appendChild(document.createTextNode('Only ' + targets[state.place.target].name +
      ', ' + state.place.kind + ' ' + state.place.index + ' '));
    var clear = el('button', 'clear', '✕ all places');
    clear.type = 'button';
    clear.addEventListener('click', function () {
      state.place = null;
      showPlace();
      resetPages();
      renderAll();
    });
    placeBox.appendChild(clear);
  }

  function resetPages() {
    for (var t = 0; t < pages.length; t++) {
      pages[t] = 0;
    }
  }

  function filterKey() {
    return JSON.stringify([state.severity, state.outcome, state.rule, state.q, state.size]);
  }

  /** After a control changed: re-render, from the first page if the filters changed. */
  function update() {
    var before = filterKey();
    readForm();
    if (filterKey() === before) {
      return; // e.g. the search box's change event on blur: nothing to redo
    }
    resetPages();
    renderAll();
  }

  function scrollToFindings(t) {
    var box = document.getElementById('findings-' + t);
    if (box) {
      box.scrollIntoView();
    }
  }

  form.addEventListener('change', update);
  form.addEventListener('input', function (e) {
    if (e.target && e.target.name === 'q') {
      update();
    }
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
  });
  form.addEventListener('reset', function () {
    state.place = null;
    showPlace();
    // The form's controls are reset after this event.
    window.setTimeout(function () {
      readForm();
      resetPages();
      renderAll();
    }, 0);
  });

  document.addEventListener('click', function (e) {
    var target = e.target instanceof Element ? e.target.closest('button[data-place], button[data-filter-rule]') : null;
    if (!target) {
      return;
    }
    var section = target.closest('section.target');
    var t = section ? parseInt(section.getAttribute('data-target'), 10) : -1;
    if (target.hasAttribute('data-place')) {
      state.place = {
        target: t,
        kind: target.getAttribute('data-place'),
        index: parseInt(target.getAttribute('data-index'), 10)
      };
      showPlace();
    } else {
      form.elements.rule.value = target.getAttribute('data-filter-rule');
      readForm();
    }
    resetPages();
    renderAll();
    if (t >= 0) {
      scrollToFindings(t);
    }
  });

  form.hidden = false;
  readForm();
  renderAll();
})();

// The vulnerability tables: their rows are in the page (readable without
// this script); this sorts them by a click on a column's header and filters
// them with the form above each table. It reads only the rows' data-*
// attributes and changes only their order and `hidden`.
(function () {
  'use strict';

  var collator = typeof Intl !== 'undefined' && Intl.Collator
    ? new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })
    : null;

  function compareText(a, b) {
    return collator ? collator.compare(a, b) : (a < b ? -1 : a > b ? 1 : 0);
  }

  function setup(table) {
    var t = table.getAttribute('data-target');
    var form = document.getElementById('vulns-' + t + '-filters');
    var status = document.getElementById('vulns-' + t + '-status');
    var tbody = table.tBodies[0];
    if (!tbody) {
      return;
    }
    var rows = Array.prototype.slice.call(tbody.rows);
    var original = rows.slice();
    var headers = Array.prototype.slice.call(table.querySelectorAll('th[data-sort]'));
    var sorted = { key: 'severity', dir: 'desc' };

    /** A row's sort key for `key`: a number, a string, or null (sorts last). */
    function keyOf(row, key, type) {
      var raw = row.getAttribute('data-key-' + key);
      if (raw === null || raw === '') {
        return null;
      }
      if (type === 'num') {
        var n = parseFloat(raw);
        return isNaN(n) ? null : n;
      }
      return raw;
    }

    function sortBy(key, dir) {
      var header = table.querySelector('th[data-sort="' + key + '"]');
      var type = header ? header.getAttribute('data-type') : 'text';
      var sign = dir === 'desc' ? -1 : 1;
      var keyed = original.map(function (row, i) {
        return { row: row, key: keyOf(row, key, type), i: i };
      });
      keyed.sort(function (a, b) {
        if (a.key === null || b.key === null) {
          if (a.key === b.key) {
            return a.i - b.i;
          }
          return a.key === null ? 1 : -1; // absent last, either direction
        }
        var c = type === 'num' ? a.key - b.key : compareText(a.key, b.key);
        return c !== 0 ? sign * c : a.i - b.i; // ties keep the default order
      });
      var fragment = document.createDocumentFragment();
      keyed.forEach(function (k) { fragment.appendChild(k.row); });
      tbody.appendChild(fragment);
      sorted = { key: key, dir: dir };
      headers.forEach(function (h) {
        if (h.getAttribute('data-sort') === key) {
          h.setAttribute('aria-sort', dir === 'desc' ? 'descending' : 'ascending');
        } else {
          h.removeAttribute('aria-sort');
        }
      });
      table.setAttribute('data-sorted', key + ' ' + dir);
    }

    headers.forEach(function (h) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      button.textContent = h.textContent;
      button.title = 'Sort by ' + h.textContent;
      h.textContent = '';
      h.appendChild(button);
      button.addEventListener('click', function () {
        var key = h.getAttribute('data-sort');
        var dir = sorted.key === key
          ? (sorted.dir === 'asc' ? 'desc' : 'asc')
          : (h.getAttribute('data-first') || 'asc');
        sortBy(key, dir);
      });
    });

    function apply() {
      if (!form) {
        return;
      }
      var severities = {};
      Array.prototype.forEach.call(form.querySelectorAll('input[name="severity"]'), function (box) {
        severities[box.value] = box.checked;
      });
      var fixedOnly = form.elements.fixed ? form.elements.fixed.checked : false;
      var hideVex = form.elements['hide-vex'] ? form.elements['hide-vex'].checked : false;
      var pkg = form.elements['package'] ? form.elements['package'].value.trim().toLowerCase() : '';
      var layer = form.elements.layer ? form.elements.layer.value : '';
      var shown = 0;
      rows.forEach(function (row) {
        var visible = severities[row.getAttribute('data-severity')] !== false &&
          (!fixedOnly || row.getAttribute('data-fix') === '1') &&
          (!hideVex || row.getAttribute('data-vex') !== 'suppressed') &&
          (!pkg || (row.getAttribute('data-package') || '').indexOf(pkg) >= 0) &&
          (!layer || row.getAttribute('data-layer') === layer);
        row.hidden = !visible;
        if (visible) {
          shown++;
        }
      });
      if (status) {
        status.textContent = shown === rows.length
          ? 'All ' + rows.length + ' shown.'
          : shown + ' of ' + rows.length + ' shown.';
        status.setAttribute('data-shown', String(shown));
      }
      table.setAttribute('data-shown', String(shown));
    }

    if (form) {
      form.addEventListener('change', apply);
      form.addEventListener('input', apply);
      form.addEventListener('submit', function (e) { e.preventDefault(); });
      form.addEventListener('reset', function () {
        // The controls are reset after this event.
        window.setTimeout(apply, 0);
      });
      form.hidden = false;
    }
    apply();
  }

  Array.prototype.forEach.call(document.querySelectorAll('table.vulns'), setup);
  document.body.setAttribute('data-vulns-ready', 'true');
})();
