// Starts the moderators' console (moderate.html). A file of its own, not an
// inline script: the console's Content-Security-Policy allows scripts from
// this origin only (docs/server.md "Security headers").
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var tag = params.get('lang') || document.documentElement.getAttribute('lang') || '';
  var lang = /^zh(\b|[-_])/i.test(tag) ? 'zh-CN' : 'en';
  document.documentElement.setAttribute('lang', lang);
  var other = new URL(location.href);
  other.searchParams.set('lang', lang === 'zh-CN' ? 'en' : 'zh-CN');
  other.hash = '';
  var root = document.getElementById('moderator');
  function fail() {
    var boot = document.getElementById('mod-boot');
    boot.setAttribute('role', 'alert');
    boot.textContent = lang === 'zh-CN'
      ? '审核台无法加载（需要支持 WebAssembly 的浏览器，并能连上评论服务器）。'
      : 'The console cannot load (it needs a browser with WebAssembly and a reachable comment server).';
  }
  if (typeof WebAssembly !== 'object' || typeof createCommentsModerator !== 'function') {
    fail();
    return;
  }
  /* global createCommentsModerator */
  createCommentsModerator().then(function (module) {
    module.mount(root, { server: location.origin, lang: lang, otherLanguageHref: other.pathname + other.search });
  }, fail);
})();
