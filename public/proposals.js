// Progressive enhancement of the proposals page: a "select all on this page" checkbox. Without it, each group is
// still checked one by one.
(function () {
  var list = document.getElementById('proposal-list');
  if (!list) return;
  var boxes = list.querySelectorAll('input[type="checkbox"][name="group"]');
  if (!boxes.length) return;
  var wrap = document.createElement('div');
  wrap.className = 'choice select-all';
  var all = document.createElement('input');
  all.type = 'checkbox';
  all.id = 'select-all';
  var label = document.createElement('label');
  label.htmlFor = 'select-all';
  label.textContent = 'Отметить все на этой странице';
  wrap.appendChild(all);
  wrap.appendChild(label);
  list.parentNode.insertBefore(wrap, list);
  all.addEventListener('change', function () {
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
  });
})();
