/*
 * Prospecta chat widget. On any page:
 *   <script src="https://HOST/widget.js" data-site-key="site_…" async></script>
 * Plain JavaScript, no framework; its UI lives in a Shadow DOM so the page's CSS cannot
 * reach it. Visitor text is always inserted as text, never as HTML. docs/LIVE_CHAT.md.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__prospectaChat) return;
  window.__prospectaChat = true;
  var siteKey = script.getAttribute('data-site-key');
  if (!siteKey) return;
  var api = new URL(script.src, location.href).origin + '/api/v1/visitor';
  var tag = (script.getAttribute('data-lang') || document.documentElement.lang || navigator.language || 'en').toLowerCase();
  var lang = tag.indexOf('pt') === 0 ? 'pt-BR' : 'en';
  var T = {
    en: {
      open: 'Chat with us', title: 'Chat', close: 'Close chat', message: 'Your message', send: 'Send',
      offline: 'We are offline. Leave your details and we will get back to you.', name: 'Name', email: 'E-mail',
      phone: 'Phone', help: 'How can we help?', leave: 'Send', thanks: 'Thank you! We will get back to you soon.',
      ended: 'This chat has ended.', again: 'Start a new chat', slow: 'Too many messages; wait a moment.',
      unavailable: 'Chat is not available.', failed: 'Could not send; try again.', you: 'You', bot: 'Bot', agent: 'Agent',
      typing: ' is typing…'
    },
    'pt-BR': {
      open: 'Fale conosco', title: 'Chat', close: 'Fechar chat', message: 'Sua mensagem', send: 'Enviar',
      offline: 'Estamos offline. Deixe seus dados e retornaremos.', name: 'Nome', email: 'E-mail',
      phone: 'Telefone', help: 'Como podemos ajudar?', leave: 'Enviar', thanks: 'Obrigado! Retornaremos em breve.',
      ended: 'Esta conversa foi encerrada.', again: 'Iniciar nova conversa', slow: 'Muitas mensagens; aguarde um pouco.',
      unavailable: 'Chat indisponível.', failed: 'Não foi possível enviar; tente de novo.', you: 'Você', bot: 'Bot', agent: 'Atendente',
      typing: ' está digitando…'
    }
  }[lang];
  var storeKey = 'prospecta.chat.' + siteKey;
  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(storeKey) || '{}'); } catch (e) { saved = {}; }
  function save() { try { localStorage.setItem(storeKey, JSON.stringify(saved)); } catch (e) { /* private mode */ } }

  var css = ':host{all:initial}*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}' +
    '.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:999px;background:#2358d8;color:#fff;padding:14px 20px;font-size:15px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}' +
    '.panel{position:fixed;right:20px;bottom:84px;z-index:2147483000;width:360px;max-width:calc(100vw - 24px);height:520px;max-height:calc(100vh - 110px);background:#fff;color:#1d2433;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;font-size:14px}' +
    '.panel[hidden]{display:none}header{display:flex;justify-content:space-between;align-items:center;background:#2358d8;color:#fff;padding:10px 14px}' +
    'header h2{font-size:16px;margin:0}header button{background:none;border:0;color:#fff;font-size:22px;cursor:pointer;min-width:44px;min-height:44px}' +
    '.log[hidden]{display:none}.log{flex:1;overflow:auto;padding:12px;display:flex;flex-direction:column;gap:8px}' +
    '.m{max-width:85%;padding:7px 10px;border-radius:10px;background:#eef1f8;white-space:pre-wrap;overflow-wrap:anywhere}' +
    '.m small{display:block;font-size:11px;color:#5b6376}.m.visitor{align-self:flex-end;background:#dff3e6}.m.agent{background:#e3ebff}' +
    '.m.system{align-self:center;background:none;color:#5b6376;font-size:13px}' +
    'form{display:flex;gap:6px;padding:10px;border-top:1px solid #e3e6ee;flex-wrap:wrap}form[hidden]{display:none}' +
    'textarea,input{flex:1 1 100%;font:inherit;padding:8px;border:1px solid #c9cfdb;border-radius:6px;min-height:44px}' +
    'label{flex:1 1 100%;font-size:13px;color:#5b6376}' +
    'form button,.again{border:0;border-radius:6px;background:#2358d8;color:#fff;padding:8px 14px;font:inherit;cursor:pointer;min-height:44px;margin-left:auto}' +
    '.typing{margin:0;padding:0 12px;color:#5b6376;font-size:12px;min-height:16px}.status{margin:0;padding:0 12px 8px;color:#8a4b00;font-size:13px}.status:empty{display:none}' +
    ':focus-visible{outline:3px solid #b45309;outline-offset:2px}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}';

  var host = document.createElement('div');
  host.setAttribute('data-prospecta-chat', '');
  var root = host.attachShadow({ mode: 'open' });
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    var style = document.createElement('style');
    style.textContent = css;
    root.appendChild(style);
  }
  function el(name, attrs, text) {
    var node = document.createElement(name);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text != null) node.textContent = text;
    return node;
  }
  var launcher = el('button', { 'class': 'launcher', 'aria-expanded': 'false', 'aria-controls': 'p-panel' }, T.open);
  var panel = el('section', { 'class': 'panel', id: 'p-panel', role: 'dialog', 'aria-label': T.title, hidden: '' });
  var header = el('header');
  header.appendChild(el('h2', null, T.title));
  var closeBtn = el('button', { type: 'button', 'aria-label': T.close }, '×');
  header.appendChild(closeBtn);
  var log = el('div', { 'class': 'log', role: 'log', 'aria-live': 'polite', tabindex: '0' });
  var status = el('p', { 'class': 'status', role: 'status' });
  var typingNote = el('p', { 'class': 'typing', 'aria-live': 'polite' });
  var sendForm = el('form', { 'class': 'send' });
  var input = el('textarea', { id: 'p-text', rows: '2', maxlength: '5000' });
  var inputLabel = el('label', { 'for': 'p-text', 'class': 'sr' }, T.message);
  sendForm.appendChild(inputLabel);
  sendForm.appendChild(input);
  sendForm.appendChild(el('button', { type: 'submit' }, T.send));
  var offlineForm = el('form', { 'class': 'offline', hidden: '' });
  offlineForm.appendChild(el('p', { style: 'margin:0' }, T.offline));
  var fields = {};
  [['name', T.name, 'text'], ['email', T.email, 'email'], ['phone', T.phone, 'tel'], ['message', T.help, 'textarea']].forEach(function (f) {
    var id = 'p-' + f[0];
    offlineForm.appendChild(el('label', { 'for': id }, f[1]));
    var field = f[2] === 'textarea' ? el('textarea', { id: id, rows: '2' }) : el('input', { id: id, type: f[2] });
    fields[f[0]] = field;
    offlineForm.appendChild(field);
  });
  offlineForm.appendChild(el('button', { type: 'submit' }, T.leave));
  var again = el('button', { type: 'button', 'class': 'again', hidden: '' }, T.again);
  [header, log, typingNote, status, sendForm, offlineForm, again].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(launcher);
  root.appendChild(panel);
  (document.body || document.documentElement).appendChild(host);

  var chat = null;
  var shown = {};
  var source = null;
  var lastEventId = null;
  var typingTimer = null;
  var typingSent = 0;

  function request(method, path, body) {
    var headers = { 'X-Site-Key': siteKey };
    if (saved.token) headers['X-Visitor-Token'] = saved.token;
    if (body) headers['Content-Type'] = 'application/json';
    return fetch(api + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: 'omit' })
      .then(function (res) {
        return res.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          return { status: res.status, ok: res.ok, data: data };
        });
      });
  }
  function addMessage(m, authorName) {
    if (!m || shown[m.id]) return;
    shown[m.id] = true;
    var who = m.sender === 'visitor' ? T.you : m.sender === 'bot' ? T.bot : m.sender === 'agent' ? (authorName || m.author_name || T.agent) : '';
    var node = el('div', { 'class': 'm ' + m.sender });
    if (who) node.appendChild(el('small', null, who));
    node.appendChild(document.createTextNode(m.body));
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
  }
  function showState() {
    var closed = chat && chat.status === 'closed';
    var offline = chat && !chat.operators_online && chat.status !== 'closed' && !saved.left;
    sendForm.hidden = !!(closed || offline);
    offlineForm.hidden = !offline;
    log.hidden = !!offline;
    again.hidden = !closed;
    if (closed) status.textContent = T.ended;
    else if (status.textContent === T.ended) status.textContent = '';
  }
  function problem(res) {
    if (res.status === 429) status.textContent = T.slow;
    else if (res.status === 403) status.textContent = T.unavailable;
    else status.textContent = (res.data && res.data.errors && res.data.errors[0] && res.data.errors[0].message) || T.failed;
  }
  function render(c) {
    chat = c;
    saved.conversation = c.conversation_id;
    save();
    c.messages.forEach(function (m) { addMessage(m); });
    showState();
  }
  function start(fresh) {
    if (fresh) { log.textContent = ''; shown = {}; status.textContent = ''; saved.left = false; }
    var page = new URLSearchParams(location.search);
    var body = {
      page_url: location.href.slice(0, 2048), referrer: document.referrer ? document.referrer.slice(0, 2048) : null,
      utm_source: page.get('utm_source'), utm_medium: page.get('utm_medium'), utm_campaign: page.get('utm_campaign'), lang: lang
    };
    return request('POST', '/conversations', body).then(function (res) {
      if (res.status === 401 && saved.token) {
        saved = {};
        save();
        return start(fresh);
      }
      if (!res.ok) return problem(res);
      if (res.data.visitor_token) { saved.token = res.data.visitor_token; save(); }
      render(res.data.chat);
      connect();
    });
  }
  function connect() {
    if (source) source.close();
    request('POST', '/tickets').then(function (res) {
      if (!res.ok) return;
      var url = api + '/events?ticket=' + encodeURIComponent(res.data.ticket) + (lastEventId ? '&last_event_id=' + lastEventId : '');
      source = new EventSource(url);
      source.addEventListener('message.created', function (ev) {
        lastEventId = ev.lastEventId || lastEventId;
        var data = JSON.parse(ev.data);
        if (chat && data.conversation_id === chat.conversation_id) { typingNote.textContent = ''; addMessage(data.message, data.author_name); }
      });
      source.addEventListener('typing', function (ev) {
        var data = JSON.parse(ev.data);
        if (!chat || data.conversation_id !== chat.conversation_id || data.sender !== 'agent') return;
        typingNote.textContent = (data.author_name || T.agent) + T.typing;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { typingNote.textContent = ''; }, 4000);
      });
      ['conversation.closed', 'conversation.accepted', 'conversation.waiting', 'conversation.joined', 'conversation.transferred'].forEach(function (kind) {
        source.addEventListener(kind, function (ev) {
          lastEventId = ev.lastEventId || lastEventId;
          var data = JSON.parse(ev.data);
          if (chat && data.conversation_id === chat.conversation_id) { chat.status = data.status; showState(); }
        });
      });
      source.addEventListener('reset', function () { resume(); });
      // What was said before the stream opened (a bot answering at once) is not sent on it:
      // read the chat once it is open; addMessage drops what is already shown.
      source.onopen = function () {
        if (!chat) return;
        request('GET', '/conversations/' + chat.conversation_id).then(function (res) {
          if (res.ok) render(res.data);
        });
      };
      source.onerror = function () {
        if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
      };
    });
  }
  function resume() {
    if (!saved.token || !saved.conversation) return start(false);
    return request('GET', '/conversations/' + saved.conversation).then(function (res) {
      if (!res.ok) { saved.conversation = null; return start(false); }
      render(res.data);
      connect();
    });
  }
  function open() {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    if (!chat) resume();
    (sendForm.hidden ? (offlineForm.hidden ? again : fields.name) : input).focus();
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }
  launcher.addEventListener('click', function () { panel.hidden ? open() : close(); });
  closeBtn.addEventListener('click', close);
  panel.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') close(); });
  input.addEventListener('input', function () {
    if (!chat || chat.status === 'closed' || Date.now() - typingSent < 3000) return;
    typingSent = Date.now();
    request('POST', '/conversations/' + chat.conversation_id + '/typing');
  });
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); sendForm.requestSubmit ? sendForm.requestSubmit() : sendForm.dispatchEvent(new Event('submit')); }
  });
  sendForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value;
    if (!text.trim() || !chat) return;
    status.textContent = '';
    request('POST', '/conversations/' + chat.conversation_id + '/messages', { body: text }).then(function (res) {
      // The message ends the typing notice on the other side: announce the next one at once.
      if (res.ok) { input.value = ''; typingSent = 0; addMessage(res.data); }
      else if (res.status === 409) { chat.status = 'closed'; showState(); }
      else problem(res);
    });
  });
  offlineForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var body = {};
    ['name', 'email', 'phone', 'message'].forEach(function (k) { var v = fields[k].value.trim(); if (v) body[k] = v; });
    request('POST', '/conversations/' + chat.conversation_id + '/details', body).then(function (res) {
      if (!res.ok) return problem(res);
      saved.left = true;
      save();
      render(res.data);
      status.textContent = T.thanks;
    });
  });
  again.addEventListener('click', function () { start(true).then(function () { input.focus(); }); });
  if (saved.token && saved.conversation) resume();
})();
