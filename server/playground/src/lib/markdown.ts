// A small Markdown renderer for model answers that builds DOM nodes from text: every piece of the
// source ends up in a text node or an attribute we chose, never parsed as HTML, so an answer that
// says <img onerror=…> or <script> shows those characters. It covers what chat models write —
// fenced code, inline code, bold/italic/strikethrough, headings, lists, quotes, rules, links — and
// copes with half-written input, since it re-renders an answer on every streamed token.

const fence = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const heading = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const bullet = /^ {0,3}([-*+])\s+(.*)$/;
const ordered = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/;
const rule = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const quote = /^ {0,3}>\s?(.*)$/;

/** Renders Markdown source as a fragment of elements and text nodes. */
export function renderMarkdown(source: string): DocumentFragment {
  const out = document.createDocumentFragment();
  blocks(source.replace(/\r\n?/g, '\n').split('\n'), out);
  return out;
}

function blocks(lines: string[], parent: Node): void {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m: RegExpExecArray | null;
    if (!line.trim()) { i++; continue; }
    if ((m = fence.exec(line))) {
      // An unclosed fence runs to the end: that is how a code block looks while it streams in.
      const marker = m[1];
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(marker); i++) body.push(lines[i]);
      i++;
      const code = el('code', body.join('\n'));
      if (m[2]) code.dataset.lang = m[2];
      const pre = el('pre');
      pre.append(code);
      if (m[2]) pre.setAttribute('aria-label', `${m[2]} code`);
      parent.appendChild(pre);
      continue;
    }
    if ((m = heading.exec(line))) {
      // The page's own headings take h1 and h2: an answer's # is an h3.
      const h = el(`h${Math.min(6, m[1].length + 2)}` as 'h3');
      inline(m[2], h);
      parent.appendChild(h);
      i++;
      continue;
    }
    if (rule.test(line)) { parent.appendChild(el('hr')); i++; continue; }
    if (quote.test(line)) {
      const inner: string[] = [];
      for (; i < lines.length && (m = quote.exec(lines[i])); i++) inner.push(m[1]);
      const q = el('blockquote');
      blocks(inner, q);
      parent.appendChild(q);
      continue;
    }
    if (bullet.test(line) || ordered.test(line)) { i = list(lines, i, parent); continue; }
    const para: string[] = [];
    for (; i < lines.length && lines[i].trim() && !startsBlock(lines[i]); i++) para.push(lines[i].trim());
    const p = el('p');
    para.forEach((text, n) => {
      if (n > 0) p.appendChild(el('br'));
      inline(text, p);
    });
    parent.appendChild(p);
  }
}

function startsBlock(line: string): boolean {
  return fence.test(line) || heading.test(line) || rule.test(line) || quote.test(line) || bullet.test(line) || ordered.test(line);
}

/** One list (bullets or numbers) from line i; indented lines belong to the item above them (nested lists, code). Returns the next line. */
function list(lines: string[], i: number, parent: Node): number {
  const numbered = !bullet.test(lines[i]);
  const itemPattern = numbered ? ordered : bullet;
  const first = itemPattern.exec(lines[i])!;
  const ol = el(numbered ? 'ol' : 'ul');
  if (numbered && first[1] !== '1') ol.setAttribute('start', String(Number(first[1])));
  while (i < lines.length) {
    const m = itemPattern.exec(lines[i]);
    if (!m) break;
    const item: string[] = [m[2]];
    for (i++; i < lines.length; i++) {
      const next = lines[i];
      if (!next.trim()) {
        // A blank line continues the item only if indented text follows it.
        if (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1])) { item.push(''); continue; }
        break;
      }
      if (/^\s{2,}/.test(next)) item.push(next.replace(/^\s{2,4}/, ''));
      else if (itemPattern.test(next) || startsBlock(next)) break;
      else item.push(next.trim()); // a lazy continuation of the item's text
    }
    const li = el('li');
    if (item.length === 1) inline(item[0], li);
    else blocks(item, li);
    ol.appendChild(li);
    if (i < lines.length && !lines[i].trim()) {
      // Items separated by a blank line are still one list.
      if (i + 1 < lines.length && itemPattern.test(lines[i + 1])) i++;
      else break;
    }
  }
  parent.appendChild(ol);
  return i;
}

const escapable = /[\\`*_{}[\]()#+\-.!~>|<]/;

/** Inline spans of one block's text: code, strong, em, del, links (http/https only) and bare URLs. */
function inline(text: string, parent: Node): void {
  let plain = '';
  const flush = () => { if (plain) { parent.appendChild(document.createTextNode(plain)); plain = ''; } };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const rest = text.slice(i);
    let m: RegExpExecArray | null = null;
    if (c === '\\' && escapable.test(text[i + 1] ?? '')) { plain += text[i + 1]; i += 2; continue; }
    if (c === '`' && (m = /^(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/.exec(rest))) {
      flush();
      parent.appendChild(el('code', m[2]));
    } else if ((c === '*' || c === '_') && (m = /^(\*\*|__)(?=\S)([\s\S]*?\S)\1/.exec(rest)) && wordStart(text, i, c)) {
      flush();
      inline(m[2], parent.appendChild(el('strong')));
    } else if ((c === '*' || c === '_') && (m = /^([*_])(?=[^\s*_])([\s\S]*?[^\s\\])\1(?![*_\w])/.exec(rest)) && wordStart(text, i, c)) {
      flush();
      inline(m[2], parent.appendChild(el('em')));
    } else if (c === '~' && (m = /^~~(?=\S)([\s\S]*?\S)~~/.exec(rest))) {
      flush();
      inline(m[1], parent.appendChild(el('del')));
    } else if (c === '[' && (m = /^\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^\s)>]*)>?(?:\s+"[^"]*")?\s*\)/.exec(rest))) {
      const href = safeHref(m[2]);
      if (href) {
        flush();
        inline(m[1], parent.appendChild(link(href)));
      } else {
        // Not http(s): the link text alone, so a javascript: or data: URL never becomes clickable.
        plain += m[1];
      }
    } else if (c === 'h' && !/\w/.test(text[i - 1] ?? '') && (m = /^https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]]/.exec(rest)) && safeHref(m[0])) {
      flush();
      parent.appendChild(link(safeHref(m[0])!)).textContent = m[0];
    }
    if (m) { i += m[0].length; continue; }
    plain += c;
    i++;
  }
  flush();
}

/** `_` inside a word (snake_case) is not emphasis; `*` may be. */
function wordStart(text: string, i: number, c: string): boolean {
  return c === '*' || !/\w/.test(text[i - 1] ?? '');
}

function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function link(href: string): HTMLAnchorElement {
  const a = el('a');
  a.href = href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  return e;
}
