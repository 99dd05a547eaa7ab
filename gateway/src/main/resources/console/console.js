// Toolgate console: the only script (the Content-Security-Policy allows no other). It refreshes
// the approvals list every second without a reload, keeping what is being typed, and counts
// down expiries.
(function () {
  'use strict';
  function ids(root) {
    return Array.prototype.map.call(root.querySelectorAll('[data-call]'), function (e) {
      return e.getAttribute('data-call');
    }).join(',');
  }
  function countdown() {
    var now = Date.now();
    document.querySelectorAll('time.expires').forEach(function (t) {
      var left = Math.round((Date.parse(t.getAttribute('datetime')) - now) / 1000);
      t.textContent = left > 0 ? 'in ' + left + ' s' : 'expired';
    });
  }
  function poll(box) {
    fetch(box.getAttribute('data-poll'), { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var next = document.createElement('div');
        next.innerHTML = html; // server-rendered, every value escaped there
        if (ids(next) !== ids(box)) { box.innerHTML = html; countdown(); }
      })
      .catch(function () { /* try again next tick */ });
  }
  document.addEventListener('DOMContentLoaded', function () {
    var box = document.querySelector('[data-poll]');
    countdown();
    setInterval(countdown, 1000);
    if (box) { setInterval(function () { poll(box); }, 1000); }
  });
})();
