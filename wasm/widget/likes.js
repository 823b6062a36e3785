/*
 * The reader's likes part of the widget (comments-likes.js), loaded by
 * embed.js on the reader's first pointer or focus in the comments, on the
 * first press of 顶, or on load when this browser likes comments: not part of
 * a first visit's download. It
 *  - sends `like` for the widget's 顶 buttons (data-action="like"), and on a
 *    second press `liked:false`, which takes the like back; the counts change
 *    through the widget's `likes` events, as for every reader;
 *  - remembers the comments this browser likes (localStorage comments.liked,
 *    the newest 500 ids) and marks their buttons aria-pressed="true", again
 *    after every re-render of the widget's list;
 *  - adds the 最新 | 最热 switch: 最热 lists the thread's most liked comments
 *    (`hot`), 最新 (the default) is the widget's own list.
 * It keeps a connection of its own (join, for the hot list's live counts), so
 * the widget carries none of this. Everything is built as elements and text,
 * nothing as HTML.
 */
(function () {
  'use strict';
  var KEY = 'comments.liked';
  var KEEP = 500;
  var TEXT = {
    'zh-CN': {
      like: '顶', sort: '排序', newest: '最新', hot: '最热', edited: '已编辑', offline: '连接已断开，请稍后再试。',
      limited: '操作太频繁，请稍后再试。', failed: '未能顶这条评论。', empty: '还没有评论。',
      time: ['刚刚', '1 分钟前', ' 分钟前', '1 小时前', ' 小时前', '1 天前', ' 天前']
    },
    en: {
      like: 'Like', sort: 'Order', newest: 'Newest', hot: 'Top', edited: 'edited',
      offline: 'The connection dropped. Please try again later.',
      limited: 'Too many likes at once. Please try again later.', failed: 'Could not like this comment.',
      empty: 'No comments yet.',
      time: ['just now', '1 minute ago', ' minutes ago', '1 hour ago', ' hours ago', 'yesterday', ' days ago']
    }
  };
  // The widget's own section (the loader's early copy is a section.cm-thread).
  var WIDGET = 'section.cm-widget:not(.cm-thread)';
  var MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

  var element = CommentsPartSocket.element;

  // ---- Liked ids, oldest first.
  function stored() {
    try {
      return (localStorage.getItem(KEY) || '').split(',').filter(Boolean).map(Number);
    } catch (e) {
      return [];
    }
  }
  function store(ids) {
    try {
      if (ids.length) {
        localStorage.setItem(KEY, ids.slice(-KEEP).join());
      } else {
        localStorage.removeItem(KEY);
      }
    } catch (e) { /* not kept: this page still knows them */ }
  }

  function pad(n, width) {
    n = String(n);
    while (n.length < width) n = '0' + n;
    return n;
  }

  // core's relative_time (the widget's and the server's wording), for the hot list.
  function relativeTime(t, lang, created, utcOffset) {
    var age = Math.floor((Date.now() - created) / 1000);
    if (age < 45) return t.time[0];
    var minutes = Math.floor((age + 30) / 60);
    if (minutes < 60) return minutes === 1 ? t.time[1] : minutes + t.time[2];
    var hours = Math.floor((minutes + 30) / 60);
    if (hours < 24) return hours === 1 ? t.time[3] : hours + t.time[4];
    var days = Math.floor((hours + 12) / 24);
    if (days < 7) return days === 1 ? t.time[5] : days + t.time[6];
    var d = new Date(created + utcOffset * 60000);
    return lang === 'zh-CN'
      ? pad(d.getUTCFullYear(), 4) + '-' + pad(d.getUTCMonth() + 1, 2) + '-' + pad(d.getUTCDate(), 2)
      : d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()] + ' ' + pad(d.getUTCFullYear(), 4);
  }

  // One likes part per widget (its shadow root).
  function Likes(root, config) {
    this.root = root;
    this.config = config;
    this.lang = config.lang;
    this.t = TEXT[config.lang] || TEXT.en;
    this.liked = stored();
    this.hot = null;  // the hot list while 最热 is shown
    // The 顶 button that has the focus (maybe since before this part was here).
    this.focused = root.activeElement && root.activeElement.closest('[data-action=like]');
    this.filter = null;
    var self = this;
    // A first press of 顶 comes before this connection is up: requests wait for it.
    this.socket = new CommentsPartSocket(config.server.replace(/^http/, 'ws') + '/ws', config.thread, {
      prefix: 'l',
      queue: true,
      opened: function () { if (self.hot) self.showHot(); },
      event: function (m) {
        if ((m.type === 'likes' || m.type === 'update') && m.comment) self.changed(m.comment);
      }
    });
    root.addEventListener('focusin', function (e) {
      self.focused = e.target.closest('[data-action=like]');
    });
    // Focus that left for elsewhere is not brought back; a button the widget
    // removed (re-rendered) is still remembered when the observer below runs.
    root.addEventListener('focusout', function (e) {
      var button = e.target;
      setTimeout(function () {
        if (self.focused === button && button.isConnected && root.activeElement !== button) self.focused = null;
      });
    });
    // The widget renders a comment anew when its count changes: mark it
    // again, and keep the focus on its 顶 button.
    new MutationObserver(function () { self.mark(); }).observe(root, { childList: true, subtree: true });
    this.mark();
  }

  Likes.prototype.isLiked = function (id) {
    return this.liked.indexOf(id) >= 0;
  };

  Likes.prototype.buttons = function (id) {
    return this.root.querySelectorAll('[data-action=like]' + (id === undefined ? '' : '[data-id="' + id + '"]'));
  };

  // aria-pressed on every 顶 button, from the liked ids; the focus back on the
  // 顶 button that had it before a re-render took it away.
  Likes.prototype.mark = function () {
    var self = this;
    this.addSwitch();
    Array.prototype.forEach.call(this.buttons(), function (button) {
      var pressed = String(self.isLiked(Number(button.getAttribute('data-id'))));
      if (button.getAttribute('aria-pressed') !== pressed) button.setAttribute('aria-pressed', pressed);
    });
    var focused = this.focused;
    if (focused && !focused.isConnected && !this.root.activeElement) {
      var root = this.root;
      // The first of its buttons that can take the focus (the other list may be hidden).
      Array.prototype.some.call(this.buttons(focused.getAttribute('data-id')), function (button) {
        button.focus();
        return root.activeElement === button;
      });
    }
  };

  // A press of 顶 (the loader hands it over): like, or take the like back.
  Likes.prototype.press = function (button) {
    var self = this;
    var id = Number(button.getAttribute('data-id'));
    var want = !this.isLiked(id);
    this.notice('', false);
    this.socket.request({ type: 'like', id: id, liked: want }, function (reply) {
      if (reply.type !== 'ok') {
        var code = reply.code === 'rate_limited' ? 'limited' : reply.code === 'offline' ? 'offline' : 'failed';
        self.notice(self.t[code], true);
        return;
      }
      var ids = self.liked.filter(function (x) { return x !== id; });
      if (reply.liked) ids.push(id);
      self.liked = ids;
      store(ids);
      self.mark();
      self.setCount(id, reply.likes);
    });
  };

  Likes.prototype.notice = function (text, isError) {
    var line = this.root.querySelector(isError ? '.cm-alert' : '.cm-status');
    if (!line) return;
    line.textContent = text;
    if (isError) line.hidden = !text;
  };

  // The count on every 顶 button of comment `id` (the widget's own list
  // follows its `likes` events; the hot list and a reply's early count here).
  Likes.prototype.setCount = function (id, likes) {
    var text = this.t.like + (likes > 0 ? ' ' + likes : '');
    Array.prototype.forEach.call(this.buttons(id), function (button) {
      if (button.textContent !== text) button.textContent = text;
    });
  };

  // A live event of this part's connection: the hot list follows it (an
  // edit's new text and mark too: the item is built anew, as the widget does;
  // new text with a muted word hides it).
  Likes.prototype.changed = function (c) {
    var self = this;
    var item = this.hot && this.hot.querySelector('li[data-id="' + c.id + '"]');
    if (!item) return;
    this.withFilter(function (blocks) {
      if (c.status !== 'published' || blocks(c)) {
        item.remove();
      } else {
        item.replaceWith(self.item(c));
      }
    });
  };

  // ---- 最新 | 最热
  Likes.prototype.addSwitch = function () {
    var head = this.root.querySelector(WIDGET + '>.cm-head');
    if (!head || head.querySelector('.cm-sort')) return;
    if (!this.root.querySelector('.cm-likes-style')) {
      this.root.appendChild(element('style', 'cm-likes-style',
        '.cm-sort{display:flex;gap:10px;margin:4px 0 0;font-size:.9em}' +
        '.cm-sort .cm-link-button{font-size:1em}' +
        '.cm-sort [aria-pressed=true]{color:inherit;font-weight:600;cursor:default;text-decoration:none}' +
        '.cm-likes[aria-pressed=true]{color:var(--cm-link);font-weight:600}' +
        '.cm-hot-view .cm-list:not(.cm-hot-list),.cm-hot-view .cm-more,.cm-hot-view .cm-note,' +
        '.cm-hot-view .cm-empty:not(.cm-hot-empty){display:none!important}'));
    }
    var self = this;
    var group = element('div', 'cm-sort');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', this.t.sort);
    [['newest', false], ['hot', true]].forEach(function (choice) {
      var button = element('button', 'cm-link-button', self.t[choice[0]]);
      button.type = 'button';
      button.setAttribute('data-sort', choice[0]);
      button.setAttribute('aria-pressed', String(!choice[1]));
      button.onclick = function () {
        if (choice[1]) {
          self.showHot();
        } else {
          self.showNewest();
        }
      };
      group.appendChild(button);
    });
    head.appendChild(group);
  };

  Likes.prototype.choose = function (view) {
    Array.prototype.forEach.call(this.root.querySelectorAll('.cm-sort button'), function (button) {
      button.setAttribute('aria-pressed', String(button.getAttribute('data-sort') === view));
    });
  };

  Likes.prototype.showNewest = function () {
    this.choose('newest');
    var section = this.root.querySelector(WIDGET);
    if (section) section.classList.remove('cm-hot-view');
    if (this.hot) this.hot.remove();
    if (this.hotEmpty) this.hotEmpty.remove();
    this.hot = this.hotEmpty = null;
  };

  Likes.prototype.showHot = function () {
    var self = this;
    var section = this.root.querySelector(WIDGET);
    var list = this.root.querySelector(WIDGET + '>.cm-list');
    if (!section || !list) return;
    this.choose('hot');
    section.classList.add('cm-hot-view');
    if (!this.hot) {
      this.hot = element('ol', 'cm-list cm-hot-list');
      this.hot.setAttribute('aria-labelledby', 'cm-title');
      this.hot.setAttribute('aria-busy', 'true');
      list.after(this.hot);
    }
    this.socket.request({ type: 'hot', thread: this.config.thread, limit: this.config.limit }, function (reply) {
      if (!self.hot) return;  // back to 最新 meanwhile
      if (reply.type !== 'hot') {
        self.notice(self.t[reply.code === 'offline' ? 'offline' : 'failed'], true);
        return;
      }
      self.withFilter(function (blocks) {
        if (self.hot) self.renderHot(reply.comments.filter(function (c) { return !blocks(c); }));
      });
    });
  };

  // Comments the reader's muted words hide stay hidden here too (the same
  // filter module the widget uses, loaded only when words are muted).
  Likes.prototype.withFilter = function (use) {
    var self = this;
    var words = '';
    try {
      words = localStorage.getItem('comments.muted') || '';
    } catch (e) { /* none */ }
    if (!/\S/.test(words) || !this.config.loadFilter) return use(function () { return false; });
    if (this.filter) return use(this.filter);
    var target = element('span');
    target.addEventListener('cm-filter', function (e) {
      var list = e.detail && e.detail.create();
      if (list) list.setWords(words, self.lang);
      self.filter = list ? function (c) { return list.blocks(c.author, c.body); } : function () { return false; };
      use(self.filter);
    });
    this.config.loadFilter(target);
  };

  // A hot list item, in the widget's markup (author, 已编辑 when edited, time, 顶 with its count, text).
  Likes.prototype.item = function (c) {
    var li = element('li', 'cm-comment');
    li.setAttribute('data-id', String(c.id));
    var meta = element('div', 'cm-meta');
    meta.appendChild(element('span', 'cm-author', c.author || '网友'));
    if (c.edited) meta.appendChild(element('span', 'cm-edited', this.t.edited));
    var time = element('time', 'cm-time', relativeTime(this.t, this.lang, c.created, this.config.utcOffset || 0));
    time.setAttribute('datetime', new Date(c.created).toISOString());
    meta.appendChild(time);
    var like = element('button', 'cm-link-button cm-likes', this.t.like + (c.likes > 0 ? ' ' + c.likes : ''));
    like.type = 'button';
    like.setAttribute('data-action', 'like');
    like.setAttribute('data-id', String(c.id));
    meta.appendChild(document.createTextNode(' '));
    meta.appendChild(like);
    li.appendChild(meta);
    li.appendChild(element('div', 'cm-body', c.body));
    return li;
  };

  // The hot list.
  Likes.prototype.renderHot = function (list) {
    var hot = this.hot;
    hot.textContent = '';
    hot.removeAttribute('aria-busy');
    list.forEach(function (c) {
      hot.appendChild(this.item(c));
    }, this);
    if (!list.length) {
      this.hotEmpty = this.hotEmpty || element('p', 'cm-empty cm-hot-empty', this.t.empty);
      hot.after(this.hotEmpty);
    } else if (this.hotEmpty) {
      this.hotEmpty.remove();
      this.hotEmpty = null;
    }
    this.mark();
  };

  // `button`: a pressed 顶 button, or none (loaded on the reader's first
  // interaction, or for the liked ids this browser holds).
  window.CommentsLikes = function (root, config, button) {
    var likes = root.cmLikes || (root.cmLikes = new Likes(root, config));
    if (button) likes.press(button);
  };
})();
