/*
 * Comments embed loader. A site adds, per article:
 *
 *   <div data-comments data-lang="zh-CN" data-limit="10" data-theme="auto"></div>
 *   <script async src="https://comments.example.com/embed.js"></script>
 *
 * Every [data-comments] element (and every server-rendered section.cm-thread
 * outside one) becomes a widget in its own shadow root. Options, all optional:
 *   data-thread      thread key          (default: the page's canonical URL path)
 *   data-server      comment server      (default: this script's origin)
 *   data-lang        zh-CN | en          (default: the nearest lang attribute)
 *   data-limit       comments shown 1-50 (default 10)
 *   data-theme       light | dark | auto (default auto)
 *   data-disclaimer  the line under the heading (default: the site's usual wording)
 *
 * The Wasm module is compiled once per page with streaming compilation and
 * shared by all widgets; its download starts at once, in parallel with the
 * Emscripten glue script. docs/embedding.md has the details.
 */
(function () {
  'use strict';

  if (window.CommentsEmbed) {
    window.CommentsEmbed.scan();
    return;
  }

  var script = document.currentScript;
  var scriptUrl = new URL(script && script.src ? script.src : 'embed.js', location.href);
  var assetBase = new URL('.', scriptUrl);
  var defaultServer = scriptUrl.origin;

  var TEXT = {
    'zh-CN': {
      loading: '正在加载评论…',
      nowasm: '你的浏览器不支持 WebAssembly，无法显示评论。请升级浏览器后再试。',
      unreachable: '无法连接评论服务器，评论暂时无法显示。请稍后刷新页面重试。'
    },
    en: {
      loading: 'Loading comments…',
      nowasm: 'Your browser does not support WebAssembly, so comments cannot be shown. Please update your browser.',
      unreachable: 'The comment server cannot be reached, so comments cannot be shown right now. Please reload the page later.'
    }
  };

  function langOf(el) {
    var tag = el.getAttribute('data-lang');
    if (!tag) {
      var withLang = el.closest('[lang]') || document.documentElement;
      tag = withLang.getAttribute('lang') || '';
    }
    return /^zh(\b|[-_])/i.test(tag) ? 'zh-CN' : 'en';
  }

  function canonicalPath() {
    var link = document.querySelector('link[rel="canonical"][href]');
    if (link) {
      try {
        return new URL(link.getAttribute('href'), location.href).pathname;
      } catch (e) { /* fall through to the page's own path */ }
    }
    return location.pathname;
  }

  function serverOrigin(value) {
    if (!value) return defaultServer;
    try {
      var url = new URL(value, location.href);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    } catch (e) { /* an unusable value: use the default */ }
    return defaultServer;
  }

  function fetchOk(url) {
    return fetch(url, { credentials: 'omit' }).then(function (response) {
      if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
      return response;
    });
  }

  // ---- The stylesheet: fetched once, shared by every shadow root.
  var cssUrl = new URL('comments.css', assetBase).href;
  var stylesheet = fetchOk(cssUrl).then(function (response) {
    return response.text();
  }).then(function (text) {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      return { sheet: sheet };
    } catch (e) {
      return { text: text };
    }
  }, function () {
    return null;
  });

  function applyStyles(root, styles) {
    if (styles && styles.sheet && 'adoptedStyleSheets' in root) {
      root.adoptedStyleSheets = [styles.sheet];
    } else if (styles && styles.text) {
      var style = document.createElement('style');
      style.textContent = styles.text;
      root.insertBefore(style, root.firstChild);
    } else {
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = cssUrl;
      root.insertBefore(link, root.firstChild);
    }
  }

  // ---- The Wasm module: compiled once per page. A tab signed in to the
  // moderators' console gets the build with moderator mode (docs/moderation.md).
  var modulePromise = null;
  var moduleName = 'comments-widget';
  try {
    if (sessionStorage.getItem('comments.moderator.token')) moduleName += '-mod';
  } catch (e) { /* storage disabled: a reader */ }

  function compileWasm() {
    var wasmUrl = new URL(moduleName + '.wasm', assetBase).href;
    var slowPath = function () {
      return fetchOk(wasmUrl).then(function (r) { return r.arrayBuffer(); }).then(WebAssembly.compile);
    };
    if (typeof WebAssembly.compileStreaming !== 'function') return slowPath();
    // Streaming needs the application/wasm type; a server without it still works.
    return WebAssembly.compileStreaming(fetchOk(wasmUrl)).catch(slowPath);
  }

  function loadGlue() {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = new URL(moduleName + '.js', assetBase).href;
      s.async = true;
      s.onload = resolve;
      s.onerror = function () { reject(new Error('cannot load ' + s.src)); };
      document.head.appendChild(s);
    });
  }

  function loadModule() {
    if (modulePromise) return modulePromise;
    modulePromise = Promise.all([compileWasm(), loadGlue()]).then(function (parts) {
      /* global createCommentsWidget */
      // The glue instantiates the compiled module it is given (wasm/CMakeLists.txt).
      return createCommentsWidget({ wasm: parts[0] });
    });
    return modulePromise;
  }

  function showProblem(root, lang, key) {
    var boot = root.querySelector('.cm-boot');
    if (!boot) {
      boot = document.createElement('p');
      root.appendChild(boot);
    }
    boot.className = 'cm-boot cm-boot-error';
    boot.setAttribute('role', 'alert');
    boot.textContent = TEXT[lang][key];
  }

  function mount(el) {
    if (el.hasAttribute('data-comments-mounted')) return;
    el.setAttribute('data-comments-mounted', '');
    var fragment = el.matches('section.cm-thread') ? el : el.querySelector('section.cm-thread');
    var theme = el.getAttribute('data-theme');
    el.setAttribute('data-theme', theme === 'light' || theme === 'dark' ? theme : 'auto');
    var limit = parseInt(el.getAttribute('data-limit'), 10);
    var config = {
      thread: el.getAttribute('data-thread') ||
              (fragment && fragment.getAttribute('data-thread')) || canonicalPath(),
      server: serverOrigin(el.getAttribute('data-server')),
      lang: langOf(el),
      limit: limit >= 1 && limit <= 50 ? limit : 10,
      disclaimer: el.getAttribute('data-disclaimer') || '',
      fragment: fragment
    };
    if (typeof el.attachShadow !== 'function') {
      // Too old for the widget: the server-rendered block (if any) stays as it is.
      if (!fragment) el.textContent = TEXT[config.lang].nowasm;
      return;
    }
    var root = el.shadowRoot || el.attachShadow({ mode: 'open' });
    // Until the widget runs, the server-rendered block stays visible through a slot.
    root.appendChild(document.createElement('slot'));
    if (!fragment) {
      var boot = document.createElement('p');
      boot.className = 'cm-boot';
      boot.textContent = TEXT[config.lang].loading;
      root.appendChild(boot);
    }
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
      stylesheet.then(function (styles) { applyStyles(root, styles); });
      showProblem(root, config.lang, 'nowasm');
      return;
    }
    Promise.all([stylesheet, loadModule()]).then(function (parts) {
      applyStyles(root, parts[0]);
      parts[1].mount(el, root, config);
    }, function (error) {
      stylesheet.then(function (styles) { applyStyles(root, styles); });
      el.setAttribute('data-state', 'unreachable');
      showProblem(root, config.lang, 'unreachable');
      if (window.console) console.warn('comments:', error);
    });
  }

  function scan() {
    var found = document.querySelectorAll('[data-comments], section.cm-thread');
    for (var i = 0; i < found.length; ++i) {
      var el = found[i];
      // A server-rendered block inside a container belongs to that container.
      if (!el.hasAttribute('data-comments') && el.parentElement &&
          el.parentElement.closest('[data-comments]')) continue;
      mount(el);
    }
  }

  window.CommentsEmbed = { mount: mount, scan: scan };
  scan();
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan);
})();
