/*
 * The WebSocket of a lazily loaded part of the widget (own.js, likes.js),
 * built into each of them: wasm/CMakeLists.txt puts this file before the
 * part's own, so the parts stay separate downloads with one source. Also the
 * parts' one element builder (CommentsPartSocket.element).
 * It joins the page's thread with limit 1 (a part wants the thread's events,
 * not a list), matches replies to requests by `req`, answers every request
 * still waiting {type:'error',code:'offline'} when the connection drops, and
 * connects again after 1 s, doubling up to 30 s.
 *   options.prefix  the parts' req prefix ('o', 'l')
 *   options.queue   a request made before the connection is open waits for it
 *                   (otherwise it is answered offline at once)
 *   options.opened  called after each connection's join (and queued requests)
 *   options.event   called with every message that answers no request
 */
function CommentsPartSocket(url, thread, options) {
  this.url = url;
  this.thread = thread;
  this.options = options;
  this.waiting = {};  // req -> callback
  this.queued = [];   // requests made before the connection opened
  this.next = 1;
  this.retry = 1000;
  this.connect();
}

CommentsPartSocket.prototype.connect = function () {
  var self = this;
  var ws = this.ws = new WebSocket(this.url);
  ws.onopen = function () {
    self.retry = 1000;
    ws.send(JSON.stringify({ type: 'join', thread: self.thread, limit: 1 }));
    var queued = self.queued;
    self.queued = [];
    queued.forEach(function (text) { ws.send(text); });
    self.options.opened();
  };
  ws.onmessage = function (e) {
    var m;
    try {
      m = JSON.parse(e.data);
    } catch (err) {
      return;
    }
    var done = m.req && self.waiting[m.req];
    if (done) {
      delete self.waiting[m.req];
      done(m);
    } else {
      self.options.event(m);
    }
  };
  ws.onclose = function () {
    var waiting = self.waiting;
    self.waiting = {};
    Object.keys(waiting).forEach(function (req) { waiting[req]({ type: 'error', code: 'offline' }); });
    setTimeout(function () { self.connect(); }, self.retry);
    self.retry = Math.min(self.retry * 2, 30000);
  };
};

CommentsPartSocket.prototype.request = function (message, done) {
  var open = this.ws.readyState === 1;
  if (!open && !this.options.queue) return done({ type: 'error', code: 'offline' });
  message.req = this.options.prefix + this.next++;
  this.waiting[message.req] = done;
  var text = JSON.stringify(message);
  if (open) {
    this.ws.send(text);
  } else {
    this.queued.push(text);
  }
};

// An element with a class and a text, as both parts build their markup.
CommentsPartSocket.element = function (tag, className, text) {
  var e = document.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
};
