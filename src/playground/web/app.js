// SFA playground: a Slack-like page over the playground's JSON API (src/playground).
// Everything the bot sends is attacker-controlled text: nodes are built with textContent only.

const API = '/playground/api';
const STORAGE_USER = 'sfa-playground.user';

const S = {
  ws: null,
  user: null,
  nav: { kind: 'dm' },
  messages: [],
  views: { modals: [], home: null },
  modal: null, // { key, viewId, readers } of the modal on screen
  homeKey: null,
  msgCache: new Map(), // ts -> { key, node }: unchanged messages keep their DOM (open menus, focus)
  unread: new Set(),
  source: null,
  seq: { conv: 0, views: 0 },
};

/* ---------- DOM and HTTP helpers ---------- */

const $ = (id) => document.getElementById(id);
const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'multiple', 'readOnly']);

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (PROPS.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

async function request(path, init) {
  let res;
  try {
    res = await fetch(API + path, init);
  } catch (err) {
    return { ok: false, error: `network error: ${err.message}` };
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    /* not JSON */
  }
  if (!res.ok && (!data || typeof data !== 'object')) return { ok: false, error: `${res.status} ${res.statusText}` };
  if (!res.ok && data.ok === undefined) data.ok = false;
  return data ?? {};
}

const get = (path, params) => request(`${path}?${new URLSearchParams(params)}`);
const post = (path, body) =>
  request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function safeUrl(url) {
  try {
    const u = new URL(url, location.href);
    return ['http:', 'https:', 'mailto:', 'tel:'].includes(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

function toast(text, isError = false) {
  const el = $('toast');
  el.textContent = text;
  el.classList.toggle('error', isError);
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (el.hidden = true), 5000);
}

const wide = () => matchMedia('(min-width: 601px)').matches;
const dmId = (userId) => 'D' + userId.slice(1);
const userById = (id) => S.ws?.users.find((u) => u.id === id);
const userName = (id) => (id === S.ws?.bot.userId ? S.ws.bot.name : userById(id)?.name ?? id);
const channelName = (id) => S.ws?.channels.find((c) => c.id === id)?.name ?? id;

/* ---------- text: emoji, mrkdwn, plain_text ---------- */

const EMOJI = {
  white_check_mark: '✅', heavy_check_mark: '✔️', x: '❌', warning: '⚠️', tada: '🎉', alarm_clock: '⏰',
  bell: '🔔', calendar: '📅', date: '📅', spiral_calendar_pad: '🗓️', memo: '📝', pencil: '📝',
  chart_with_upwards_trend: '📈', chart_with_downwards_trend: '📉', bar_chart: '📊', moneybag: '💰',
  star: '⭐', fire: '🔥', rocket: '🚀', wave: '👋', bulb: '💡', information_source: 'ℹ️', hourglass: '⌛',
  hourglass_flowing_sand: '⏳', eyes: '👀', thumbsup: '👍', '+1': '👍', thumbsdown: '👎', pushpin: '📌',
  link: '🔗', mag: '🔍', bust_in_silhouette: '👤', busts_in_silhouette: '👥', office: '🏢', handshake: '🤝',
  phone: '📞', telephone_receiver: '📞', email: '✉️', envelope: '✉️', page_facing_up: '📄', clipboard: '📋',
  lock: '🔒', no_entry: '⛔', red_circle: '🔴', large_green_circle: '🟢', large_yellow_circle: '🟡',
  arrow_up: '⬆️', arrow_down: '⬇️', arrow_right: '➡️', heavy_plus_sign: '➕', question: '❓',
  exclamation: '❗', sparkles: '✨', trophy: '🏆', dart: '🎯', package: '📦', inbox_tray: '📥', zzz: '💤',
};

const emojify = (text) => text.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] ?? m);
const unescapeSlack = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const textOf = (obj) => (typeof obj === 'string' ? obj : obj?.text ?? '');

/** A plain_text or mrkdwn text object as a node. */
function textNode(obj, cls = '') {
  if (obj?.type === 'mrkdwn') return renderMrkdwn(obj.text, cls);
  const text = textOf(obj);
  return h('span', { class: `plain ${cls}`.trim() }, obj?.emoji === false ? text : emojify(text));
}

function renderMrkdwn(text, cls = '') {
  const root = h('div', { class: `mrkdwn ${cls}`.trim() });
  const parts = String(text ?? '').split('```');
  parts.forEach((part, i) => {
    const isCode = i % 2 === 1 && i < parts.length - 1;
    if (isCode) {
      root.append(h('pre', { class: 'code-block' }, unescapeSlack(part.replace(/^\n/, '').replace(/\n$/, ''))));
      return;
    }
    let body = i % 2 === 1 ? '```' + part : part; // an unmatched fence stays text
    if (i > 0) body = body.replace(/^\n/, '');
    if (i < parts.length - 2) body = body.replace(/\n$/, '');
    if (body !== '' || parts.length === 1) renderLines(body, root);
  });
  return root;
}

function renderLines(text, root) {
  let quote = null;
  for (const line of text.split('\n')) {
    const q = /^(?:>|&gt;) ?(.*)$/.exec(line);
    if (q) {
      if (!quote) root.append((quote = h('blockquote')));
      quote.append(h('div', { class: 'line' }, inline(q[1])));
      continue;
    }
    quote = null;
    const bullet = /^(\s*)(?:•|◦|- )\s*(.*)$/.exec(line);
    if (bullet) root.append(h('div', { class: 'line bullet', style: `--indent:${bullet[1].length}` }, inline(bullet[2])));
    else root.append(h('div', { class: 'line' }, inline(line)));
  }
}

// One alternation so the earliest token wins; Slack needs non-word boundaries around * _ ~.
const INLINE =
  /<([^<>\n]+)>|`([^`\n]+)`|(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])|(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])|(https?:\/\/[^\s<>]+)/g;

function inline(text) {
  const out = [];
  const re = new RegExp(INLINE.source, 'g');
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(plainRun(text.slice(last, m.index)));
    if (m[1] !== undefined) out.push(angle(m[1]));
    else if (m[2] !== undefined) out.push(h('code', {}, unescapeSlack(m[2])));
    else if (m[3] !== undefined) out.push(h('strong', {}, inline(m[3])));
    else if (m[4] !== undefined) out.push(h('em', {}, inline(m[4])));
    else if (m[5] !== undefined) out.push(h('del', {}, inline(m[5])));
    else {
      const url = m[6].replace(/[.,;:!?)'"]+$/, '');
      re.lastIndex = m.index + url.length;
      out.push(link(unescapeSlack(url), unescapeSlack(url)));
    }
    last = re.lastIndex;
  }
  if (last < text.length) out.push(plainRun(text.slice(last)));
  return out;
}

const plainRun = (s) => document.createTextNode(emojify(unescapeSlack(s)));

function link(href, label) {
  const url = safeUrl(href);
  return url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label) : document.createTextNode(label);
}

/** `<…>` in mrkdwn: links, @user, #channel, !here / !date. */
function angle(inner) {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? '' : unescapeSlack(inner.slice(bar + 1));
  if (target.startsWith('@')) return h('span', { class: 'mention' }, '@' + (label || userName(target.slice(1))));
  if (target.startsWith('#')) return h('span', { class: 'mention' }, '#' + (label || channelName(target.slice(1))));
  if (target.startsWith('!date^')) return document.createTextNode(label || new Date(Number(target.split('^')[1]) * 1000).toLocaleString());
  if (target.startsWith('!subteam^')) return h('span', { class: 'mention' }, label || '@group');
  if (target.startsWith('!')) return h('span', { class: 'mention' }, '@' + (label || target.slice(1)));
  const href = unescapeSlack(target);
  return link(href, label || href);
}

/* ---------- Block Kit ---------- */

// ctx: { where: 'message'|'modal'|'home', channel?, messageTs?, viewId?, readers: [], prior: {}, errors: {} }

function renderBlocks(blocks, ctx) {
  return h('div', { class: 'blocks' }, (blocks ?? []).map((b, i) => renderBlock(b, i, ctx)));
}

function renderBlock(block, index, ctx) {
  const type = block?.type ?? 'unknown';
  const render = BLOCKS[type];
  if (!render) return unsupported('block', type);
  try {
    return render(block, ctx, block.block_id ?? `block-${index}`);
  } catch (err) {
    console.error('render', block, err);
    return unsupported('block', `${type}: ${err.message}`);
  }
}

const unsupported = (what, type) => h('div', { class: 'unsupported' }, `[unsupported ${what}: ${type}]`);

const BLOCKS = {
  header: (b) => h('div', { class: 'block block-header' }, textNode(b.text)),
  divider: () => h('hr', { class: 'block block-divider' }),
  section: (b, ctx, blockId) =>
    h('div', { class: 'block block-section', 'data-block-id': blockId },
      h('div', { class: 'section-main' },
        b.text ? textNode(b.text) : null,
        b.fields?.length ? h('div', { class: 'fields' }, b.fields.map((f) => h('div', { class: 'field' }, textNode(f)))) : null),
      b.accessory ? h('div', { class: 'accessory' }, renderElement(b.accessory, ctx, blockId, b)) : null),
  actions: (b, ctx, blockId) =>
    h('div', { class: 'block block-actions', 'data-block-id': blockId }, (b.elements ?? []).map((e) => renderElement(e, ctx, blockId, b))),
  context: (b) =>
    h('div', { class: 'block block-context' },
      (b.elements ?? []).map((e) => (e.type === 'image' ? imageEl(e.image_url, e.alt_text, 'context-image') : textNode(e)))),
  image: (b) =>
    h('figure', { class: 'block block-image' }, b.title ? h('figcaption', {}, textNode(b.title)) : null, imageLink(b.image_url, b.alt_text, 'block-img')),
  input: (b, ctx, blockId) => {
    const error = ctx.errors?.[blockId];
    return h('div', { class: `block block-input${error ? ' has-error' : ''}`, 'data-block-id': blockId },
      h('label', { class: 'input-label' }, textOf(b.label), b.optional ? h('span', { class: 'optional' }, ' (optional)') : null),
      renderElement(b.element ?? {}, ctx, blockId, b),
      b.hint ? h('div', { class: 'input-hint' }, textOf(b.hint)) : null,
      error ? errorNode(error) : null);
  },
  rich_text: (b) => h('div', { class: 'block block-rich' }, (b.elements ?? []).map(richBlock)),
};

function imageEl(src, alt, cls) {
  const url = src && safeUrl(src);
  return url ? h('img', { class: cls, src: url, alt: alt ?? '', loading: 'lazy', onload: keepAtBottom }) : h('span', { class: 'unsupported' }, alt ?? '');
}

function imageLink(src, alt, cls) {
  const url = src && safeUrl(src);
  const img = imageEl(src, alt, cls);
  return url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'img-link' }, img) : img;
}

const errorNode = (text) => h('div', { class: 'input-error', 'data-testid': 'input-error', role: 'alert' }, text);

function richBlock(e) {
  const inner = (e.elements ?? []).map(richInline);
  if (e.type === 'rich_text_section') return h('div', { class: 'line' }, inner);
  if (e.type === 'rich_text_quote') return h('blockquote', {}, inner);
  if (e.type === 'rich_text_preformatted') return h('pre', { class: 'code-block' }, inner);
  if (e.type !== 'rich_text_list') return unsupported('element', e.type);
  const items = (e.elements ?? []).map((sec) => h('li', {}, (sec.elements ?? []).map(richInline)));
  return h(e.style === 'ordered' ? 'ol' : 'ul', { class: 'rich-list', style: `--indent:${Number(e.indent) || 0}` }, items);
}

const RICH = {
  link: (e) => link(e.url ?? '', e.text || e.url || ''),
  user: (e) => h('span', { class: 'mention' }, '@' + userName(e.user_id)),
  channel: (e) => h('span', { class: 'mention' }, '#' + channelName(e.channel_id)),
  broadcast: (e) => h('span', { class: 'mention' }, '@' + e.range),
  emoji: (e) => (e.unicode ? String.fromCodePoint(...e.unicode.split('-').map((c) => parseInt(c, 16))) : EMOJI[e.name] ?? `:${e.name}:`),
};

function richInline(e) {
  let node = RICH[e.type]?.(e) ?? e.text ?? '';
  for (const [flag, tag] of [['code', 'code'], ['strike', 'del'], ['italic', 'em'], ['bold', 'strong']]) {
    if (e.style?.[flag]) node = h(tag, {}, node);
  }
  return node;
}

/* ---------- interactive elements ---------- */

/** Whether a change on this element is sent as a block action (Slack: always, except inputs without dispatch_action). */
const dispatches = (el, ctx, block) => block?.type !== 'input' || Boolean(block.dispatch_action || el.dispatch_action);

// Per stateful element: the key its state reports, and the element field that seeds it.
const STATE_KEYS = {
  plain_text_input: ['value', 'initial_value'], number_input: ['value', 'initial_value'],
  static_select: ['selected_option', 'initial_option'], external_select: ['selected_option', 'initial_option'],
  radio_buttons: ['selected_option', 'initial_option'], checkboxes: ['selected_options', 'initial_options'],
  datepicker: ['selected_date', 'initial_date'], timepicker: ['selected_time', 'initial_time'],
  datetimepicker: ['selected_date_time', 'initial_date_time'], users_select: ['selected_user', 'initial_user'],
};

function initialState(el) {
  const keys = STATE_KEYS[el.type];
  return keys ? { [keys[0]]: el[keys[1]] ?? (keys[0] === 'selected_options' ? [] : null) } : {};
}

function renderElement(el, ctx, blockId, block) {
  const render = ELEMENTS[el?.type];
  if (!render) return unsupported('element', el?.type ?? 'unknown');
  const st = { ...initialState(el), ...(ctx.prior?.[blockId]?.[el.action_id] ?? {}) };
  const send = dispatches(el, ctx, block) ? (action) => sendAction(ctx, blockId, { type: el.type, action_id: el.action_id, ...action }) : null;
  const register = (read) => ctx.readers?.push({ blockId, actionId: el.action_id, type: el.type, el, block, read });
  return render(el, { st, send, register, blockId, ctx });
}

const ids = (el, blockId) => ({ 'data-action-id': el.action_id, 'data-block-id': blockId });
const placeholderOf = (el, fallback = '') => textOf(el.placeholder) || fallback;

const ELEMENTS = {
  button: (el, { send, blockId }) => {
    const btn = h('button', { type: 'button', class: `btn ${el.style ?? ''}`.trim(), ...ids(el, blockId) }, textNode(el.text));
    btn.addEventListener('click', async () => {
      if (el.confirm && !(await confirmDialog(el.confirm))) return;
      const url = el.url && safeUrl(el.url);
      if (url) window.open(url, '_blank', 'noopener');
      btn.disabled = true;
      await send?.({ value: el.value });
      btn.disabled = false;
    });
    return btn;
  },

  image: (el) => imageEl(el.image_url, el.alt_text, 'accessory-image'),

  static_select: (el, { st, send, register, blockId }) => {
    const all = [...(el.options ?? []), ...(el.option_groups ?? []).flatMap((g) => g.options ?? [])];
    const groups = (el.option_groups ?? []).map((g) => h('optgroup', { label: textOf(g.label) }, (g.options ?? []).map(optionNode)));
    const select = h('select', { class: 'select', ...ids(el, blockId) },
      h('option', { value: '' }, placeholderOf(el, 'Select an item')), (el.options ?? []).map(optionNode), groups);
    select.value = st.selected_option?.value ?? '';
    let previous = select.value;
    const chosen = () => all.find((o) => o.value === select.value) ?? null;
    register(() => ({ selected_option: chosen() }));
    select.addEventListener('change', async () => {
      if (el.confirm && !(await confirmDialog(el.confirm))) return void (select.value = previous);
      previous = select.value;
      if (chosen()) await send?.({ selected_option: chosen() });
    });
    return select;
  },

  external_select: (el, { st, send, register, blockId, ctx }) => {
    const ta = typeahead(el, st.selected_option, blockId, ctx, (opt) => send?.({ selected_option: opt }));
    register(() => ({ selected_option: ta.selected() }));
    return ta.node;
  },

  overflow: (el, { send, blockId }) => {
    const choose = async (o) => {
      menu.hidden = true;
      if (el.confirm && !(await confirmDialog(el.confirm))) return;
      const url = o.url && safeUrl(o.url);
      if (url) window.open(url, '_blank', 'noopener');
      await send?.({ selected_option: { text: o.text, value: o.value } });
    };
    const menu = h('div', { class: 'menu', 'data-testid': 'overflow-menu', hidden: true },
      (el.options ?? []).map((o) =>
        h('button', { type: 'button', class: 'menu-item', 'data-testid': 'overflow-option', 'data-value': o.value, onclick: () => choose(o) }, textNode(o.text))));
    const toggle = (e) => {
      e.stopPropagation();
      const open = menu.hidden;
      closeMenus();
      menu.hidden = !open;
    };
    const btn = h('button', { type: 'button', class: 'btn overflow', 'aria-label': 'More actions', ...ids(el, blockId), onclick: toggle }, '⋯');
    return h('span', { class: 'overflow-wrap' }, btn, menu);
  },

  datepicker: picker('date', 'selected_date'),
  timepicker: picker('time', 'selected_time'),
  datetimepicker: picker('datetime-local', 'selected_date_time', toLocalInput, fromLocalInput),
  checkboxes: (el, args) => choices(el, args, true),
  radio_buttons: (el, args) => choices(el, args, false),

  plain_text_input: (el, { st, send, register, blockId }) => {
    const attrs = { class: 'input', placeholder: placeholderOf(el), maxlength: el.max_length, ...ids(el, blockId) };
    const input = el.multiline ? h('textarea', { ...attrs, rows: 4 }) : h('input', { ...attrs, type: 'text' });
    input.value = st.value ?? '';
    register(() => ({ value: input.value === '' ? null : input.value }));
    dispatchText(input, el, send);
    return input;
  },

  number_input: (el, { st, send, register, blockId }) => {
    const input = h('input', {
      type: 'number', class: 'input', inputmode: el.is_decimal_allowed ? 'decimal' : 'numeric',
      step: el.is_decimal_allowed ? 'any' : '1', min: el.min_value, max: el.max_value,
      placeholder: placeholderOf(el), value: st.value ?? '', ...ids(el, blockId),
    });
    register(() => ({ value: input.value === '' ? null : input.value }));
    dispatchText(input, el, send);
    return input;
  },

  users_select: (el, { st, send, register, blockId }) => {
    const select = h('select', { class: 'select', ...ids(el, blockId) },
      h('option', { value: '' }, placeholderOf(el, 'Select a person')), (S.ws?.users ?? []).map((u) => h('option', { value: u.id }, u.name)));
    select.value = st.selected_user ?? '';
    register(() => ({ selected_user: select.value || null }));
    select.addEventListener('change', () => select.value && send?.({ selected_user: select.value }));
    return select;
  },
};

const optionNode = (o) => h('option', { value: o.value, title: textOf(o.description) || undefined }, emojify(textOf(o.text)));

function picker(type, key, toInput = (v) => v ?? '', fromInput = (v) => v || null) {
  return (el, { st, send, register, blockId }) => {
    const input = h('input', { type, class: 'input', value: toInput(st[key]), ...ids(el, blockId) });
    register(() => ({ [key]: fromInput(input.value) }));
    input.addEventListener('change', () => input.value && send?.({ [key]: fromInput(input.value) }));
    return input;
  };
}

/** checkboxes (multi) and radio_buttons. */
function choices(el, { st, send, register, blockId }, multi) {
  const chosen = new Set((multi ? st.selected_options ?? [] : [st.selected_option].filter(Boolean)).map((o) => o.value));
  const name = `c-${blockId}-${el.action_id}-${Math.random().toString(36).slice(2, 7)}`;
  const items = (el.options ?? []).map((o) => ({ o, input: h('input', { type: multi ? 'checkbox' : 'radio', name, value: o.value, checked: chosen.has(o.value) }) }));
  const state = () => {
    const on = items.filter((i) => i.input.checked).map((i) => i.o);
    return multi ? { selected_options: on } : { selected_option: on[0] ?? null };
  };
  register(state);
  for (const i of items) i.input.addEventListener('change', () => send?.(state()));
  const label = (i) => h('label', { class: 'choice' }, i.input, h('span', {}, textNode(i.o.text), i.o.description ? h('div', { class: 'input-hint' }, textOf(i.o.description)) : null));
  return h('div', { class: 'choices', role: multi ? 'group' : 'radiogroup', ...ids(el, blockId) }, items.map(label));
}

function dispatchText(input, el, send) {
  if (!send) return;
  const onChar = (el.dispatch_action_config?.trigger_actions_on ?? []).includes('on_character_entered');
  let timer;
  if (onChar) input.addEventListener('input', () => (clearTimeout(timer), (timer = setTimeout(() => send({ value: input.value }), 400))));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && input.tagName === 'INPUT' && !e.isComposing) {
      e.preventDefault();
      send({ value: input.value });
    }
  });
}

/** The acting person's time zone: Slack shows and reads times in the user's zone, not the browser's. */
const zone = () => S.ws?.users.find((u) => u.id === S.user)?.timezone || undefined;

/** The wall-clock parts of an instant in the person's zone. */
function wallParts(ms) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: zone(), year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return parts;
}

function toLocalInput(seconds) {
  if (typeof seconds !== 'number') return '';
  const p = wallParts(seconds * 1000);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** A datetime-local value read as wall time in the person's zone, to epoch seconds. */
function fromLocalInput(v) {
  if (!v) return null;
  const [date, time] = v.split('T');
  const [y, mo, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, hh, mm);
  let guess = asUtc;
  // Twice: the zone's offset at the guess may differ from the first one across a clock change.
  for (let i = 0; i < 2; i++) {
    const p = wallParts(guess);
    const shown = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
    guess -= shown - asUtc;
  }
  return Math.floor(guess / 1000);
}

/** external_select: a text box whose options come from the bot's block_suggestion handler. */
function typeahead(el, initial, blockId, ctx, onPick) {
  let selected = initial ?? null;
  let options = [];
  let active = -1;
  let timer;
  let seq = 0;
  const min = el.min_query_length ?? 0;
  const input = h('input', {
    type: 'text', class: 'input ta-input', role: 'combobox', 'aria-autocomplete': 'list', autocomplete: 'off',
    placeholder: placeholderOf(el, 'Type to search'), value: selected ? textOf(selected.text) : '', ...ids(el, blockId),
  });
  const list = h('ul', { class: 'ta-list', 'data-testid': 'options', role: 'listbox', hidden: true });

  const where = ctx.viewId ? { viewId: ctx.viewId } : { channel: ctx.channel ?? '', messageTs: ctx.messageTs ?? '' };
  async function load() {
    const query = selected ? '' : input.value;
    if (query.length < min) return show([], query.length ? `Type at least ${min} characters` : null);
    const mine = ++seq;
    list.hidden = false;
    list.replaceChildren(h('li', { class: 'ta-empty' }, 'Searching…'));
    const data = await get('/options', { user: S.user, ...where, blockId, actionId: el.action_id, value: query });
    if (mine !== seq) return;
    const flat = [...(data.options ?? []), ...(data.option_groups ?? []).flatMap((g) => g.options ?? [])];
    show(flat, data.ok === false ? data.error ?? 'Could not load options' : 'No matches');
  }
  function show(opts, emptyText) {
    options = opts;
    active = opts.length ? 0 : -1;
    list.replaceChildren(
      ...opts.map((o, i) =>
        h('li', {
          class: 'ta-option', role: 'option', 'data-testid': 'option', 'data-value': o.value, 'aria-selected': String(i === active),
          onmousedown: (e) => (e.preventDefault(), pick(o)),
        }, emojify(textOf(o.text))),
      ),
    );
    if (!opts.length && emptyText) list.append(h('li', { class: 'ta-empty' }, emptyText));
    list.hidden = !opts.length && !emptyText;
  }
  function highlight(i) {
    active = (i + options.length) % options.length;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === active)));
    list.children[active]?.scrollIntoView({ block: 'nearest' });
  }
  function pick(o) {
    selected = o;
    input.value = textOf(o.text);
    list.hidden = true;
    onPick(o);
  }

  input.addEventListener('focus', () => (input.select(), min === 0 && load()));
  input.addEventListener('input', () => {
    selected = null;
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden || !options.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') highlight(active + (e.key === 'ArrowDown' ? 1 : -1));
    else if (e.key === 'Enter' && !e.isComposing) pick(options[active]);
    else if (e.key === 'Escape') list.hidden = true;
    else return;
    e.preventDefault();
    e.stopPropagation();
  });
  input.addEventListener('blur', () => {
    list.hidden = true;
    list.replaceChildren();
    options = [];
    seq++;
    input.value = selected ? textOf(selected.text) : '';
  });
  return { node: h('div', { class: 'typeahead' }, input, list), selected: () => selected };
}

function closeMenus() {
  for (const m of document.querySelectorAll('.menu')) m.hidden = true;
}

/** Slack's confirmation dialog on a button, select or overflow; resolves to true on confirm. */
function confirmDialog(c) {
  return new Promise((resolve) => {
    const root = $('confirm-root');
    const done = (yes) => (root.replaceChildren(), resolve(yes));
    root.append(
      h('div', { class: 'overlay confirm-overlay', onclick: (e) => e.target === e.currentTarget && done(false), onkeydown: (e) => e.key === 'Escape' && done(false) },
        h('div', { class: 'modal confirm', 'data-testid': 'confirm', role: 'alertdialog' },
          h('div', { class: 'modal-head' }, h('h2', { class: 'modal-title' }, textOf(c.title) || 'Are you sure?')),
          h('div', { class: 'modal-body' }, textNode(c.text)),
          h('div', { class: 'modal-foot' },
            h('button', { type: 'button', class: 'btn', 'data-testid': 'confirm-cancel', onclick: () => done(false) }, textOf(c.deny) || 'Cancel'),
            h('button', { type: 'button', class: `btn ${c.style === 'danger' ? 'danger' : 'primary'}`, 'data-testid': 'confirm-ok', onclick: () => done(true) }, textOf(c.confirm) || 'Yes'),
          ),
        ),
      ),
    );
    root.querySelector('[data-testid="confirm-ok"]').focus();
  });
}

async function sendAction(ctx, blockId, action) {
  const where = ctx.viewId ? { viewId: ctx.viewId } : { channel: ctx.channel, messageTs: ctx.messageTs };
  const clean = Object.fromEntries(Object.entries(action).filter(([, v]) => v !== undefined));
  const r = await post('/action', { user: S.user, ...where, blockId, action: clean });
  if (r.ok === false) toast(`Action failed: ${r.error ?? 'unknown error'}`, true);
  if (ctx.viewId) loadViews();
  else loadConversation();
}

/* ---------- messages ---------- */

const tsDate = (ts) => new Date(parseFloat(ts) * 1000);

const hhmm = (d) => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: zone() });

function renderMessage(m, prev) {
  const when = tsDate(m.ts);
  const compact = prev && prev.user === m.user && !prev.ephemeral && !m.ephemeral && when - tsDate(prev.ts) < 5 * 60 * 1000;
  const ctx = { where: 'message', channel: currentChannel(), messageTs: m.ts, readers: [] };
  const attrs = { class: `message${compact ? ' compact' : ''}${m.ephemeral ? ' ephemeral' : ''}`, 'data-testid': 'message', 'data-ts': m.ts, 'data-user': m.user };
  if (m.ephemeral) attrs['data-ephemeral'] = 'true';
  return h('div', attrs,
    compact ? h('div', { class: 'gutter-time' }, hhmm(when)) : avatar(m),
    h('div', { class: 'msg-main' },
      m.ephemeral ? h('div', { class: 'ephemeral-label', 'data-testid': 'ephemeral-label' }, '👁 Only visible to you') : null,
      compact ? null : h('div', { class: 'msg-head' },
        h('span', { class: 'author' }, m.userName || userName(m.user)),
        m.bot ? h('span', { class: 'app-badge' }, 'APP') : null,
        h('time', { class: 'time', datetime: when.toISOString(), title: when.toLocaleString() }, hhmm(when)),
      ),
      h('div', { class: 'msg-body' },
        m.blocks?.length ? renderBlocks(m.blocks, ctx) : renderMrkdwn(m.text ?? ''),
        m.edited ? h('span', { class: 'edited' }, '(edited)') : null,
      ),
      m.files?.length ? h('div', { class: 'files' }, m.files.map(renderFile)) : null,
    ),
  );
}

function avatar(m) {
  if (m.bot) return h('div', { class: 'avatar bot' }, 'SFA');
  const name = m.userName || userName(m.user) || '?';
  const hue = [...m.user].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 360, 7);
  return h('div', { class: 'avatar', style: `--hue:${hue}` }, [...name][0]?.toUpperCase() ?? '?');
}

function renderFile(f) {
  const url = safeUrl(f.url);
  if (url && /^image\//.test(f.mimetype ?? '')) {
    return h('figure', { class: 'file file-image', 'data-testid': 'file' },
      h('figcaption', {}, f.title || f.name),
      h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'img-link' },
        h('img', { src: url, alt: f.altText ?? f.title ?? f.name, loading: 'lazy', onload: keepAtBottom })));
  }
  return h('div', { class: 'file', 'data-testid': 'file' }, '📄 ', url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, f.title || f.name) : f.title || f.name);
}

function dayLabel(d) {
  const today = new Date();
  const yesterday = new Date(Date.now() - 86400000);
  if (d.toDateString() === today.toDateString()) return 'Today';
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return d.toLocaleDateString(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
}

function renderMessages() {
  const list = $('messages');
  const stick = S.stickToBottom !== false;
  const cache = new Map();
  const nodes = [];
  let prevDay = null;
  S.messages.forEach((m, i) => {
    const prev = S.messages[i - 1];
    const day = tsDate(m.ts).toDateString();
    if (day !== prevDay) nodes.push(h('div', { class: 'day-divider' }, h('span', {}, dayLabel(tsDate(m.ts)))));
    const grouped = prev && day === prevDay ? prev : undefined;
    prevDay = day;
    const key = JSON.stringify([m, grouped?.user, grouped?.ts, grouped?.ephemeral, S.ws.users.length]);
    const old = S.msgCache.get(m.ts);
    const node = old && old.key === key ? old.node : renderMessage(m, grouped);
    cache.set(m.ts, { key, node });
    nodes.push(node);
  });
  S.msgCache = cache;
  if (!nodes.length) nodes.push(h('div', { class: 'empty' }, emptyText()));
  list.replaceChildren(...nodes);
  if (stick) list.scrollTop = list.scrollHeight;
}

function emptyText() {
  const first = S.ws.commands[0]?.name;
  if (S.nav.kind !== 'dm') return 'No messages in this channel yet.';
  return `This is your direct message with SFA. Type / to see what it can do${first ? ` — try ${first} help` : ''}.`;
}

function keepAtBottom() {
  const list = $('messages');
  if (S.stickToBottom !== false) list.scrollTop = list.scrollHeight;
}

/* ---------- views: modal and App Home ---------- */

function collectState(readers) {
  const values = {};
  for (const r of readers ?? []) {
    (values[r.blockId] ??= {})[r.actionId] = { type: r.type, ...r.read() };
  }
  return values;
}

function renderModal() {
  const root = $('modal-root');
  const top = S.views.modals.at(-1);
  if (!top) {
    if (S.modal && wide() && !$('conversation').hidden) $('composer').focus();
    root.replaceChildren();
    S.modal = null;
    return;
  }
  const key = JSON.stringify([top, S.views.modals.length]);
  if (S.modal?.key === key) return;
  // Slack keeps what the person typed when a view is updated in place (same view id and block ids).
  const same = S.modal?.viewId === top.id;
  const prior = same ? collectState(S.modal.readers) : top.state?.values ?? {};
  const focused = document.activeElement?.closest?.('#modal-root [data-block-id]');
  const focusKey = focused && `[data-block-id="${CSS.escape(focused.dataset.blockId)}"][data-action-id="${CSS.escape(focused.dataset.actionId ?? '')}"]`;
  const ctx = { where: 'modal', viewId: top.id, readers: [], prior, errors: top.errors ?? {} };
  const submit = top.submit ? textOf(top.submit) : null;
  const overlay = h('div', { class: 'overlay', 'data-testid': 'modal-overlay' },
    h('form', {
      class: 'modal', 'data-testid': 'modal', 'data-view-id': top.id, 'data-callback-id': top.callback_id ?? '',
      role: 'dialog', 'aria-modal': 'true', novalidate: true,
      onsubmit: (e) => (e.preventDefault(), submit && submitModal()),
    },
      h('div', { class: 'modal-head' },
        S.views.modals.length > 1 ? h('span', { class: 'stack-depth', title: 'Views in this modal' }, `${S.views.modals.length}`) : null,
        h('h2', { class: 'modal-title', 'data-testid': 'modal-title' }, emojify(textOf(top.title))),
        h('button', { type: 'button', class: 'icon-btn', 'data-testid': 'modal-x', 'aria-label': 'Close', onclick: closeModal }, '✕'),
      ),
      h('div', { class: 'modal-body' }, renderBlocks(top.blocks, ctx)),
      h('div', { class: 'modal-error', 'data-testid': 'modal-error', role: 'alert', hidden: true }),
      h('div', { class: 'modal-foot' },
        h('button', { type: 'button', class: 'btn', 'data-testid': 'modal-close', onclick: closeModal }, textOf(top.close) || 'Cancel'),
        submit ? h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'modal-submit' }, submit) : null,
      ),
    ),
  );
  // A plain Enter in a single-line input must not submit the form (Slack submits only with the button).
  overlay.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target.tagName === 'INPUT' && e.target.type !== 'submit') e.preventDefault();
  });
  root.replaceChildren(overlay);
  S.modal = { key, viewId: top.id, readers: ctx.readers };
  const first = same || !wide() ? null : root.querySelector('.block-input :is(input[type="text"]:not(.ta-input), textarea)');
  ((focusKey && root.querySelector(focusKey)) || first)?.focus();
}

/** Slack checks required inputs and number bounds before sending the submission. */
function validate(readers, values) {
  const errors = {};
  for (const r of readers) {
    if (r.block?.type !== 'input') continue;
    const st = values[r.blockId][r.actionId];
    const empty = Object.entries(st).every(([k, v]) => k === 'type' || v === null || v === '' || (Array.isArray(v) && !v.length));
    if (empty && !r.block.optional) errors[r.blockId] = 'Please complete this required field.';
    if (!empty && r.type === 'number_input') {
      const n = Number(st.value);
      if (!Number.isFinite(n) || (!r.el.is_decimal_allowed && !Number.isInteger(n))) errors[r.blockId] = r.el.is_decimal_allowed ? 'Please enter a number.' : 'Please enter a whole number.';
      else if (r.el.min_value !== undefined && n < Number(r.el.min_value)) errors[r.blockId] = `Please enter a number of at least ${r.el.min_value}.`;
      else if (r.el.max_value !== undefined && n > Number(r.el.max_value)) errors[r.blockId] = `Please enter a number of at most ${r.el.max_value}.`;
    }
  }
  return errors;
}

function showErrors(errors) {
  const root = $('modal-root');
  for (const n of root.querySelectorAll('.input-error')) n.remove();
  for (const n of root.querySelectorAll('.has-error')) n.classList.remove('has-error');
  const stray = [];
  for (const [blockId, message] of Object.entries(errors ?? {})) {
    const block = root.querySelector(`.block-input[data-block-id="${CSS.escape(blockId)}"]`);
    if (!block) {
      stray.push(message);
      continue;
    }
    block.classList.add('has-error');
    block.append(errorNode(message));
  }
  showModalError(stray.join(' '));
  root.querySelector('.has-error')?.scrollIntoView({ block: 'nearest' });
}

function showModalError(text) {
  const el = document.querySelector('#modal-root [data-testid="modal-error"]');
  if (!el) return text && toast(text, true);
  el.textContent = text ?? '';
  el.hidden = !text;
}

async function submitModal() {
  const modal = S.modal;
  if (!modal) return;
  const values = collectState(modal.readers);
  const local = validate(modal.readers, values);
  if (Object.keys(local).length) return showErrors(local);
  const button = document.querySelector('#modal-root [data-testid="modal-submit"]');
  if (button) button.disabled = true;
  const r = await post('/submit', { user: S.user, viewId: modal.viewId, values });
  if (button?.isConnected) button.disabled = false;
  if (r.ok === false) {
    if (r.errors) showErrors(r.errors);
    else showModalError(r.error ?? 'The submission failed.');
    return;
  }
  showErrors({});
  loadViews();
}

async function closeModal() {
  const modal = S.modal;
  if (!modal) return;
  const r = await post('/close', { user: S.user, viewId: modal.viewId });
  if (r.ok === false) showModalError(r.error ?? 'Could not close the modal.');
  loadViews();
}

function renderHome() {
  const root = $('home');
  const home = S.views.home;
  const key = JSON.stringify([home, S.user]);
  if (S.homeKey === key) return;
  S.homeKey = key;
  if (!home) return root.replaceChildren(h('div', { class: 'empty' }, 'SFA has not published a Home tab for you yet.'));
  const ctx = { where: 'home', viewId: home.id, readers: [], prior: home.state?.values ?? {} };
  root.replaceChildren(h('div', { class: 'home-inner' }, renderBlocks(home.blocks, ctx)));
}

/* ---------- loading and navigation ---------- */

function currentChannel() {
  if (S.nav.kind === 'dm') return dmId(S.user);
  return S.nav.kind === 'channel' ? S.nav.id : null;
}

async function loadConversation() {
  const channel = currentChannel();
  if (!channel) return;
  const mine = ++S.seq.conv;
  const data = await get('/conversation', { user: S.user, channel });
  if (mine !== S.seq.conv || channel !== currentChannel()) return;
  if (data.ok === false) return toast(`Could not load messages: ${data.error}`, true);
  S.messages = data.messages ?? [];
  renderMessages();
}

async function loadViews() {
  const mine = ++S.seq.views;
  const data = await get('/views', { user: S.user });
  if (mine !== S.seq.views) return;
  if (data.ok === false) return toast(`Could not load views: ${data.error}`, true);
  S.views = { modals: data.modals ?? [], home: data.home ?? null };
  renderModal();
  renderHome();
}

function navigate(nav) {
  S.nav = nav;
  const channel = currentChannel();
  if (channel) S.unread.delete(channel);
  const isHome = nav.kind === 'home';
  $('conversation').hidden = isHome;
  $('home').hidden = !isHome;
  const chName = nav.kind === 'channel' ? channelName(nav.id) : '';
  $('title').textContent = isHome ? 'SFA — Home' : nav.kind === 'dm' ? 'SFA (bot)' : `# ${chName}`;
  $('subtitle').textContent = isHome ? 'App Home' : nav.kind === 'dm' ? 'Direct message with the bot' : 'Channel';
  $('composer').placeholder = `Message ${nav.kind === 'dm' ? 'SFA' : '#' + chName} — Type / for commands`;
  renderNav();
  drawer(false);
  if (isHome) {
    // Slack sends app_home_opened when the tab is opened; the bot publishes the Home view then.
    post('/home', { user: S.user }).then((r) => r.ok !== false && loadViews());
    renderHome();
  } else {
    S.messages = [];
    S.msgCache = new Map();
    S.stickToBottom = true;
    $('messages').replaceChildren();
    loadConversation();
    if (wide()) $('composer').focus();
  }
}

function renderNav() {
  const mark = (el, active, unread) => {
    el.classList.toggle('active', active);
    el.toggleAttribute('aria-current', active);
    el.classList.toggle('unread', unread);
    el.dataset.unread = String(unread);
  };
  mark($('nav-home'), S.nav.kind === 'home', false);
  mark($('nav-dm'), S.nav.kind === 'dm', S.unread.has(dmId(S.user)));
  for (const btn of $('nav-channels').children) {
    mark(btn, S.nav.kind === 'channel' && S.nav.id === btn.dataset.channelId, S.unread.has(btn.dataset.channelId));
  }
}

function switchUser(id) {
  S.user = id;
  localStorage.setItem(STORAGE_USER, id);
  S.modal = null;
  S.homeKey = null;
  S.views = { modals: [], home: null };
  S.unread.clear();
  $('modal-root').replaceChildren();
  connectStream();
  navigate(S.nav);
  loadViews();
}

function connectStream() {
  S.source?.close();
  const status = $('stream-status');
  const es = new EventSource(`${API}/stream?${new URLSearchParams({ user: S.user })}`);
  S.source = es;
  let dropped = false;
  const setState = (state, title) => ((status.dataset.state = state), (status.title = title));
  setState('connecting', 'Connecting…');
  const onEvent = (e) => {
    let ev;
    try {
      ev = JSON.parse(e.data);
    } catch {
      return;
    }
    if (ev.kind === 'conversation') {
      if (ev.channel === currentChannel()) loadConversation();
      else if (ev.channel) {
        S.unread.add(ev.channel);
        renderNav();
      }
    } else if (ev.kind === 'views' || ev.kind === 'home') loadViews();
  };
  es.onmessage = onEvent;
  for (const name of ['conversation', 'views', 'home']) es.addEventListener(name, onEvent);
  es.onopen = () => {
    setState('open', 'Live');
    if (dropped) loadConversation(), loadViews(); // catch up on what happened while disconnected
    dropped = false;
  };
  es.onerror = () => {
    dropped = true;
    setState('reconnecting', 'Reconnecting…');
    // EventSource retries by itself unless the server answered with an error status.
    if (es.readyState === EventSource.CLOSED) setTimeout(() => S.source === es && connectStream(), 2000);
  };
}

/* ---------- composer and slash commands ---------- */

const composer = { matches: [], active: 0, dismissed: false, sending: false };

function commandMatches(word) {
  const cmds = S.ws?.commands ?? [];
  const q = word.toLowerCase();
  const starts = cmds.filter((c) => c.name.slice(1).toLowerCase().startsWith(q));
  const contains = cmds.filter((c) => !starts.includes(c) && (c.name.toLowerCase().includes(q) || c.description.toLowerCase().includes(q)));
  return [...starts, ...contains];
}

function updateCompletion() {
  const ta = $('composer');
  const list = $('cmd-list');
  const typing = /^\/(\S*)$/.exec(ta.value);
  composer.matches = typing && !composer.dismissed ? commandMatches(typing[1]) : [];
  composer.active = Math.min(composer.active, Math.max(0, composer.matches.length - 1));
  list.hidden = composer.matches.length === 0;
  list.replaceChildren(
    ...composer.matches.map((c, i) =>
      h('div', {
        class: 'cmd-item', role: 'option', 'data-testid': 'command-option', 'data-command': c.name, 'aria-selected': String(i === composer.active),
        onmousedown: (e) => (e.preventDefault(), pickCommand(c)),
      }, h('span', { class: 'cmd-name' }, c.name), h('span', { class: 'cmd-desc' }, c.description)),
    ),
  );
  list.children[composer.active]?.scrollIntoView({ block: 'nearest' });
  const full = /^(\/\S+)\s/.exec(ta.value);
  const cmd = full && (S.ws?.commands ?? []).find((c) => c.name === full[1]);
  const hint = $('cmd-hint');
  hint.hidden = !cmd;
  if (cmd) hint.replaceChildren(h('span', { class: 'cmd-name' }, cmd.name), ` ${cmd.description} · try `, h('code', {}, `${cmd.name} help`));
}

function pickCommand(c) {
  const ta = $('composer');
  ta.value = c.name + ' ';
  ta.focus();
  ta.setSelectionRange(ta.value.length, ta.value.length);
  composer.active = 0;
  updateCompletion();
  autosize();
}

function autosize() {
  const ta = $('composer');
  ta.style.height = 'auto';
  ta.style.height = `${Math.min(ta.scrollHeight, 200)}px`;
}

function composerError(text) {
  const el = $('composer-error');
  el.textContent = text ?? '';
  el.hidden = !text;
}

async function sendComposer() {
  const ta = $('composer');
  const text = ta.value.trim();
  const channel = currentChannel();
  if (!text || !channel || composer.sending) return;
  composerError('');
  const name = text.startsWith('/') ? text.split(/\s/)[0] : null;
  if (name && S.ws.commands.length && !S.ws.commands.some((c) => c.name === name)) {
    return composerError(`${name} is not a valid command. Type / to see the commands.`);
  }
  composer.sending = true;
  $('send').disabled = true;
  const r = await post(name ? '/command' : '/message', { user: S.user, channel, text });
  composer.sending = false;
  $('send').disabled = false;
  if (r.ok === false) return composerError(r.error ?? 'Could not send.');
  ta.value = '';
  composer.dismissed = false;
  updateCompletion();
  autosize();
  S.stickToBottom = true;
  loadConversation();
}

function onComposerKey(e) {
  if (e.isComposing || e.keyCode === 229) return; // IME (e.g. Pinyin) is still composing
  const open = composer.matches.length > 0;
  if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
    const n = composer.matches.length;
    composer.active = (composer.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
    updateCompletion();
  } else if (open && (e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey) {
    pickCommand(composer.matches[composer.active]);
  } else if (open && e.key === 'Escape') {
    composer.dismissed = true;
    updateCompletion();
  } else if (e.key === 'Enter' && !e.shiftKey) {
    sendComposer();
  } else return;
  e.preventDefault();
}

/* ---------- start ---------- */

function userLabel(u) {
  const lang = u.locale === 'zh-CN' ? '简体中文' : 'English';
  return `${u.name} — ${[u.role, u.unit, lang].filter(Boolean).join(' · ')}`;
}

function drawer(open) {
  $('sidebar').classList.toggle('open', open);
  $('scrim').hidden = !open;
}

function wire() {
  $('nav-home').addEventListener('click', () => navigate({ kind: 'home' }));
  $('nav-dm').addEventListener('click', () => navigate({ kind: 'dm' }));
  $('user-switcher').addEventListener('change', (e) => switchUser(e.target.value));
  $('nav-toggle').addEventListener('click', () => drawer(true));
  $('scrim').addEventListener('click', () => drawer(false));
  $('composer-form').addEventListener('submit', (e) => (e.preventDefault(), sendComposer()));
  const ta = $('composer');
  ta.addEventListener('keydown', onComposerKey);
  ta.addEventListener('input', () => {
    if (!ta.value.startsWith('/')) composer.dismissed = false;
    composerError('');
    updateCompletion();
    autosize();
  });
  ta.addEventListener('blur', () => {
    composer.matches = [];
    $('cmd-list').hidden = true;
  });
  ta.addEventListener('focus', updateCompletion);
  const list = $('messages');
  list.addEventListener('scroll', () => (S.stickToBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60));
  document.addEventListener('click', closeMenus);
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    if ($('confirm-root').childElementCount) return; // the confirm dialog handles itself
    closeMenus();
    if (S.modal) closeModal();
    else drawer(false);
  });
  $('clock').addEventListener('click', async () => {
    const r = await post('/clock', { user: S.user });
    if (r.ok === false) toast(`⏰ ${r.error ?? 'Could not move the clock.'}`, true);
    else if (r.moved) toast(`⏰ Your next visit reminder will arrive in a few seconds (${r.moved} moved).`);
    else toast('⏰ You have no planned visit with a reminder to bring forward.');
  });
}

async function start() {
  wire();
  const ws = await get('/workspace', {});
  if (!ws.users?.length) {
    $('messages').replaceChildren(h('div', { class: 'empty error' }, `Could not load the workspace: ${ws.error ?? 'no users'}. Is the playground server running?`));
    return;
  }
  S.ws = { ...ws, channels: ws.channels ?? [], commands: ws.commands ?? [] };
  document.title = `${ws.team?.name ?? 'SFA'} — SFA playground`;
  $('ws-name').textContent = $('ws-name').title = ws.team?.name ?? 'SFA playground';
  $('user-switcher').replaceChildren(...ws.users.map((u) => h('option', { value: u.id }, userLabel(u))));
  $('nav-channels').replaceChildren(
    ...S.ws.channels.map((c) =>
      h('button', { type: 'button', class: 'nav-item', 'data-testid': `nav-channel-${c.name}`, 'data-channel-id': c.id, onclick: () => navigate({ kind: 'channel', id: c.id }) },
        h('span', { class: 'nav-icon' }, '#'), c.name),
    ),
  );
  const saved = localStorage.getItem(STORAGE_USER);
  const user = ws.users.find((u) => u.id === saved) ?? ws.users.find((u) => u.role === 'rep') ?? ws.users[0];
  $('user-switcher').value = user.id;
  switchUser(user.id);
  document.body.dataset.ready = 'true';
}

start();
