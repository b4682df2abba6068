/*
 * LINE chat simulator (front-end). It talks only to the Flask simulator API:
 * GET /simulator/api/personas returns the personas to play ({id, label, kind, role, user_id,
 * group_id, description, hints, identity}); identity is what a debtor types to verify ({national_id,
 * birth_date (day/month/B.E. year) or phone_last4}) or null. GET /simulator/api/clock returns the bot's
 * clock ({now, pinned}): the page shows that time, never the browser's. POST /simulator/api/send takes {persona, type, …} where type is
 * text | postback | location | image | follow | unfollow | join and answers {ok, status, error?}
 * (a failure becomes a grey note in the chat); GET /simulator/api/messages?persona=ID&after=SEQ
 * returns {messages: [{seq, direction: "bot"|"user", at, message}], last} and is polled every
 * second and right after each send. GET /simulator/api/richmenu?persona=ID returns {menu: {richMenuId,
 * size, areas, chatBarText, selected, image} | null}: the rich menu the persona sees, drawn below the
 * input with a button over each area (its action runs as a tap would; a richmenuswitch is sent as
 * {type: "richmenuswitch", alias, data}). `message` is the LINE Messaging API object exactly as the bot
 * sent it (text, sticker, image, location, template, imagemap, flex, optional quickReply), or for
 * direction "user" what the simulated person sent (text, location, image, postback-display).
 * Message content only ever reaches the page through DOM nodes and textContent, never innerHTML.
 * All state lives in this closure; the only global is window.LineSim (handy in the console).
 */
(function () {
  'use strict';

  const API = '/simulator/api';
  const POLL_MS = 1000;
  const RETRY_MS = 3000;
  const MAX_IMAGE_BYTES = 1024 * 1024;
  const ROLE_GROUPS = [
    ['debtor', 'ลูกหนี้'], ['officer', 'เจ้าหน้าที่'], ['volunteer', 'อาสาสมัคร'],
    ['group', 'กลุ่ม'], ['unknown', 'ผู้ใช้ใหม่'],
  ];
  const SPACING = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const TEXT_SIZE = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, '3xl': 35, '4xl': 48, '5xl': 74 };
  const IMAGE_SIZE = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160, '3xl': 180, '4xl': 200, '5xl': 240 };
  const BUBBLE_WIDTH = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300, giga: 500 };
  const BORDER_WIDTH = { none: 0, light: 0.5, normal: 1, medium: 2, 'semi-bold': 3, bold: 4 };
  const RADIUS = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const BLOCK_PADDING = { header: '20px', body: '20px', footer: '10px' };
  const PADDING_SIDES = {
    paddingTop: 'paddingTop', paddingBottom: 'paddingBottom', paddingStart: 'paddingLeft', paddingEnd: 'paddingRight',
  };
  const OFFSETS = { offsetTop: 'top', offsetBottom: 'bottom', offsetStart: 'left', offsetEnd: 'right' };
  const FLEXIBLE = new Set(['box', 'text', 'button', 'image', 'filler']);
  const GRAVITY = { top: 'flex-start', center: 'center', bottom: 'flex-end' };
  const SAFE_URI = /^(https?:|tel:|line:)/i;
  const SAFE_IMG = /^(https?:|data:image\/|\/)/i;
  const TIME_ZONE = 'Asia/Bangkok';

  const state = {
    personas: [], persona: null, lastSeq: 0, gen: 0, timer: null,
    inflight: false, again: false, lastDay: null, lastFrom: null, pickerAction: null, richMenuId: undefined,
  };
  const ui = {};

  // ---------------------------------------------------------------- small helpers
  function $(id) { return document.getElementById(id); }
  /** Create an element; `props` are plain DOM properties (never innerHTML). */
  function el(tag, cls, text, props) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return props ? Object.assign(node, props) : node;
  }

  function styled(node, styles) { Object.assign(node.style, styles); return node; }

  function button(cls, label, onClick) {
    const b = el('button', cls, label);
    b.type = 'button';
    if (onClick) b.addEventListener('click', onClick);
    return b;
  }

  /** An <img> that only accepts http(s)/data:image/relative sources and keeps the log scrolled. */
  function image(src, cls, alt) {
    const img = el('img', cls);
    img.alt = alt || '';
    img.src = typeof src === 'string' && SAFE_IMG.test(src) ? src : '';
    const stick = nearBottom();
    img.addEventListener('load', () => { if (stick || nearBottom()) scrollToBottom(); }, { once: true });
    return img;
  }

  /** A LINE length: keyword from `map`, a number, "12px" or "50%"; null when absent/invalid. */
  function len(v, map) {
    if (v === undefined || v === null) return null;
    if (typeof v === 'number') return v + 'px';
    if (map && Object.prototype.hasOwnProperty.call(map, v)) return map[v] + 'px';
    return /^-?\d+(\.\d+)?(px|%)$/.test(String(v)) ? String(v) : null;
  }

  /** Copy LINE length properties of `c` (names → CSS properties) onto a style object. */
  function setLengths(style, c, names, map) {
    for (const [key, css] of Object.entries(names)) { const v = len(c[key], map); if (v) style[css] = v; }
  }

  function ratio(v) {
    const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(v || '');
    return m && +m[1] > 0 && +m[2] > 0 ? `${m[1]} / ${m[2]}` : null;
  }

  /** Times are shown in Thai time whatever offset `at` carries (the fake LINE stamps UTC). */
  function localParts(at) {
    const d = new Date(String(at || '').replace(/(\.\d{3})\d+/, '$1')); // Python gives microseconds
    if (!at || isNaN(d)) return null;
    const opts = { timeZone: TIME_ZONE, hourCycle: 'h23' };
    return {
      day: d.toLocaleDateString('en-CA', opts), // YYYY-MM-DD
      time: d.toLocaleTimeString('en-GB', Object.assign({ hour: '2-digit', minute: '2-digit' }, opts)),
      label: d.toLocaleDateString('th-TH', Object.assign({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }, opts)),
    };
  }

  /** The bot's "now" as a line for the header: weekday, day, month, B.E. year and time, in Thai. */
  function clockLabel(at) {
    const d = new Date(String(at || '').replace(/(\.\d{3})\d+/, '$1'));
    if (!at || isNaN(d)) return '';
    const opts = { timeZone: TIME_ZONE, hourCycle: 'h23' };
    return d.toLocaleDateString('th-TH', Object.assign({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }, opts))
      + ' ' + d.toLocaleTimeString('en-GB', Object.assign({ hour: '2-digit', minute: '2-digit' }, opts)) + ' น.';
  }

  // ---------------------------------------------------------------- network
  async function api(path, body) {
    const opts = { cache: 'no-store', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      Object.assign(opts, { method: 'POST', body: JSON.stringify(body) });
      opts.headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(API + path, opts);
    let data = null;
    try { data = await res.json(); } catch (_) { data = null; }
    if (data === null || (!res.ok && typeof data.ok !== 'boolean')) {
      throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
    }
    return data;
  }

  function setOnline(ok) { ui.banner.hidden = ok; }
  function schedule(fn, ms) { clearTimeout(state.timer); state.timer = setTimeout(fn, ms); }
  function pollNow() { if (state.inflight) state.again = true; else schedule(poll, 0); }
  function retryNow() { if (state.personas.length) pollNow(); else schedule(loadPersonas, 0); }

  async function poll() {
    const p = state.persona;
    if (!p) return;
    const gen = state.gen;
    Object.assign(state, { inflight: true, again: false });
    let delay = POLL_MS;
    try {
      const data = await api(`/messages?persona=${encodeURIComponent(p.id)}&after=${state.lastSeq}`);
      if (!Array.isArray(data.messages)) throw new Error(data.error || 'bad response');
      setOnline(true);
      if (gen !== state.gen) { /* persona switched meanwhile: drop this answer */ }
      else if (typeof data.last === 'number' && data.last > 0 && data.last < state.lastSeq) {
        resetChat(); // seq went backwards: the backend was restarted, reload from 0
        state.again = true;
      } else appendEntries(data.messages, data.last);
    } catch (e) { setOnline(false); delay = RETRY_MS; }
    state.inflight = false;
    schedule(poll, state.again || gen !== state.gen ? 0 : delay);
  }

  async function send(payload) {
    const p = state.persona;
    if (!p) return;
    const gen = state.gen;
    clearQuickReplies();
    try {
      const r = await api('/send', Object.assign({ persona: p.id }, payload));
      setOnline(true);
      if (!r.ok) note(`ส่งไม่สำเร็จ (${r.status || '?'}): ${r.error || 'ไม่ทราบสาเหตุ'}`, gen);
    } catch (e) {
      if (!e.status) setOnline(false);
      note(e.status ? `ส่งไม่สำเร็จ: เซิร์ฟเวอร์ตอบ HTTP ${e.status}` : 'ส่งไม่สำเร็จ: เชื่อมต่อบอตไม่ได้', gen);
    }
    pollNow();
    loadRichMenu(); // verifying, taking a role or blocking changes the person's menu
    loadClock();
  }

  function sendText(text) {
    if (text && String(text).trim()) send({ type: 'text', text: String(text) });
    ui.input.focus();
  }

  function sendPostback(data, displayText, params) {
    send({ type: 'postback', data: data || '', display_text: displayText || null, params: params || null });
    ui.input.focus();
  }

  function sendEvent(type) { note(`— ส่งเหตุการณ์ ${type} —`); send({ type }); }

  /** The bot's clock in the header (pinned in the demo): the chat's times are on the same clock. */
  async function loadClock() {
    let data;
    try { data = await api('/clock'); } catch (e) { return; }
    const label = clockLabel(data && data.now);
    ui.clock.textContent = label ? `🕙 เวลาของบอต: ${label}${data.pinned ? ' (ตรึงไว้)' : ''}` : '';
    ui.clock.dataset.now = (data && data.now) || '';
  }

  // ---------------------------------------------------------------- personas
  function roleGroup(p) {
    return p.kind === 'group' ? 'group' : ['debtor', 'officer', 'volunteer'].includes(p.role) ? p.role : 'unknown';
  }

  async function loadPersonas() {
    try {
      const list = await api('/personas');
      if (!Array.isArray(list)) throw new Error('bad personas');
      state.personas = list;
      setOnline(true);
    } catch (e) { setOnline(false); return schedule(loadPersonas, RETRY_MS); }
    buildPersonaList();
    const wanted = decodeURIComponent(location.hash.slice(1));
    const first = state.personas.find((x) => x.id === wanted) || state.personas[0];
    if (first) selectPersona(first.id);
    else ui.title.textContent = 'ไม่มี persona (no personas configured)';
  }

  function buildPersonaList() {
    ui.list.replaceChildren();
    ui.select.replaceChildren();
    for (const [key, title] of ROLE_GROUPS) {
      const members = state.personas.filter((p) => roleGroup(p) === key);
      if (!members.length) continue;
      const section = el('section', 'persona-group');
      const optgroup = el('optgroup', null, null, { label: title });
      section.append(el('h2', null, title));
      for (const p of members) {
        const btn = button('persona', null, () => selectPersona(p.id));
        btn.dataset.id = p.id;
        btn.title = [p.user_id, p.group_id].filter(Boolean).join(' · ');
        btn.append(el('span', 'p-label', p.label || p.id), el('span', 'p-desc', p.description || ''));
        if (p.identity) btn.append(el('span', 'p-id', identityWords(p.identity).join(' · ')));
        section.append(btn);
        optgroup.append(el('option', null, p.label || p.id, { value: p.id }));
      }
      ui.list.append(section);
      ui.select.append(optgroup);
    }
  }

  /** What a debtor persona types to verify, as short lines: the ID card's number, then the birth date. */
  function identityWords(identity) {
    const words = [`บัตร ${identity.national_id}`];
    if (identity.birth_date) words.push(`เกิด ${identity.birth_date}`);
    else if (identity.phone_last4) words.push(`ไม่มีวันเกิดในทะเบียน: เบอร์ 4 ตัวท้าย ${identity.phone_last4}`);
    return words;
  }

  /** The persona's ID and birth date in the header, each a chip that sends it (when the bot asks). */
  function renderIdentity(identity) {
    ui.identity.replaceChildren();
    ui.identity.hidden = !identity;
    if (!identity) return;
    const values = [['🪪 บัตร', identity.national_id, 'เลขบัตรประชาชน'],
      identity.birth_date ? ['🎂 เกิด', identity.birth_date, 'วันเกิด วัน/เดือน/ปี พ.ศ.']
        : ['📞 เบอร์', identity.phone_last4, 'ไม่มีวันเกิดในทะเบียน: เลข 4 ตัวท้ายของเบอร์โทร']];
    for (const [what, value, meaning] of values) {
      if (!value) continue;
      const chip = button('id-chip', null, () => sendText(value));
      chip.title = `${meaning}: แตะเพื่อส่ง (tap to send this text)`;
      chip.setAttribute('aria-label', `${meaning} ${value}`);
      chip.append(el('span', 'id-what', what), el('span', 'id-value', value));
      ui.identity.append(chip);
    }
  }

  function selectPersona(id) {
    const p = state.personas.find((x) => x.id === id);
    if (!p) return;
    state.persona = p;
    history.replaceState(null, '', '#' + encodeURIComponent(p.id));
    resetChat();
    closeSheets();
    ui.title.textContent = p.label || p.id;
    ui.sub.textContent = p.description || '';
    renderIdentity(p.identity || null);
    for (const b of ui.list.querySelectorAll('.persona')) b.classList.toggle('active', b.dataset.id === p.id);
    ui.select.value = p.id;
    ui.follow.hidden = ui.unfollow.hidden = p.kind === 'group';
    ui.join.hidden = p.kind !== 'group';
    renderHints(Array.isArray(p.hints) ? p.hints : []);
    state.richMenuId = undefined;
    loadRichMenu();
    pollNow();
    ui.input.focus();
  }

  function resetChat() {
    Object.assign(state, { gen: state.gen + 1, lastSeq: 0, lastDay: null, lastFrom: null });
    ui.log.replaceChildren();
    clearQuickReplies();
  }

  function renderHints(hints) {
    ui.hints.replaceChildren();
    ui.hints.hidden = !hints.length;
    if (hints.length) ui.hints.append(el('span', 'chip-label', 'ลองพิมพ์:'));
    for (const h of hints) {
      ui.hints.append(Object.assign(button('chip hint', h, () => sendText(h)), { title: 'ส่งข้อความนี้ (send this text)' }));
    }
  }

  // ---------------------------------------------------------------- the rich menu
  async function loadRichMenu() {
    const p = state.persona;
    if (!p) return;
    const gen = state.gen;
    let data;
    try { data = await api(`/richmenu?persona=${encodeURIComponent(p.id)}`); } catch (e) { return; }
    if (gen === state.gen) renderRichMenu(data && data.menu);
  }

  /** The persona's menu: its picture with a transparent button over each area, in percent of its size. */
  function renderRichMenu(menu) {
    const id = menu && menu.richMenuId ? menu.richMenuId : null;
    if (id === state.richMenuId) return;
    state.richMenuId = id;
    ui.rm.hidden = !id;
    ui.rmAreas.replaceChildren();
    if (!id) return;
    const size = menu.size || {};
    const pct = (v, of) => `${(100 * v / of).toFixed(3)}%`;
    ui.rmImage.src = typeof menu.image === 'string' && SAFE_IMG.test(menu.image) ? menu.image : '';
    ui.rmImage.alt = `ริชเมนู: ${(menu.areas || []).map((a) => (a.action && a.action.label) || '').join(' · ')}`;
    ui.rmBarText.textContent = menu.chatBarText || 'เมนู';
    for (const area of Array.isArray(menu.areas) ? menu.areas : []) {
      const b = area.bounds || {};
      const action = area.action || {};
      const label = action.label || action.text || action.type || '';
      const btn = Object.assign(button('rm-area', null, () => runAction(action)), { title: label });
      btn.setAttribute('aria-label', label);
      btn.dataset.action = action.type || '';
      styled(btn, { left: pct(b.x, size.width), top: pct(b.y, size.height),
                    width: pct(b.width, size.width), height: pct(b.height, size.height) });
      ui.rmAreas.append(btn);
    }
    setRichMenuOpen(menu.selected !== false);
  }

  function setRichMenuOpen(open) {
    ui.rmPanel.hidden = !open;
    ui.rmBar.setAttribute('aria-expanded', String(open));
    ui.rmArrow.textContent = open ? '▾' : '▴';
  }

  function switchRichMenu(a) {
    send({ type: 'richmenuswitch', alias: a.richMenuAliasId || '', data: a.data || '' });
  }

  // ---------------------------------------------------------------- chat log
  function scrollToBottom() { ui.log.scrollTop = ui.log.scrollHeight; }
  function nearBottom() { return ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 80; }

  /** A small grey system line; `gen` drops notes that belong to a chat we already left. */
  function note(text, gen) {
    if (gen !== undefined && gen !== state.gen) return;
    ui.log.append(el('div', 'sys-note', text));
    state.lastFrom = null;
    scrollToBottom();
  }

  function appendEntries(entries, last) {
    const fresh = entries
      .filter((e) => e && typeof e.seq === 'number' && e.seq > state.lastSeq)
      .sort((a, b) => a.seq - b.seq);
    for (const e of fresh) { renderEntry(e); state.lastSeq = e.seq; }
    if (typeof last === 'number' && last > state.lastSeq) state.lastSeq = last;
    if (!fresh.length) return;
    const tail = fresh[fresh.length - 1];
    const qr = tail.direction === 'bot' && tail.message && tail.message.quickReply;
    renderQuickReplies(qr && Array.isArray(qr.items) ? qr.items : []);
    scrollToBottom();
  }

  /** In a group chat, user rows carry who sent them (`sender`: a user id); others show on the left. */
  function otherMember(e) {
    const who = typeof e.sender === 'string' ? e.sender : e.persona || e.user_id;
    return who && who !== state.persona.id && who !== state.persona.user_id ? who : null;
  }

  function renderEntry(e) {
    const when = localParts(e.at);
    if (when && when.day !== state.lastDay) {
      Object.assign(state, { lastDay: when.day, lastFrom: null });
      ui.log.append(el('div', 'sys-note day', when.label));
    }
    const msg = e.message && typeof e.message === 'object' ? e.message : {};
    const isBot = e.direction === 'bot';
    const other = isBot ? null : otherMember(e);
    const left = isBot || Boolean(other);
    const from = isBot ? 'bot' : other || 'me';
    const first = state.lastFrom !== from;
    state.lastFrom = from;
    const wide = ['flex', 'template', 'imagemap'].includes(msg.type) ? ' wide' : '';
    const row = el('div', `row ${left ? 'left' : 'right'} ${isBot ? 'bot' : 'user'}${wide}`);
    const col = el('div', 'col');
    if (left) {
      const known = state.personas.find((p) => p.user_id === other || p.id === other);
      const name = isBot ? (msg.sender && msg.sender.name) || 'กพส' : e.label || (known && known.label) || other;
      const initial = isBot ? 'กพส' : String(name).slice(0, 1);
      row.append(el('div', 'avatar' + (first ? '' : ' blank'), first ? initial : ''));
      if (first && (state.persona.kind === 'group' || msg.sender)) col.append(el('div', 'sender', name));
    }
    col.append(renderMessage(msg), el('div', 'time', when ? when.time : ''));
    row.append(col);
    ui.log.append(row);
  }

  // ---------------------------------------------------------------- message renderers
  function renderMessage(m) {
    try {
      switch (m.type) {
        case 'text': case 'textV2': case 'postback-display': return textBubble(m.text);
        case 'sticker': return textBubble('[สติกเกอร์]', 'sticker');
        case 'image': return renderImageMessage(m);
        case 'video': return textBubble('[วิดีโอ]', 'media');
        case 'audio': return textBubble('[ไฟล์เสียง]', 'media');
        case 'location': return renderLocation(m);
        case 'template': return withAlt(renderTemplate(m.template || {}), m.altText);
        case 'imagemap': return renderImagemap(m);
        case 'flex': return withAlt(renderFlexContainer(m.contents || {}), m.altText);
        default: return textBubble(`[ข้อความประเภท ${m.type || '?'}]`, 'media');
      }
    } catch (err) {
      console.warn('render failed', m, err);
      return textBubble(m.altText || `[แสดงข้อความ ${m.type} ไม่ได้]`, 'media');
    }
  }

  function withAlt(node, alt) { if (alt) node.title = alt; return node; }
  function textBubble(text, extra) { return el('div', 'bubble' + (extra ? ' ' + extra : ''), text); }

  function renderImageMessage(m) {
    const box = el('div', 'image-msg');
    const img = image(m.previewImageUrl || m.originalContentUrl, null, '[รูปภาพ]');
    const full = m.originalContentUrl;
    if (typeof full === 'string' && /^https?:/i.test(full)) bindAction(img, { type: 'uri', uri: full });
    box.append(img);
    return box;
  }

  function renderLocation(m) {
    const card = el('div', 'loc-card');
    card.append(el('div', 'loc-title', '📍 ' + (m.title || 'ตำแหน่ง')));
    if (m.address) card.append(el('div', 'loc-address', m.address));
    const lat = Number(m.latitude);
    const lng = Number(m.longitude);
    if (Number.isFinite(lat) && Number.isFinite(lng)) {
      const href = `https://www.google.com/maps?q=${lat},${lng}`;
      card.append(el('div', 'loc-coords', `${lat}, ${lng}`),
        el('a', 'loc-link', 'เปิดแผนที่', { href, target: '_blank', rel: 'noopener noreferrer' }));
    }
    return card;
  }

  // ---------------------------------------------------------------- templates & imagemap
  function renderTemplate(t) {
    if (t.type === 'buttons') return templateCard(t, t);
    if (t.type === 'confirm') {
      const head = el('div', 'tpl-head');
      head.append(el('div', 'tpl-text', t.text));
      return templateCard(null, t, head, actionRow(t.actions, 'tpl-actions confirm'));
    }
    if (t.type === 'carousel' || t.type === 'image_carousel') {
      const strip = el('div', 'carousel');
      for (const c of t.columns || []) strip.append(t.type === 'carousel' ? templateCard(c, t) : imageColumn(c));
      return strip;
    }
    return textBubble(`[template: ${t.type || '?'}]`, 'media');
  }

  function actionRow(actions, cls) {
    const row = el('div', cls || 'tpl-actions');
    for (const a of actions || []) row.append(actionButton(a, 'tpl-btn'));
    return row;
  }

  /** A buttons-template-like card (also used for carousel columns, confirm and imagemap). */
  function templateCard(c, tpl, head, actions) {
    const card = el('div', 'tpl-card');
    if (!head) {
      head = el('div', 'tpl-head');
      if (c.thumbnailImageUrl) {
        head.append(styled(image(c.thumbnailImageUrl, 'tpl-thumb'), {
          aspectRatio: tpl.imageAspectRatio === 'square' ? '1 / 1' : '1.51 / 1',
          objectFit: tpl.imageSize === 'contain' ? 'contain' : 'cover',
          backgroundColor: c.imageBackgroundColor || tpl.imageBackgroundColor || '#fff',
        }));
      }
      if (c.title) head.append(el('div', 'tpl-title', c.title));
      head.append(el('div', 'tpl-text', c.text || ''));
      if (c.defaultAction) bindAction(head, c.defaultAction);
    }
    card.append(head, actions || actionRow(c.actions));
    return card;
  }

  function imageColumn(c) {
    const card = el('div', 'tpl-card image-col');
    card.append(styled(image(c.imageUrl, 'tpl-thumb'), { aspectRatio: '1 / 1' }));
    if (c.action && c.action.label) card.append(el('div', 'image-col-label', c.action.label));
    bindAction(card, c.action);
    return card;
  }

  function renderImagemap(m) {
    const head = el('div', 'tpl-head');
    head.append(el('div', 'tpl-title', '[Imagemap]'), el('div', 'tpl-text', m.altText || ''));
    const acts = el('div', 'tpl-actions');
    for (const a of m.actions || []) {
      const action = a.type === 'uri' ? { type: 'uri', uri: a.linkUri } : a;
      acts.append(actionButton(action, 'tpl-btn', a.label || a.text || a.linkUri || a.type));
    }
    return withAlt(templateCard(null, {}, head, acts), m.altText);
  }

  // ---------------------------------------------------------------- flex
  function renderFlexContainer(c) {
    if (c.type === 'bubble') return renderBubble(c);
    if (c.type !== 'carousel') return textBubble('[flex]', 'media');
    const strip = el('div', 'carousel flex-carousel');
    for (const b of c.contents || []) if (b && b.type === 'bubble') strip.append(renderBubble(b));
    return strip;
  }

  function renderBubble(b) {
    const node = el('div', 'flex-bubble');
    node.style.width = (BUBBLE_WIDTH[b.size] || BUBBLE_WIDTH.mega) + 'px';
    const styles = b.styles || {};
    for (const part of ['header', 'hero', 'body', 'footer']) {
      if (!b[part]) continue;
      const st = styles[part] || {};
      const block = styled(el('div', 'flex-block ' + part), { backgroundColor: st.backgroundColor || '' });
      if (st.separator && node.childElementCount) block.style.borderTop = `1px solid ${st.separatorColor || '#e5e5e5'}`;
      const inner = renderFlex(b[part], 'vertical', BLOCK_PADDING[part]);
      if (inner) block.append(inner);
      node.append(block);
    }
    bindAction(node, b.action);
    return node;
  }

  const RENDERERS = {
    box: renderBox, text: renderText, button: renderButton, image: renderImage,
    icon: renderIcon, separator: renderSeparator, filler: () => el('div', 'fx-filler'), spacer: renderSpacer,
    video: (c, parent) => renderFlex(c.altContent, parent),
  };

  /** Render one flex component; unknown or broken components yield null and are skipped. */
  function renderFlex(c, parent, defaultPadding) {
    if (!c || typeof c !== 'object' || !RENDERERS[c.type]) return null;
    let node;
    try { node = RENDERERS[c.type](c, parent, defaultPadding); } catch (err) {
      console.warn('flex component failed', c, err);
      return null;
    }
    if (node) applyCommon(node, c, parent);
    return node;
  }

  /** flex / position / offsets / gravity / action, shared by all components inside a box. */
  function applyCommon(node, c, parent) {
    const s = node.style;
    const horizontal = parent === 'horizontal' || parent === 'baseline';
    if (c.position === 'absolute') {
      s.position = 'absolute';
    } else if (!FLEXIBLE.has(c.type)) {
      s.flex = '0 0 auto';
    } else {
      let f = typeof c.flex === 'number' ? c.flex : (horizontal || c.type === 'filler' ? 1 : 0);
      if (typeof c.flex !== 'number' && horizontal && c.width) f = 0;
      s.flex = f > 0 ? (horizontal ? `${f} 1 0%` : `${f} 0 auto`) : '0 0 auto';
      if (horizontal) s.minWidth = '0';
    }
    setLengths(s, c, OFFSETS, SPACING);
    if (horizontal && GRAVITY[c.gravity]) s.alignSelf = GRAVITY[c.gravity];
    if (c.type !== 'button') bindAction(node, c.action);
  }

  function renderBox(c, parent, defaultPadding) {
    const layout = c.layout === 'horizontal' || c.layout === 'baseline' ? c.layout : 'vertical';
    const node = el('div', 'fx-box fx-' + layout);
    const s = styled(node, {
      padding: len(c.paddingAll, SPACING) || defaultPadding || '',
      backgroundColor: c.backgroundColor || '',
      borderRadius: len(c.cornerRadius, RADIUS) || '',
      justifyContent: c.justifyContent || '',
      alignItems: c.alignItems || '',
    }).style;
    setLengths(s, c, PADDING_SIDES, SPACING);
    setLengths(s, c, { width: 'width', maxWidth: 'maxWidth', height: 'height', maxHeight: 'maxHeight' });
    const bg = c.background;
    if (bg && bg.type === 'linearGradient' && bg.startColor && bg.endColor) {
      const mid = bg.centerColor ? `, ${bg.centerColor} ${bg.centerPosition || '50%'}` : '';
      s.backgroundImage = `linear-gradient(${bg.angle || '0deg'}, ${bg.startColor}${mid}, ${bg.endColor})`;
    }
    const border = len(c.borderWidth, BORDER_WIDTH);
    if (border) s.border = `${border} solid ${c.borderColor || '#000'}`;
    const gap = len(c.spacing, SPACING);
    const marginProp = layout === 'vertical' ? 'marginTop' : 'marginLeft';
    let count = 0;
    for (const child of Array.isArray(c.contents) ? c.contents : []) {
      const cn = renderFlex(child, layout);
      if (!cn) continue;
      const margin = len(child.margin, SPACING) || (count > 0 ? gap : null);
      if (margin && child.position !== 'absolute') cn.style[marginProp] = margin;
      node.append(cn);
      count++;
    }
    return node;
  }

  function applyTextStyle(node, c) {
    return styled(node, {
      fontSize: len(c.size, TEXT_SIZE) || '',
      fontWeight: c.weight === 'bold' ? 'bold' : '',
      fontStyle: c.style === 'italic' ? 'italic' : '',
      textDecoration: ['underline', 'line-through'].includes(c.decoration) ? c.decoration : '',
      color: c.color || '',
    });
  }

  function renderText(c) {
    const node = applyTextStyle(el('div', 'fx-text' + (c.wrap ? ' wrap' : '')), c);
    const s = node.style;
    if (Array.isArray(c.contents) && c.contents.length) {
      for (const span of c.contents) if (span && span.type === 'span') node.append(renderSpan(span));
    } else {
      node.textContent = c.text === undefined || c.text === null ? '' : String(c.text);
    }
    if (c.wrap && c.maxLines > 0) { node.classList.add('clamp'); s.webkitLineClamp = String(c.maxLines); }
    if (c.align) s.textAlign = { start: 'left', end: 'right', center: 'center' }[c.align] || '';
    const ls = len(c.lineSpacing);
    if (ls) s.lineHeight = `calc(1.2em + ${ls})`;
    return node;
  }

  function renderSpan(c) { return applyTextStyle(el('span', 'fx-span', c.text || ''), c); }

  function renderButton(c) {
    const a = c.action || {};
    const style = ['primary', 'secondary'].includes(c.style) ? c.style : 'link';
    const btn = button(`fx-button ${style} ${c.height === 'sm' ? 'sm' : 'md'}`, a.label || '');
    if (c.color) btn.style[style === 'link' ? 'color' : 'backgroundColor'] = c.color;
    bindAction(btn, a);
    return btn;
  }

  function renderImage(c) {
    const wrap = el('div', 'fx-image');
    wrap.style.justifyContent = { start: 'flex-start', end: 'flex-end' }[c.align] || 'center';
    const size = c.size || 'md';
    wrap.append(styled(image(c.url), {
      width: size === 'full' ? '100%' : len(size, IMAGE_SIZE) || '100px',
      aspectRatio: ratio(c.aspectRatio) || '1 / 1',
      objectFit: c.aspectMode === 'cover' ? 'cover' : 'contain',
      backgroundColor: c.backgroundColor || '',
    }));
    return wrap;
  }

  function renderIcon(c) {
    const height = len(c.size, TEXT_SIZE) || TEXT_SIZE.md + 'px';
    return styled(image(c.url, 'fx-icon'), { height, aspectRatio: ratio(c.aspectRatio) || '1 / 1' });
  }

  function renderSeparator(c, parent) {
    return styled(el('div', 'fx-sep' + (parent === 'vertical' ? '' : ' v')), { borderColor: c.color || '' });
  }

  function renderSpacer(c, parent) {
    const size = len(c.size || 'md', SPACING) || '8px';
    return styled(el('div', 'fx-spacer'), parent === 'vertical' ? { height: size } : { width: size });
  }

  // ---------------------------------------------------------------- actions
  function actionButton(a, cls, label) {
    const btn = button(cls, label || (a && a.label) || '');
    bindAction(btn, a);
    return btn;
  }

  function bindAction(node, action) {
    if (!action || !action.type) return;
    node.classList.add('clickable');
    if (node.tagName !== 'BUTTON') {
      node.tabIndex = 0;
      node.setAttribute('role', 'button');
      node.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); ev.stopPropagation(); runAction(action); }
      });
    }
    node.addEventListener('click', (ev) => { ev.stopPropagation(); runAction(action); });
  }

  function runAction(a) {
    switch (a.type) {
      case 'message': return sendText(a.text || a.label);
      case 'postback':
        if (a.fillInText) ui.input.value = a.fillInText;
        return sendPostback(a.data, a.displayText || a.text || null, null);
      case 'uri': return openUri(a.uri || (a.altUri && a.altUri.desktop));
      case 'datetimepicker': return openPicker(a);
      case 'location': return openLocationForm();
      case 'camera': case 'cameraRoll': return ui.file.click();
      case 'clipboard': return copyText(a.clipboardText || '');
      case 'richmenuswitch': return switchRichMenu(a);
      default: return note(`ปุ่มประเภท "${a.type}" ใช้ในตัวจำลองไม่ได้ (action not supported)`);
    }
  }

  function openUri(uri) {
    if (typeof uri === 'string' && SAFE_URI.test(uri)) window.open(uri, '_blank', 'noopener');
    else note(`เปิดลิงก์นี้ในตัวจำลองไม่ได้: ${uri || '(ว่าง)'}`);
  }

  function copyText(text) {
    const done = () => note(`คัดลอกแล้ว (copied): ${text}`);
    const fail = () => note(`คัดลอกอัตโนมัติไม่ได้ — ข้อความคือ (copy manually): ${text}`);
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fail);
    else fail();
  }

  function renderQuickReplies(items) {
    const valid = items.filter((it) => it && it.action && it.action.type);
    ui.quick.replaceChildren(...valid.map((it) =>
      actionButton(it.action, 'chip qr', it.action.label || it.action.text || it.action.type)));
    ui.quick.hidden = !valid.length;
  }

  function clearQuickReplies() { renderQuickReplies([]); }

  // ---------------------------------------------------------------- input, forms, files
  function sendFromInput() {
    const text = ui.input.value;
    ui.input.value = '';
    autoGrow();
    sendText(text);
  }

  function autoGrow() {
    ui.input.style.height = 'auto';
    ui.input.style.height = Math.min(ui.input.scrollHeight + 2, 120) + 'px';
  }

  function closeSheets() { ui.locForm.hidden = ui.picker.hidden = true; state.pickerAction = null; }

  function openLocationForm() {
    closeSheets();
    ui.locForm.hidden = false;
    ui.locForm.elements.title.focus();
  }

  function onLocationSubmit(ev) {
    ev.preventDefault();
    const f = ui.locForm.elements;
    const lat = parseFloat(f.latitude.value);
    const lng = parseFloat(f.longitude.value);
    if (!(Math.abs(lat) <= 90 && Math.abs(lng) <= 180)) return note('พิกัดไม่ถูกต้อง (invalid latitude/longitude)');
    send({ type: 'location', title: f.title.value, address: f.address.value, latitude: lat, longitude: lng });
    closeSheets();
    ui.input.focus();
  }

  function openPicker(a) {
    closeSheets();
    const mode = ['date', 'time', 'datetime'].includes(a.mode) ? a.mode : 'datetime';
    const input = ui.pickerInput;
    input.type = mode === 'datetime' ? 'datetime-local' : mode;
    for (const attr of ['min', 'max']) if (a[attr]) input.setAttribute(attr, a[attr]); else input.removeAttribute(attr);
    input.value = a.initial || '';
    ui.pickerTitle.textContent = `${a.label || 'เลือกวันที่/เวลา'} (${mode})`;
    state.pickerAction = Object.assign({}, a, { mode });
    ui.picker.hidden = false;
    input.focus();
    try { if (input.showPicker) input.showPicker(); } catch (_) { /* some browsers refuse without a gesture */ }
  }

  function onPickerSubmit(ev) {
    ev.preventDefault();
    const a = state.pickerAction;
    const value = ui.pickerInput.value;
    if (!a || !value) return note('ยังไม่ได้เลือกค่า (pick a value first)');
    const v = a.mode === 'time' ? value.slice(0, 5) : a.mode === 'datetime' ? value.slice(0, 16) : value;
    note(`เลือก ${a.mode}: ${v}`);
    sendPostback(a.data, null, { [a.mode]: v });
    closeSheets();
  }

  function onImagePicked() {
    const file = ui.file.files && ui.file.files[0];
    ui.file.value = '';
    if (!file) return;
    if (!file.type.startsWith('image/')) return note('เลือกได้เฉพาะไฟล์รูปภาพ (images only)');
    if (file.size > MAX_IMAGE_BYTES) {
      return note(`รูปใหญ่เกินไป ${(file.size / 1048576).toFixed(1)} MB — จำกัด 1 MB (image too large, max 1 MB)`);
    }
    const reader = new FileReader();
    reader.onload = () => { send({ type: 'image', data_url: String(reader.result) }); ui.input.focus(); };
    reader.onerror = () => note('อ่านไฟล์ไม่ได้ (could not read the file)');
    reader.readAsDataURL(file);
  }

  // ---------------------------------------------------------------- start-up
  function init() {
    Object.assign(ui, {
      banner: $('sim-banner'), list: $('persona-list'), select: $('persona-select'),
      title: $('chat-title'), sub: $('chat-sub'), log: $('chat-log'), quick: $('quick-replies'),
      hints: $('hint-chips'), locForm: $('location-form'), picker: $('picker-form'),
      pickerTitle: $('picker-title'), pickerInput: $('picker-input'), bar: $('input-bar'),
      input: $('text-input'), file: $('img-file'), follow: $('follow-btn'),
      unfollow: $('unfollow-btn'), join: $('join-btn'), rm: $('rich-menu'), rmBar: $('rm-bar'),
      rmBarText: $('rm-bar-text'), rmArrow: $('rm-arrow'), rmPanel: $('rm-panel'), rmImage: $('rm-image'),
      rmAreas: $('rm-areas'), identity: $('chat-id'), clock: $('bot-clock'),
    });
    ui.input.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter' || ev.shiftKey || ev.isComposing || ev.keyCode === 229) return;
      ev.preventDefault();
      sendFromInput();
    });
    const wiring = [
      [ui.bar, 'submit', (ev) => { ev.preventDefault(); sendFromInput(); }],
      [ui.input, 'input', autoGrow], [$('loc-btn'), 'click', openLocationForm],
      [$('img-btn'), 'click', () => ui.file.click()], [$('sim-retry'), 'click', retryNow],
      [ui.file, 'change', onImagePicked], [ui.locForm, 'submit', onLocationSubmit],
      [ui.picker, 'submit', onPickerSubmit], [ui.select, 'change', () => selectPersona(ui.select.value)],
      [ui.follow, 'click', () => sendEvent('follow')], [ui.unfollow, 'click', () => sendEvent('unfollow')],
      [ui.join, 'click', () => sendEvent('join')],
      [ui.rmBar, 'click', () => setRichMenuOpen(ui.rmPanel.hidden)],
      [document, 'keydown', (ev) => { if (ev.key === 'Escape') closeSheets(); }],
      ...[...document.querySelectorAll('[data-close]')].map((b) => [b, 'click', closeSheets]),
    ];
    for (const [node, type, fn] of wiring) node.addEventListener(type, fn);
    loadClock();
    loadPersonas();
  }

  window.LineSim = { state, renderMessage, renderFlex, selectPersona, pollNow, loadRichMenu, loadClock };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
