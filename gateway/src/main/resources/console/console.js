// Toolgate console: the only script (the Content-Security-Policy allows no other). It refreshes
// the approvals list every second without a reload and counts down expiries. A refresh never
// re-renders an item already on the page: new approvals are inserted, and one that is no longer
// pending is removed unless the person has started on it (a typed reason, or focus inside it) —
// then it stays, marked, so the click they are about to make gets the server's answer
// ("already approved by …") instead of hitting a vanished button.
(function () {
  'use strict';
  function items(root) {
    return Array.prototype.slice.call(root.querySelectorAll('[data-call]'));
  }
  function ids(root) {
    return items(root).map(function (e) { return e.getAttribute('data-call'); }).join(',');
  }
  function countdown() {
    var now = Date.now();
    document.querySelectorAll('time.expires').forEach(function (t) {
      var left = Math.round((Date.parse(t.getAttribute('datetime')) - now) / 1000);
      t.textContent = left > 0 ? 'in ' + left + ' s' : 'expired';
    });
  }
  function startedOn(li) {
    var reason = li.querySelector('input[name=reason]');
    return (reason !== null && reason.value !== '') || li.contains(document.activeElement);
  }
  function markGone(li) {
    if (li.classList.contains('gone')) { return; }
    li.classList.add('gone');
    var note = document.createElement('p');
    note.className = 'gone-note';
    note.setAttribute('role', 'status');
    note.textContent = 'No longer waiting here: decided elsewhere or expired. Submitting shows what happened.';
    li.insertBefore(note, li.firstChild);
  }
  function merge(box, html) {
    var next = document.createElement('div');
    next.innerHTML = html; // server-rendered, every value escaped there
    if (ids(next) === ids(box)) { return; }
    var fresh = {};
    items(next).forEach(function (li) { fresh[li.getAttribute('data-call')] = li; });
    var current = {};
    items(box).forEach(function (li) {
      var id = li.getAttribute('data-call');
      if (fresh[id]) { current[id] = li; } else if (startedOn(li)) { markGone(li); current[id] = li; } else { li.remove(); }
    });
    var list = box.querySelector('ul.approvals');
    if (list === null) {
      if (items(next).length === 0) { box.innerHTML = html; return; }
      box.innerHTML = '';
      list = document.createElement('ul');
      list.className = 'approvals';
      box.appendChild(list);
    }
    var before = list.firstChild;
    items(next).forEach(function (li) {
      var id = li.getAttribute('data-call');
      if (current[id]) { before = current[id].nextSibling; return; }
      list.insertBefore(li, before);
    });
    if (items(box).length === 0) { box.innerHTML = html; }
    countdown();
  }
  function poll(box) {
    fetch(box.getAttribute('data-poll'), { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { merge(box, html); } })
      .catch(function () { /* try again next tick */ });
  }
  document.addEventListener('DOMContentLoaded', function () {
    var box = document.querySelector('[data-poll]');
    countdown();
    setInterval(countdown, 1000);
    if (box) { setInterval(function () { poll(box); }, 1000); }
  });
})();
