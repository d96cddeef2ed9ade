/*
 * Progressive enhancement of the questionnaire (the form works fully without it: the server matches a typed name
 * against the registry and asks to confirm). Once a territory is chosen, its organizations arrive as a small cached
 * JSON and the name field becomes a combobox (ARIA 1.2 pattern) that filters them as one types.
 * Written for old browsers too (no modules, no arrow functions, no fetch needed).
 */
(function () {
  'use strict';
  var territory = document.getElementById('territoryId');
  var input = document.getElementById('organizationName');
  var hidden = input && input.form ? input.form.elements.namedItem('organizationId') : null;
  if (!territory || !input || !hidden || !window.XMLHttpRequest) return;
  var hint = document.getElementById('organizationName-hint');
  var MAX_SHOWN = 8;
  var PLAIN = 'ё«»„“”"\'`.,;:()[]{}/\\-–—№#!?+*';
  var lists = {};
  var current = [];
  var shown = [];
  var active = -1;

  var list = document.createElement('ul');
  list.id = 'organizationName-options';
  list.className = 'picker-list';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Организации выбранной территории');
  list.hidden = true;
  var status = document.createElement('p');
  status.className = 'visually-hidden';
  status.setAttribute('aria-live', 'polite');
  input.parentNode.insertBefore(list, input.nextSibling);
  input.parentNode.insertBefore(status, list.nextSibling);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);
  if (hint && hint.getAttribute('data-picker-hint')) hint.textContent = hint.getAttribute('data-picker-hint');

  /* the server folds names the same way: lower case, ё → е, punctuation → spaces */
  function words(text) {
    var folded = '';
    var lower = String(text).toLowerCase();
    for (var i = 0; i < lower.length; i++) {
      var ch = lower.charAt(i);
      var at = PLAIN.indexOf(ch);
      folded += at < 0 ? ch : at === 0 ? 'е' : ' ';
    }
    return folded.split(/\s+/).filter(function (w) { return w !== ''; });
  }

  function load(id) {
    if (!id) { current = []; return; }
    if (lists[id]) { current = lists[id]; return; }
    var xhr = new XMLHttpRequest();
    xhr.open('GET', '/api/v1/public/territories/' + encodeURIComponent(id) + '/organizations');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.onload = function () {
      if (xhr.status !== 200) return;
      var items = JSON.parse(xhr.responseText).organizations;
      for (var i = 0; i < items.length; i++) items[i].words = ' ' + words(items[i].name).join(' ') + ' ';
      lists[id] = items;
      if (territory.value === id) { current = items; sync(); if (document.activeElement === input) filter(); }
    };
    xhr.send();
  }

  function matches(item, typed) {
    for (var i = 0; i < typed.length; i++) {
      var w = typed[i];
      var number = /^\d+$/.test(w);
      if (item.words.indexOf(' ' + w + (number ? ' ' : '')) < 0) return false;
    }
    return true;
  }

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(index) {
    active = index;
    var items = list.children;
    for (var i = 0; i < items.length; i++) items[i].setAttribute('aria-selected', i === index ? 'true' : 'false');
    if (index >= 0) {
      input.setAttribute('aria-activedescendant', items[index].id);
      if (items[index].scrollIntoView) items[index].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  }

  function filter() {
    var typed = words(input.value);
    list.innerHTML = '';
    shown = [];
    if (!typed.length || !current.length) { close(); return; }
    var found = 0;
    for (var i = 0; i < current.length; i++) {
      if (!matches(current[i], typed)) continue;
      found++;
      if (shown.length < MAX_SHOWN) shown.push(current[i]);
    }
    for (var j = 0; j < shown.length; j++) {
      var li = document.createElement('li');
      li.id = list.id + '-' + j;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.setAttribute('data-index', String(j));
      li.textContent = shown[j].name;
      list.appendChild(li);
    }
    status.textContent = found ? 'Найдено организаций: ' + found + (found > MAX_SHOWN ? ', показаны первые ' + MAX_SHOWN : '') : 'В реестре территории нет такой организации; название сохранится как введено';
    if (!shown.length) { close(); return; }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    active = -1;
  }

  function choose(item) {
    input.value = item.name;
    hidden.value = item.id;
    status.textContent = 'Выбрано: ' + item.name;
    close();
  }

  /* the hidden id stays only while the name is that entry's and the entry belongs to the chosen territory */
  function sync() {
    if (!hidden.value) return;
    for (var i = 0; i < current.length; i++) {
      if (current[i].id === hidden.value && current[i].words === ' ' + words(input.value).join(' ') + ' ') return;
    }
    if (current.length || !territory.value) hidden.value = '';
  }

  input.addEventListener('input', function () { sync(); filter(); });
  input.addEventListener('focus', function () { if (input.value) filter(); });
  input.addEventListener('blur', function () { close(); });
  input.addEventListener('keydown', function (e) {
    var open = !list.hidden;
    if (e.key === 'ArrowDown' || e.key === 'Down') {
      if (!open) filter();
      if (!list.hidden) highlight(Math.min(active + 1, shown.length - 1));
      e.preventDefault();
    } else if (e.key === 'ArrowUp' || e.key === 'Up') {
      if (open) highlight(Math.max(active - 1, 0));
      e.preventDefault();
    } else if (e.key === 'Enter' && open && active >= 0) {
      choose(shown[active]);
      e.preventDefault();
    } else if (e.key === 'Escape' || e.key === 'Esc') {
      if (open) { close(); e.preventDefault(); }
    }
  });
  /* mousedown, not click: the input's blur would close the list before the click lands */
  list.addEventListener('mousedown', function (e) {
    var li = e.target && e.target.closest ? e.target.closest('li[role="option"]') : null;
    if (!li) return;
    e.preventDefault();
    choose(shown[Number(li.getAttribute('data-index'))]);
  });
  territory.addEventListener('change', function () { close(); load(territory.value); sync(); });
  load(territory.value);
})();
