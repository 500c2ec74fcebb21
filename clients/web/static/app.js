// The pages' one script (progressive enhancement: every page works without it). It keeps each
// countdown's "time left" current from its data-deadline, with the same words as the server
// (clients/web/layout.ts timeLeftText).
'use strict';
(function () {
  function words(ms) {
    var a = Math.abs(ms);
    var d = Math.floor(a / 86400000);
    var h = Math.floor((a % 86400000) / 3600000);
    var m = Math.floor((a % 3600000) / 60000);
    var s = Math.floor((a % 60000) / 1000);
    var text = d > 0 ? d + ' d ' + h + ' h' : h > 0 ? h + ' h ' + m + ' min' : m + ' min ' + s + ' s';
    return ms < 0 ? 'overdue ' + text : text;
  }
  function tick() {
    var now = Date.now();
    var all = document.querySelectorAll('[data-deadline]');
    for (var i = 0; i < all.length; i++) {
      var left = Date.parse(all[i].getAttribute('data-deadline')) - now;
      var text = words(left);
      if (all[i].textContent !== text) all[i].textContent = text;
      all[i].classList.toggle('overdue', left < 0);
    }
  }
  document.documentElement.classList.add('js');
  tick();
  setInterval(tick, 1000);
})();
