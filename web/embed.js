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
 *   data-theme       light | dark | auto (default auto: the page's own colours)
 *   data-more        off: no "show more comments" control (default on)
 *   data-disclaimer  the line under the heading (default: the site's usual wording)
 *
 * The Wasm module is compiled once per page with streaming compilation and
 * shared by all widgets; its download starts at once, in parallel with the
 * Emscripten glue script. Meanwhile the server's latest comments
 * (/embed/latest) are painted into the shadow root, so readers see them before
 * the Wasm runs; the widget takes them over in place. docs/embedding.md has
 * the details.
 */
(function () {
  'use strict';

  if (window.CommentsEmbed) {
    window.CommentsEmbed.scan();
    return;
  }

  // The files the loader fetches, by the names the build gave them: content-
  // hashed (comments-widget.3f9a1c2e.wasm), so browsers keep them for good and
  // a repeat visit downloads none of them. The build fills this table in
  // (wasm/tools/stage_assets.js); these plain names are the unbuilt ones.
  // (The stylesheet comes inside this script: CSS below.)
  var FILES = {'comments-widget.wasm': 'comments-widget.wasm', 'comments-widget.js': 'comments-widget.js', 'comments-widget-mod.wasm': 'comments-widget-mod.wasm', 'comments-widget-mod.js': 'comments-widget-mod.js', 'comments-filter.wasm': 'comments-filter.wasm', 'comments-filter.js': 'comments-filter.js', 'comments-report.js': 'comments-report.js', 'comments-own.js': 'comments-own.js', 'comments-likes.js': 'comments-likes.js'};

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

  // The page's canonical URL (<link rel="canonical">, else its own, without
  // the fragment).
  function canonicalUrl() {
    var link = document.querySelector('link[rel="canonical"][href]');
    try {
      return new URL(link ? link.getAttribute('href') : location.href, location.href);
    } catch (e) {
      return new URL(location.href);
    }
  }

  // ---- data-theme="auto": the page's own colours decide, not the OS: the
  // first opaque background above the container, else the canvas, whose
  // default text colour (CanvasText) tells the scheme the page asked for
  // (color-scheme in CSS or a <meta>). Read again when the OS switches, which
  // changes only pages that follow it themselves.
  function dark(color) {
    var c = color.match(/[\d.]+/g);
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] < 128;
  }

  function pageIsDark(el) {
    for (var node = el.parentElement; node; node = node.parentElement) {
      var background = getComputedStyle(node).backgroundColor;
      if (!/rgba.*, 0(\.[0-4]\d*)?\)/.test(background)) return dark(background);
    }
    return !dark(getComputedStyle(document.documentElement).color);
  }

  function followTheme(el) {
    function update() {
      el.setAttribute('data-scheme', pageIsDark(el) ? 'dark' : 'light');
    }
    update();
    if (window.matchMedia) matchMedia('(prefers-color-scheme: dark)').addEventListener('change', update);
  }

  // ---- The page's "发表评论" link (href="#comments", the container's id)
  // lands in the widget's form, focused.
  function focusForm(el) {
    var text = el.shadowRoot && el.shadowRoot.querySelector('#cm-text');
    if (text && el.id && location.hash === '#' + el.id) text.focus();
  }

  function serverOrigin(value) {
    if (!value) return defaultServer;
    try {
      var url = new URL(value, location.href);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    } catch (e) { /* an unusable value: use the default */ }
    return defaultServer;
  }

  // fetch()'s default mode (cors, credentials same-origin: none are sent to
  // another origin) is what <link rel="preload" as="fetch" crossorigin> uses,
  // so a page's preload hints are reused instead of fetched twice.
  function fetchOk(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
      return response;
    });
  }

  // ---- The stylesheet (web/comments.css, minified): the build puts its text
  // here (wasm/tools/stage_assets.js), so it comes with the loader instead of
  // as a request of its own that the early paint would wait for. One sheet,
  // made when first needed, shared by every shadow root.
  var CSS = '';
  var stylesheetPromise = null;

  function stylesheet() {
    if (!stylesheetPromise) {
      var styles;
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        styles = { sheet: sheet };
      } catch (e) {
        styles = { text: CSS };
      }
      stylesheetPromise = Promise.resolve(styles);
    }
    return stylesheetPromise;
  }

  // ---- Marks for performance measurements (docs/embedding.md).
  var FIRST_PAINT = 'comments:first-paint';

  function canMark() {
    return typeof performance === 'object' && typeof performance.mark === 'function';
  }

  // Marks at a given time need User Timing level 3 (marks with a startTime;
  // its PerformanceMark constructor, which adds nothing to the timeline).
  function canMarkAt() {
    if (!canMark()) return false;
    try {
      new PerformanceMark(FIRST_PAINT, { startTime: 0 });
      return true;
    } catch (e) {
      return false;
    }
  }

  // ---- Server-rendered blocks: painted with the page itself.
  // A block that is part of the page's HTML and on screen was painted with the
  // page's first contentful paint: that paint is its first-paint time. Needs
  // Paint Timing and marks with a startTime; without them the widget marks its
  // own first render, as for any container.
  var pagePainted = null;

  function canTimePagePaint() {
    return canMarkAt() && typeof PerformanceObserver === 'function' &&
           (PerformanceObserver.supportedEntryTypes || []).indexOf('paint') >= 0;
  }

  // Marks FIRST_PAINT at the page's first contentful paint, once per page
  // however many blocks it holds (they all went on screen in that one paint).
  function markPagePaint() {
    if (pagePainted) return pagePainted;
    pagePainted = new Promise(function (resolve) {
      var seen = performance.getEntriesByName('first-contentful-paint', 'paint')[0];
      if (seen) return resolve(seen.startTime);
      var observer = new PerformanceObserver(function (list) {
        var entry = list.getEntriesByName('first-contentful-paint')[0];
        if (!entry) return;
        observer.disconnect();
        resolve(entry.startTime);
      });
      observer.observe({ type: 'paint', buffered: true });
    }).then(function (startTime) {
      performance.mark(FIRST_PAINT, { startTime: startTime });
    });
    return pagePainted;
  }

  // Comments a reader can see: the block holds some and is rendered (no
  // display:none on it or above it, not visibility:hidden). checkVisibility
  // needs styles only; the fallback lays the page out. Read before the shadow
  // root is attached (it changes what is rendered).
  function showsComments(block) {
    if (!block.querySelector('li.cm-comment')) return false;
    if (typeof block.checkVisibility === 'function') {
      return block.checkVisibility({ visibilityProperty: true });
    }
    if (block.getClientRects().length === 0) return false;
    return getComputedStyle(block).visibility !== 'hidden';
  }

  // ---- The server's latest comments, painted before the Wasm module runs.
  // Readers with muted words wait for the widget: only it can tell which
  // comments those words hide (core's filter), and a hidden comment must not
  // flash up first.
  function readerMutesWords() {
    try {
      return /\S/.test(window.localStorage.getItem('comments.muted') || '');
    } catch (e) {
      return true;  // storage unreadable: assume the worst, let the widget decide
    }
  }

  // The early paint is a head start, never a wait: a server that does not
  // answer within this time leaves the comments to the widget.
  var LATEST_TIMEOUT_MS = 3000;

  function fetchLatest(config) {
    var url = new URL('/embed/latest', config.server);
    url.searchParams.set('thread', config.thread);
    url.searchParams.set('limit', String(config.limit));
    url.searchParams.set('lang', config.lang);
    var timeout = new Promise(function (resolve, reject) {
      setTimeout(function () { reject(new Error(url.href + ': no answer in ' + LATEST_TIMEOUT_MS + ' ms')); },
                 LATEST_TIMEOUT_MS);
    });
    return Promise.race([fetchOk(url.href), timeout]).then(function (response) {
      return response.text();
    }).then(function (html) {
      var parsed = new DOMParser().parseFromString(html, 'text/html').querySelector('section.cm-thread');
      if (!parsed) throw new Error(url.href + ': no section.cm-thread in the answer');
      return copyThread(parsed, config);
    });
  }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  }

  function textOf(parent, selector) {
    var found = parent.querySelector(selector);
    return found ? found.textContent : '';
  }

  // A fresh copy of the server's block in the widget's own markup, built from
  // its texts and known attributes only: nothing of the answer is inserted as
  // HTML. The widget later reads this same block (ids, authors, bodies,
  // datetime, pinned, total) to take the comments over.
  function copyThread(parsed, config) {
    var section = element('section', 'cm-widget cm-thread');
    section.setAttribute('lang', config.lang);
    section.setAttribute('data-thread', config.thread);
    var total = parsed.getAttribute('data-total');
    if (/^\d+$/.test(total || '')) section.setAttribute('data-total', total);
    var offset = parsed.getAttribute('data-utc-offset');
    if (/^-?\d+$/.test(offset || '')) section.setAttribute('data-utc-offset', offset);

    var head = element('header', 'cm-head');
    var title = parsed.querySelector('.cm-title');
    var titleCopy = element('h2', 'cm-title', title && title.firstChild ? title.firstChild.textContent.trim() : '');
    titleCopy.appendChild(element('span', 'cm-count', textOf(parsed, '.cm-count')));
    head.appendChild(titleCopy);
    section.appendChild(head);
    section.appendChild(element('p', 'cm-disclaimer', config.disclaimer || textOf(parsed, '.cm-disclaimer')));

    var list = element('ol', 'cm-list');
    var items = parsed.querySelectorAll('li.cm-comment');
    for (var i = 0; i < items.length; ++i) {
      var item = items[i];
      var id = item.getAttribute('data-id') || '';
      if (!/^\d+$/.test(id)) continue;
      var pinned = item.classList.contains('cm-pinned');
      var li = element('li', pinned ? 'cm-comment cm-pinned' : 'cm-comment');
      li.id = 'cm-c-' + id;
      li.setAttribute('data-id', id);
      var meta = element('div', 'cm-meta');
      meta.appendChild(element('span', 'cm-author', textOf(item, '.cm-author')));
      if (pinned) meta.appendChild(element('span', 'cm-badge', textOf(item, '.cm-pin-mark')));
      var when = item.querySelector('time');
      var datetime = when ? when.getAttribute('datetime') || '' : '';
      // The server's words ("3 分钟前", old ones dated in the site's zone): the
      // widget shows the same when it takes over.
      var time = element('time', 'cm-time', when ? when.textContent : '');
      time.setAttribute('datetime', datetime);
      meta.appendChild(time);
      li.appendChild(meta);
      // The server writes line breaks as <br>; the widget keeps them as "\n"
      // in pre-wrap text, and so does this copy.
      var text = '';
      var lines = item.querySelector('.cm-body');
      var nodes = lines ? lines.childNodes : [];
      for (var k = 0; k < nodes.length; ++k) text += nodes[k].nodeName === 'BR' ? '\n' : nodes[k].textContent;
      li.appendChild(element('div', 'cm-body', text));
      list.appendChild(li);
    }
    section.appendChild(list);
    var empty = parsed.querySelector('.cm-empty');
    if (empty && !list.firstChild) section.appendChild(element('p', 'cm-empty', empty.textContent));
    return section;
  }

  function applyStyles(root, styles) {
    if (styles.sheet && 'adoptedStyleSheets' in root) {
      root.adoptedStyleSheets = [styles.sheet];
    } else {
      var style = document.createElement('style');
      style.textContent = styles.text || CSS;
      root.insertBefore(style, root.firstChild);
    }
  }

  // ---- The Wasm module: compiled once per page. Both downloads start at
  // once; the main-thread work (finishing the compile, running the glue) waits
  // until the first widget's early paint is done, so it does not hold the
  // comments back. A tab signed in to the moderators' console gets the build
  // with moderator mode (docs/moderation.md).
  var modulePromise = null;
  var moduleName = 'comments-widget';
  try {
    if (sessionStorage.getItem('comments.moderator.token')) moduleName += '-mod';
  } catch (e) { /* storage disabled: a reader */ }
  var wasmUrl = new URL(FILES[moduleName + '.wasm'], assetBase).href;
  var glueUrl = new URL(FILES[moduleName + '.js'], assetBase).href;

  // `response`: a promise of the fetch of `url`.
  function compileWasm(response, url) {
    var slowPath = function () {
      return fetchOk(url).then(function (r) { return r.arrayBuffer(); }).then(WebAssembly.compile);
    };
    if (typeof WebAssembly.compileStreaming !== 'function') {
      return response.then(function (r) { return r.arrayBuffer(); }).then(WebAssembly.compile);
    }
    // Streaming needs the application/wasm type; a server without it still works.
    return WebAssembly.compileStreaming(response).catch(slowPath);
  }

  // Downloads the glue without running it (the script tag comes later).
  function preloadGlue() {
    var link = document.createElement('link');
    link.rel = 'preload';
    link.as = 'script';
    link.href = glueUrl;
    document.head.appendChild(link);
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = url;
      s.async = true;
      s.onload = resolve;
      s.onerror = function () { reject(new Error('cannot load ' + s.src)); };
      document.head.appendChild(s);
    });
  }

  // `downloadGate`, `gate`: promises that never reject; the downloads start
  // when the first settles, the module's main-thread work when the second does.
  function loadModule(gate, downloadGate) {
    if (modulePromise) return modulePromise;
    modulePromise = Promise.resolve(downloadGate).then(function () {
      var wasmResponse = fetchOk(wasmUrl);
      // A failed download is reported through compileWasm, after the gate.
      wasmResponse.catch(function () {});
      preloadGlue();
      return Promise.resolve(gate).then(function () {
        return Promise.all([compileWasm(wasmResponse, wasmUrl), loadScript(glueUrl)]);
      });
    }).then(function (parts) {
      /* global createCommentsWidget */
      // The glue instantiates the compiled module it is given (wasm/CMakeLists.txt).
      return createCommentsWidget({ wasm: parts[0] });
    });
    return modulePromise;
  }

  // ---- The filter module (comments-filter): core's moderation filter, which
  // the widget needs only for a reader's muted words, so it is not part of
  // the widget's download. Fetched once per page, when a reader has muted
  // words (mount starts it in parallel with the widget's module) or saves
  // some. The widget asks through config.loadFilter(target) and gets the
  // module as the detail of a "cm-filter" event on `target` (null: it cannot
  // be loaded).
  var filterPromise = null;

  function loadFilter() {
    if (!filterPromise) {
      var url = new URL(FILES['comments-filter.wasm'], assetBase).href;
      filterPromise = Promise.all([
        compileWasm(fetchOk(url), url),
        loadScript(new URL(FILES['comments-filter.js'], assetBase).href)
      ]).then(function (parts) {
        /* global createCommentsFilter */
        return createCommentsFilter({ wasm: parts[0] });
      });
    }
    return filterPromise;
  }

  function filterFor(target) {
    function answer(module) {
      target.dispatchEvent(new CustomEvent('cm-filter', { detail: module }));
    }
    loadFilter().then(answer, function (error) {
      if (window.console) console.warn('comments: muted words cannot be applied:', error);
      answer(null);
    });
  }

  // ---- Reports. The ids this browser reported (comments.flagged, kept by
  // comments-report.js) are shown as reported; the report form
  // (comments-report.js: a reason first) is fetched when a reader first
  // presses 举报. The widget calls report(button) to open it and
  // report(id) once the server took a report.
  function flagged() {
    try {
      return (localStorage.getItem('comments.flagged') || '').split(',').filter(Boolean).map(Number);
    } catch (e) {
      return [];
    }
  }

  // A lazily loaded part (comments-report.js, comments-own.js): fetched on
  // its first use, then `use` runs; a failed fetch is tried again next time.
  var lazyParts = {};

  function lazy(file, use) {
    var part = lazyParts[file] || (lazyParts[file] = loadScript(new URL(FILES[file], assetBase).href));
    part.then(use, function (error) {
      delete lazyParts[file];
      if (window.console) console.warn('comments:', error);
    });
  }

  function report(what, lang) {
    /* global CommentsReport */
    lazy('comments-report.js', function () { CommentsReport(what, lang); });
  }

  // ---- Likes (顶). The widget's 顶 buttons (data-action="like") are handed
  // to the likes part (comments-likes.js: sends `like`, marks the comments
  // this browser likes, adds the 最新 | 最热 switch), fetched on the reader's
  // first pointer or focus in the widget, or at once when this browser likes
  // comments (comments.liked, kept by that part): never on a first visit
  // without interaction.
  function likes(el, root, config) {
    /* global CommentsLikes */
    function use(button) {
      lazy('comments-likes.js', function () { CommentsLikes(root, config, button); });
    }
    root.addEventListener('click', function (e) {
      var button = e.target.closest('[data-action=like]');
      if (button) use(button);
    });
    el.addEventListener('pointerover', function () { use(); }, { once: true });
    el.addEventListener('focusin', function () { use(); }, { once: true });
    try {
      if (localStorage.getItem('comments.liked')) use();
    } catch (e) { /* no storage: nothing liked here */ }
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

  // `inPageHtml`: found by the loader's own scans of the page as it loaded, so
  // a block in it came with the page's HTML (not added by script later).
  function mount(el, inPageHtml) {
    if (el.hasAttribute('data-comments-mounted')) return;
    el.setAttribute('data-comments-mounted', '');
    var fragment = el.matches('section.cm-thread') ? el : el.querySelector('section.cm-thread');
    var paintedWithPage = Boolean(inPageHtml && fragment && canTimePagePaint() && showsComments(fragment));
    var theme = el.getAttribute('data-theme');
    el.setAttribute('data-theme', theme === 'light' || theme === 'dark' ? theme : 'auto');
    if (theme !== 'light' && theme !== 'dark') followTheme(el);
    var url = canonicalUrl();
    var limit = parseInt(el.getAttribute('data-limit'), 10);
    var config = {
      thread: el.getAttribute('data-thread') ||
              (fragment && fragment.getAttribute('data-thread')) || url.pathname,
      // For the moderators: sent in `join` (docs/protocol.md).
      page: { title: Array.from(document.title.trim()).slice(0, 200).join('') || undefined,
              url: url.origin + url.pathname + url.search },
      report: function (what) { report(what, config.lang); },
      // The author's part (comments-own.js: edit and delete one's own comments,
      // held posts shown to their author after a reload): fetched once this
      // reader posts here (ack), or on load when this browser holds the
      // secret of a post in this thread (comments.own, kept by that part).
      /* global CommentsOwn */
      own: function (ack) { lazy('comments-own.js', function () { CommentsOwn(root, config, ack); }); },
      flagged: flagged(),
      more: el.getAttribute('data-more') !== 'off',
      server: serverOrigin(el.getAttribute('data-server')),
      lang: langOf(el),
      limit: limit >= 1 && limit <= 50 ? limit : 10,
      disclaimer: el.getAttribute('data-disclaimer') || '',
      fragment: fragment,
      loadFilter: filterFor
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
    var styled = false;
    function style(styles) {
      if (styled) return;
      styled = true;
      applyStyles(root, styles);
    }
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
      stylesheet().then(style);
      showProblem(root, config.lang, 'nowasm');
      return;
    }

    // The latest comments go on screen as soon as they are here. The widget waits for this (one small request, usually answered
    // long before the Wasm module is ready) so it can take them over, and so
    // does the module's main-thread work (loadModule), until they are painted.
    var prepainted = null;
    var early = null;
    // The widget's downloads (Wasm, glue) start when this settles.
    var downloads = null;
    if (paintedWithPage) {
      // On screen already: the widget sees data-painted and leaves the first
      // paint to this mark, taken at the page's first contentful paint.
      el.setAttribute('data-painted', '');
      markPagePaint();
    }
    var mutesWords = readerMutesWords();
    // The widget will ask for the filter at once: fetch it alongside.
    if (mutesWords) loadFilter().catch(function () { /* the widget hears of it when it asks */ });
    if (fragment) {
      // The block is on screen with the page. The widget's downloads and its
      // main-thread work wait for the page's next frame rather than hold that
      // paint back: on a loaded machine every fetch before the first paint
      // (and the server's work to answer it) competes with the page's layout.
      // When the block was marked at the page's first contentful paint, the
      // hand-over comes after that paint: on a busy machine the next frame
      // can come before it (a hidden tab has no such paint until shown).
      early = (paintedWithPage && document.visibilityState !== 'hidden' ? pagePainted : null);
      early = Promise.resolve(early).then(afterNextFrame);
      downloads = early;
    } else if (!mutesWords) {
      early = Promise.all([stylesheet(), fetchLatest(config)]).then(function (parts) {
        style(parts[0]);
        var boot = root.querySelector('.cm-boot');
        if (boot) boot.remove();
        root.appendChild(parts[1]);
        prepainted = parts[1];
        el.setAttribute('data-painted', '');
        // Marked once the frame that shows them is done, not when inserted.
        return afterNextFrame().then(function () {
          if (canMark()) performance.mark(FIRST_PAINT);
        });
      }, function (error) {
        // The widget shows the comments once it runs; nothing is lost.
        if (window.console) console.warn('comments: no early paint:', error);
      });
    }

    Promise.all([Promise.resolve(downloads).then(stylesheet), loadModule(early, downloads), early]).then(function (parts) {
      style(parts[0]);
      if (prepainted) {
        // Removed and taken over in the same task: no frame shows neither.
        prepainted.remove();
        config.fragment = prepainted;
      }
      // The block's dates are in the site's zone: the widget dates them there
      // too; else in the reader's (getTimezoneOffset is minutes west of UTC).
      var offset = config.fragment && config.fragment.getAttribute('data-utc-offset');
      config.utcOffset = /^-?\d+$/.test(offset || '') ? +offset : -new Date().getTimezoneOffset();
      // The widget marks its own first paint only where data-painted is not set.
      parts[1].mount(el, root, config);
      try {
        if ((localStorage.getItem('comments.own') || '').indexOf(JSON.stringify(config.thread)) >= 0) config.own();
      } catch (e) { /* no storage: nothing of ours to show */ }
      likes(el, root, config);
      if (canMark()) performance.mark('comments:handover');
      focusForm(el);
    }, function (error) {
      stylesheet().then(style);
      el.setAttribute('data-state', 'unreachable');
      showProblem(root, config.lang, 'unreachable');
      if (window.console) console.warn('comments:', error);
    });
  }

  // Resolves once the current DOM has been painted (a task queued from
  // requestAnimationFrame runs after that frame), so heavy work started then
  // does not hold the frame back. Hidden pages paint no frames: no wait.
  function afterNextFrame() {
    return new Promise(function (resolve) {
      if (document.visibilityState === 'hidden' || typeof requestAnimationFrame !== 'function') {
        setTimeout(resolve, 0);
      } else {
        requestAnimationFrame(function () { setTimeout(resolve, 0); });
      }
    });
  }

  function scan(inPageHtml) {
    var found = document.querySelectorAll('[data-comments], section.cm-thread');
    for (var i = 0; i < found.length; ++i) {
      var el = found[i];
      // A server-rendered block inside a container belongs to that container.
      if (!el.hasAttribute('data-comments') && el.parentElement &&
          el.parentElement.closest('[data-comments]')) continue;
      mount(el, inPageHtml === true);
    }
  }

  // The public entry points are for widgets a page adds later: those never
  // claim the page's own first paint.
  window.CommentsEmbed = {
    mount: function (el) { mount(el, false); },
    scan: function () { scan(false); }
  };
  scan(true);
  // A link to the container (【发表评论】 → #comments) lands in its form.
  addEventListener('hashchange', function () {
    document.querySelectorAll('[data-comments-mounted]').forEach(focusForm);
  });
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { scan(true); });
  }
})();
