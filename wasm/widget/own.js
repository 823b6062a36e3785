/*
 * The author's part of the reader's widget (comments-own.js), loaded by
 * embed.js only for a reader who posted in this thread: after an ack, or on
 * load when this browser holds the secrets of posts here. Not part of the
 * widget's download. It
 *  - keeps the secret each ack gives (localStorage comments.own, the newest
 *    200), which proves the author to the server (docs/protocol.md, "Your own
 *    comments");
 *  - shows the author's held posts, 等待审核（仅你可见）, across reloads, until
 *    a moderator approves (then the widget lists it as any comment) or rejects
 *    it (then the author is told once, and the secret is forgotten);
 *  - adds 编辑 / 删除 to the author's comments while the edit window is open.
 * It keeps a connection of its own (join, then `own` with its secrets), so
 * the widget carries none of this. Everything is built as elements and text,
 * nothing as HTML.
 */
(function () {
  'use strict';
  var KEY = 'comments.own';
  var KEEP = 200;
  var TEXT = {
    'zh-CN': {
      edit: '编辑', remove: '删除', save: '保存', cancel: '取消', sure: '确定删除这条评论？',
      held: '等待审核（仅你可见）', edited: '已编辑', rejected: '你的评论未通过审核，已被移除：',
      unauthorized: '无法确认你是这条评论的作者。', invalid: '已超过可修改的时间，或内容不符合要求。',
      not_found: '这条评论已不存在。', blocked: '评论包含不允许的词语，未保存。',
      banned: '你已不能在此发表评论。', offline: '连接已断开，请稍后再试。', failed: '未能保存，请重试。'
    },
    en: {
      edit: 'Edit', remove: 'Delete', save: 'Save', cancel: 'Cancel', sure: 'Delete this comment?',
      held: 'Awaiting review (only you can see this)', edited: 'edited',
      rejected: 'Your comment was not approved and has been removed: ',
      unauthorized: 'This browser cannot prove it wrote this comment.',
      invalid: 'The time to change it is over, or the text is not accepted.',
      not_found: 'This comment no longer exists.', blocked: 'The comment contains words that are not allowed; it was not saved.',
      banned: 'You can no longer post comments here.', offline: 'The connection dropped. Please try again later.',
      failed: 'Could not save. Please try again.'
    }
  };

  var element = CommentsPartSocket.element;

  // ---- Stored secrets: [{i: id, t: thread, s: secret, u: edit until (ms)}], oldest first.
  function stored() {
    try {
      var list = JSON.parse(localStorage.getItem(KEY) || '[]');
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }
  function store(list) {
    try {
      localStorage.setItem(KEY, JSON.stringify(list.slice(-KEEP)));
    } catch (e) { /* not kept: this page still knows them */ }
  }
  function forget(id) {
    store(stored().filter(function (p) { return p.i !== id; }));
  }

  // One author's part per widget (its shadow root).
  function Own(root, config) {
    this.root = root;
    this.thread = config.thread;
    this.t = TEXT[config.lang] || TEXT.en;
    this.mine = {};  // id -> {secret, until, comment}
    var self = this;
    stored().forEach(function (p) {
      if (p.t === self.thread) self.mine[p.i] = { secret: p.s, until: p.u, comment: null };
    });
    this.socket = new CommentsPartSocket(config.server.replace(/^http/, 'ws') + '/ws', this.thread, {
      prefix: 'o',
      queue: false,
      opened: function () { self.claim(Object.keys(self.mine).map(Number)); },
      event: function (m) {
        if ((m.type === 'update' || m.type === 'comment') && m.comment && self.mine[m.comment.id]) {
          self.changed(m.comment);
        }
      }
    });
    this.watch();
  }

  // Asks for our comments `ids` (the newest 100): the reply says how each is
  // now, and this connection is told of later changes readers do not see.
  Own.prototype.claim = function (ids) {
    var self = this;
    var posts = ids.slice(-100).map(function (id) { return { id: id, secret: self.mine[id].secret }; });
    if (!posts.length) return;
    this.socket.request({ type: 'own', thread: this.thread, posts: posts }, function (reply) {
      if (reply.type !== 'own') return;
      reply.comments.forEach(function (c) { self.changed(c); });
      // Secrets the server no longer knows (the comment is gone) are dropped.
      ids.forEach(function (id) {
        if (!reply.comments.some(function (c) { return c.id === id; })) self.drop(id);
      });
      self.render();
    });
  };

  // An ack of a post of ours (from the widget): its secret is kept.
  Own.prototype.posted = function (ack) {
    var c = ack.comment;
    if (!c || !ack.secret || c.thread !== this.thread) return;
    var list = stored().filter(function (p) { return p.i !== c.id; });
    list.push({ i: c.id, t: c.thread, s: ack.secret, u: ack.edit_until });
    store(list);
    this.mine[c.id] = { secret: ack.secret, until: ack.edit_until, comment: c };
    this.claim([c.id]);
    this.render();
  };

  Own.prototype.drop = function (id) {
    delete this.mine[id];
    forget(id);
  };

  // A comment of ours as it is now. Rejected: the author is told, once.
  Own.prototype.changed = function (c) {
    var mine = this.mine[c.id];
    if (!mine) return;
    mine.comment = c;
    if (c.status === 'rejected') {
      this.drop(c.id);
      this.notice(this.t.rejected + '「' + Array.from(c.body).slice(0, 30).join('') + '」');
    } else if (c.status === 'deleted') {
      this.drop(c.id);
    }
    this.render();
  };

  Own.prototype.notice = function (text) {
    var list = this.list();
    if (!list) return;
    var note = element('p', 'cm-own-notice', text);
    note.setAttribute('role', 'status');
    list.parentNode.insertBefore(note, list);
  };

  // The widget's list, and ours (held posts) just before it.
  Own.prototype.list = function () {
    return this.root.querySelector('.cm-list:not(.cm-own-list)');
  };

  // Re-renders when the widget redraws its list (an item it re-renders loses our buttons).
  Own.prototype.watch = function () {
    var self = this;
    var list = this.list();
    if (!list) {
      setTimeout(function () { self.watch(); }, 100);
      return;
    }
    if (!this.root.querySelector('.cm-own-style')) {
      this.root.appendChild(element('style', 'cm-own-style',
        '.cm-own-list{margin:0;padding:0}.cm-own-notice{margin:8px 0;color:var(--cm-muted,inherit)}' +
        '.cm-own-form textarea{width:100%;box-sizing:border-box;min-height:4em;font:inherit}' +
        '.cm-own-foot{display:flex;gap:12px;align-items:center;margin-top:6px}'));
    }
    new MutationObserver(function () { self.render(); }).observe(list, { childList: true });
    this.render();
  };

  Own.prototype.render = function () {
    var list = this.list();
    if (!list) return;
    var self = this;
    var ours = this.root.querySelector('.cm-own-list');
    if (!ours) {
      ours = element('ul', 'cm-list cm-own-list');
      list.parentNode.insertBefore(ours, list);
    }
    // Held posts the widget does not list (it lists those posted on this page).
    var shown = {};
    Array.prototype.forEach.call(ours.children, function (li) { shown[li.getAttribute('data-id')] = li; });
    Object.keys(this.mine).forEach(function (id) {
      var c = self.mine[id].comment;
      var held = c && c.status === 'pending' && !list.querySelector('li[data-id="' + id + '"]');
      var li = shown[id];
      delete shown[id];
      if (!held) {
        if (li) li.remove();
      } else if (!li || li.getAttribute('data-body') !== c.body) {
        var fresh = self.held(c);
        if (li) ours.replaceChild(fresh, li); else ours.insertBefore(fresh, ours.firstChild);
      }
    });
    Object.keys(shown).forEach(function (id) { shown[id].remove(); });
    // 编辑 / 删除 on our comments while the window is open.
    var now = Date.now();
    var soonest = Infinity;
    this.root.querySelectorAll('li[data-id]').forEach(function (li) {
      var mine = self.mine[li.getAttribute('data-id')];
      var open = mine && now < mine.until;
      var actions = li.querySelector('.cm-own-actions');
      if (open && !actions) li.appendChild(self.actions(li));
      if (!open && actions) actions.remove();
      if (open) soonest = Math.min(soonest, mine.until);
    });
    clearTimeout(this.timer);
    if (soonest < Infinity) this.timer = setTimeout(function () { self.render(); }, soonest - now + 50);
  };

  // A held post of ours, as the widget shows one.
  Own.prototype.held = function (c) {
    var li = element('li', 'cm-comment cm-pending');
    li.setAttribute('data-id', c.id);
    li.setAttribute('data-body', c.body);
    var meta = element('div', 'cm-meta');
    meta.appendChild(element('span', 'cm-author', c.author));
    meta.appendChild(element('span', 'cm-state', this.t.held));
    if (c.edited) meta.appendChild(element('span', 'cm-edited', this.t.edited));
    li.appendChild(meta);
    var body = element('div', 'cm-body');
    c.body.split('\n').forEach(function (line, i) {
      if (i) body.appendChild(element('br'));
      body.appendChild(document.createTextNode(line));
    });
    li.appendChild(body);
    return li;
  };

  Own.prototype.actions = function (li) {
    var self = this;
    var id = Number(li.getAttribute('data-id'));
    var box = element('div', 'cm-actions cm-own-actions');
    var edit = element('button', 'cm-link-button cm-own-edit', this.t.edit);
    var remove = element('button', 'cm-link-button cm-own-delete', this.t.remove);
    edit.type = remove.type = 'button';
    edit.onclick = function () { self.form(li, id, false); };
    remove.onclick = function () { self.form(li, id, true); };
    box.appendChild(edit);
    box.appendChild(remove);
    return box;
  };

  // The edit form, or the delete confirmation, under the comment.
  Own.prototype.form = function (li, id, removing) {
    var self = this;
    var t = this.t;
    var open = li.querySelector('.cm-own-form');
    if (open) open.remove();
    var mine = this.mine[id];
    var form = element('div', 'cm-own-form');
    var text = null;
    if (removing) {
      form.appendChild(element('p', '', t.sure));
    } else {
      text = element('textarea');
      text.setAttribute('aria-label', t.edit);
      text.value = mine.comment ? mine.comment.body : li.querySelector('.cm-body').textContent;
      form.appendChild(text);
    }
    var error = element('p', 'cm-form-error');
    error.setAttribute('role', 'alert');
    form.appendChild(error);
    var foot = element('div', 'cm-own-foot');
    var go = element('button', 'cm-button cm-own-' + (removing ? 'confirm' : 'save'), removing ? t.remove : t.save);
    var cancel = element('button', 'cm-link-button cm-own-cancel', t.cancel);
    go.type = cancel.type = 'button';
    foot.appendChild(go);
    foot.appendChild(cancel);
    form.appendChild(foot);
    function close() {
      form.remove();
      var back = li.querySelector('.cm-own-' + (removing ? 'delete' : 'edit'));
      if (back) back.focus();
    }
    cancel.onclick = close;
    form.onkeydown = function (e) {
      if (e.key === 'Escape') close();
    };
    go.onclick = function () {
      var message = { type: removing ? 'delete' : 'edit', id: id, secret: mine.secret };
      if (text) message.body = text.value;
      go.disabled = true;
      self.socket.request(message, function (reply) {
        go.disabled = false;
        if (reply.type === 'ok') {
          form.remove();
          self.changed(reply.comment);
          return;
        }
        error.textContent = t[reply.code] || t.failed;
      });
    };
    li.appendChild(form);
    (text || go).focus();
  };

  // `ack`: an ack of this reader's post (from the widget), or none (a page load).
  window.CommentsOwn = function (root, config, ack) {
    var own = root.cmOwn || (root.cmOwn = new Own(root, config));
    if (ack) own.posted(ack);
  };
})();
