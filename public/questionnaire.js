/*
 * Progressive enhancement of the questionnaire (the form works fully without it): once a territory is chosen, the
 * organization list keeps only that territory's organizations, so a phone user does not scroll the whole registry.
 * Written for old browsers too (no modules, no arrow functions).
 */
(function () {
  'use strict';
  var territory = document.getElementById('territoryId');
  var organization = document.getElementById('organizationId');
  if (!territory || !organization) return;
  var groups = Array.prototype.slice.call(organization.querySelectorAll('optgroup[data-territory]'));
  var hint = document.getElementById('organizationId-hint');
  var allHint = hint ? hint.textContent : '';

  function apply() {
    var chosen = territory.value;
    var selected = organization.value;
    var keepSelected = false;
    // detached and re-attached in their order rather than hidden: some mobile browsers ignore `hidden` on optgroups
    for (var i = 0; i < groups.length; i++) {
      if (groups[i].parentNode === organization) organization.removeChild(groups[i]);
    }
    for (var j = 0; j < groups.length; j++) {
      var group = groups[j];
      if (chosen && group.getAttribute('data-territory') !== chosen) continue;
      organization.appendChild(group);
      if (selected && group.querySelector('option[value="' + selected + '"]')) keepSelected = true;
    }
    if (!keepSelected) organization.value = '';
    if (hint) hint.textContent = chosen ? hint.getAttribute('data-filtered-hint') : allHint;
  }

  territory.addEventListener('change', apply);
  apply();
})();
