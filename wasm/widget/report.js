/*
 * The reader's report form (举报), loaded by embed.js only when a reader first
 * presses 举报: not part of the widget's download. It asks for one of the
 * fixed reasons before anything is sent; its send button then carries
 * data-action="report" and data-reason, and the widget's click handler sends
 * the `flag` message with that reason (docs/protocol.md) and confirms. Esc or 取消
 * closes it. Everything is built as elements and text, nothing as HTML.
 */
(function () {
  'use strict';
  var CODES = ['spam', 'abuse', 'illegal', 'other'];
  var TEXT = {
    'zh-CN': ['举报原因', '垃圾广告', '辱骂攻击', '违法信息', '其他', '确认举报', '取消', '请选择举报原因。'],
    en: ['Reason for the report', 'Spam', 'Abuse', 'Illegal content', 'Other', 'Send report', 'Cancel',
         'Please choose a reason.']
  };

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  }

  // `button`: the comment's 举报 button (in the widget's shadow root); or the
  // id of a comment the server took a report of: remembered in this browser
  // (the newest 200), so a reload still shows it reported.
  window.CommentsReport = function (button, lang) {
    if (typeof button === 'number') {
      try {
        var ids = (localStorage.getItem('comments.flagged') || '').split(',').filter(Boolean);
        localStorage.setItem('comments.flagged', ids.concat(button).slice(-200).join());
      } catch (e) { /* not kept */ }
      return;
    }
    var item = button.closest('li[data-id]');
    var root = button.getRootNode();
    if (!item) return;
    if (!root.querySelector('.cm-report-style')) {
      var style = element('style', 'cm-report-style',
        '.cm-report{margin:8px 0 0;border:1px solid var(--cm-border);border-radius:4px;font-size:.9em}' +
        '.cm-report label{margin-right:12px;white-space:nowrap}' +
        '.cm-report-foot{display:flex;gap:12px;align-items:center;margin-top:6px}');
      root.appendChild(style);
    }
    var open = root.querySelector('.cm-report');
    if (open) open.remove();
    var t = TEXT[lang] || TEXT.en;
    var box = element('fieldset', 'cm-report');
    box.appendChild(element('legend', '', t[0]));
    for (var i = 0; i < CODES.length; ++i) {
      var label = element('label');
      var input = element('input');
      input.type = 'radio';
      input.name = 'cm-reason';
      input.value = CODES[i];
      label.appendChild(input);
      label.appendChild(document.createTextNode(t[i + 1]));
      box.appendChild(label);
    }
    var error = element('p', 'cm-form-error');
    error.setAttribute('role', 'alert');
    box.appendChild(error);
    var foot = element('div', 'cm-report-foot');
    var send = element('button', 'cm-button cm-report-send', t[5]);
    var cancel = element('button', 'cm-link-button cm-report-cancel', t[6]);
    send.type = cancel.type = 'button';
    foot.appendChild(send);
    foot.appendChild(cancel);
    box.appendChild(foot);
    function close() {
      box.remove();
      button.focus();
    }
    // The widget's click handler sends the report (data-action="report",
    // data-reason); without a reason the click stops here.
    send.setAttribute('data-action', 'report');
    send.setAttribute('data-id', item.getAttribute('data-id'));
    send.onclick = function (e) {
      var checked = box.querySelector('input:checked');
      if (checked) {
        send.setAttribute('data-reason', checked.value);
      } else {
        e.stopPropagation();
        error.textContent = t[7];
      }
    };
    cancel.onclick = close;
    box.onkeydown = function (e) {
      if (e.key === 'Escape') close();
    };
    item.appendChild(box);
    box.querySelector('input').focus();
  };
})();
