// Chat: pick a text model, stream answers from /v1/chat/completions, stop, regenerate, tune the
// sampling, see tool calls and per-answer figures; conversations stay in this browser.
import { listModels, readEvents, request, type ModelInfo } from '../lib/api';
import { element, field, formatBytes } from '../lib/dom';
import { renderMarkdown } from '../lib/markdown';
import {
  currentId, exportJson, importJson, loadConversations, newConversation, saveConversations, setCurrentId, titleOf,
  type Conversation, type Figures, type Message, type Settings, type ToolCall,
} from '../lib/chat-store';
import type { Page } from './page';
import './chat.css';

type State = 'streaming' | 'done' | 'stopped' | 'error';

/** Why a model cannot chat, or null when it can: text models (completion/chat), and forwarded ones, which list no capabilities. */
function unusable(m: ModelInfo): string | null {
  const meta = m.metadata;
  if (typeof meta?.error === 'string') return `unavailable: ${meta.error}`;
  const caps = meta?.capabilities;
  if (!caps || caps.includes('completion') || caps.includes('chat')) return null;
  return `${caps.join(', ') || 'no capabilities'} only: not a text model`;
}

function describe(m: ModelInfo): string {
  const meta = m.metadata ?? {};
  if (!meta.capabilities) return `served by ${meta.served_by ?? m.owned_by}`;
  return [meta.format, meta.size ? formatBytes(meta.size) : '', meta.capabilities.join(', '), meta.loaded ? 'loaded' : ''].filter(Boolean).join(' · ');
}

function figuresText(f: Figures): string {
  return [
    f.servedBy,
    f.tokens !== undefined ? `${f.tokens} tokens${f.counted ? ' (chunks counted)' : ''}` : '',
    f.ttftMs !== undefined ? `${Math.round(f.ttftMs)} ms to first token` : '',
    f.tokensPerSecond !== undefined ? `${f.tokensPerSecond.toFixed(1)} tokens/s` : '',
  ].filter(Boolean).join(' · ');
}

function prettyJson(text: string): string {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

/** A message as the API takes it; an answer that called tools carries its calls. */
function toWire(m: Message): object {
  if (m.role === 'assistant' && m.toolCalls?.length) {
    return { role: 'assistant', content: m.content || null, tool_calls: m.toolCalls.map((t, i) => ({ id: t.id || `call_${i}`, type: 'function', function: { name: t.name, arguments: t.arguments } })) };
  }
  return { role: m.role, content: m.content };
}

const numeric: [keyof Settings, string][] = [['temperature', 'Temperature'], ['top_p', 'Top p'], ['max_tokens', 'Max tokens'], ['seed', 'Seed']];

/** The request's optional fields from the settings: empty means the server's default. Throws on what the server would refuse as malformed. */
function options(s: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, label] of numeric) {
    if (!s[k].trim()) continue;
    const v = Number(s[k]);
    if (!Number.isFinite(v)) throw new Error(`${label} is not a number.`);
    out[k] = v;
  }
  if (s.tools.trim()) {
    let tools: unknown;
    try { tools = JSON.parse(s.tools); } catch (e) { throw new Error(`The tool definitions are not JSON: ${(e as Error).message}`); }
    out.tools = Array.isArray(tools) ? tools : [tools];
    out.tool_choice = s.tool_choice;
  }
  return out;
}

export const chatPage: Page = {
  title: 'Chat',
  mount(root) {
    const conversations = loadConversations();
    let current = conversations.find(c => c.id === currentId()) ?? conversations[0];
    if (!current) conversations.push(current = newConversation());
    let models: ModelInfo[] = [];
    let running: AbortController | null = null;
    let frame = 0;
    const lifetime = new AbortController();

    const save = () => { saveConversations(conversations); setCurrentId(current.id); };
    const status = element('p', { class: 'chat-status muted', role: 'status' });
    const say = (text: string, error = false) => { status.textContent = text; status.classList.toggle('error', error); };

    // Conversations
    const list = element('ul', { class: 'chat-list' });
    const importInput = element('input', { type: 'file', accept: 'application/json,.json', class: 'visually-hidden', tabindex: -1, onchange: () => void importFile() });
    const conversationsPanel = element('aside', { class: 'chat-side panel', 'aria-labelledby': 'chat-conv-title' },
      element('h2', { id: 'chat-conv-title' }, 'Conversations'),
      element('button', { type: 'button', onclick: () => select(newConversation(current), true) }, 'New conversation'),
      list,
      element('div', { class: 'row' },
        element('button', { type: 'button', class: 'quiet', onclick: () => exportCurrent() }, 'Export'),
        element('button', { type: 'button', class: 'quiet', onclick: () => importInput.click() }, 'Import'),
        element('div', { class: 'visually-hidden' }, field('Import conversations (JSON file)', importInput))));

    // Model, messages, composer
    const modelGroup = element('div', { class: 'chat-models', role: 'group', 'aria-labelledby': 'chat-model-title' }, element('span', { class: 'muted' }, 'Loading models…'));
    const log = element('div', { class: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages', tabindex: 0 });
    const input = element('textarea', { rows: 3, placeholder: 'Message: Enter sends, Shift+Enter starts a new line, Escape stops the answer' });
    const send = element('button', { type: 'submit' }, 'Send');
    const stop = element('button', { type: 'button', class: 'danger', disabled: true, onclick: () => running?.abort() }, 'Stop');
    const regenerate = element('button', { type: 'button', class: 'quiet', onclick: () => void ask(null) }, 'Regenerate');
    const composer = element('form', { class: 'chat-composer', onsubmit: (e: Event) => { e.preventDefault(); submit(); } },
      field('Message', input), element('div', { class: 'row' }, send, stop, regenerate, status));
    input.addEventListener('keydown', e => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
      else if (e.key === 'Escape' && running) { e.preventDefault(); running.abort(); }
    });

    // Settings, bound to the current conversation's
    const controls = {
      system: element('textarea', { rows: 4, placeholder: 'You are a helpful assistant.' }),
      temperature: element('input', { type: 'number', min: 0, max: 2, step: 0.1, placeholder: 'default' }),
      top_p: element('input', { type: 'number', min: 0, max: 1, step: 0.05, placeholder: 'default' }),
      max_tokens: element('input', { type: 'number', min: 1, step: 1, placeholder: 'default' }),
      seed: element('input', { type: 'number', step: 1, placeholder: 'random' }),
      tools: element('textarea', { rows: 8, spellcheck: 'false', placeholder: '[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]' }),
      tool_choice: element('select', {}, ...['auto', 'required', 'none'].map(v => element('option', { value: v }, v))),
    } satisfies Record<keyof Settings, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>;
    for (const [k, control] of Object.entries(controls) as [keyof Settings, HTMLInputElement][]) {
      control.addEventListener('input', () => { current.settings[k] = control.value; save(); });
    }
    const settingsPanel = element('aside', { class: 'chat-side panel', 'aria-labelledby': 'chat-settings-title' },
      element('h2', { id: 'chat-settings-title' }, 'Settings'),
      field('System prompt', controls.system),
      element('div', { class: 'chat-numbers' }, ...numeric.map(([k, label]) => field(label, controls[k]))),
      element('details', {},
        element('summary', {}, 'Advanced: tools'),
        field('Tool definitions (JSON array, OpenAI format)', controls.tools),
        field('Tool choice', controls.tool_choice)));

    root.append(
      element('h1', {}, 'Chat'),
      element('div', { class: 'chat' },
        conversationsPanel,
        element('section', { class: 'chat-main' },
          element('h2', { id: 'chat-model-title' }, 'Model'), modelGroup, log, composer),
        settingsPanel));

    function renderList(): void {
      list.replaceChildren(...[...conversations].sort((a, b) => b.updated - a.updated).map(c => element('li', {},
        element('button', { type: 'button', class: 'quiet chat-open', 'aria-current': c === current ? 'true' : undefined, onclick: () => select(c) }, c.title),
        element('button', { type: 'button', class: 'quiet chat-delete', 'aria-label': `Delete “${c.title}”`, title: 'Delete', onclick: () => remove(c) }, '×'))));
    }

    function renderModels(): void {
      const usable = models.filter(m => !unusable(m));
      if (!usable.some(m => m.id === current.model)) current.model = usable[0]?.id ?? '';
      modelGroup.replaceChildren(...models.map(m => {
        const why = unusable(m);
        return element('button', { type: 'button', class: 'quiet chat-model', 'aria-pressed': String(m.id === current.model), disabled: why !== null, onclick: () => pick(m.id) },
          element('span', { class: 'chat-model-name' }, m.id), ' ', element('span', { class: 'chat-model-caps' }, why ?? describe(m)));
      }));
      if (!models.length) modelGroup.append(element('span', { class: 'muted' }, 'No models: add one on the Models page.'));
      else if (!usable.length) modelGroup.append(element('span', { class: 'muted' }, 'None of these models generates text, so none can chat.'));
    }

    function renderSettings(): void {
      for (const [k, control] of Object.entries(controls) as [keyof Settings, HTMLInputElement][]) control.value = current.settings[k];
    }

    function renderLog(): void {
      log.replaceChildren(...current.messages.map(m => fill(element('article', { class: 'chat-msg' }), m, m.error ? 'error' : m.stopped ? 'stopped' : 'done')));
      log.scrollTop = log.scrollHeight;
    }

    /** Builds one message's view: who, the text (Markdown for answers, as typed for the user), tool calls, figures. */
    function fill(view: HTMLElement, m: Message, state: State): HTMLElement {
      view.className = `chat-msg ${m.role}`;
      view.dataset.role = m.role;
      view.dataset.state = state;
      const body = element('div', { class: 'chat-text' });
      if (m.role === 'user') body.textContent = m.content;
      else body.append(renderMarkdown(m.content));
      for (const call of m.toolCalls ?? []) {
        body.append(element('div', { class: 'chat-tool', role: 'group', 'aria-label': `Tool call: ${call.name}` },
          element('p', {}, 'Tool call ', element('code', {}, call.name)),
          element('pre', {}, element('code', {}, prettyJson(call.arguments)))));
      }
      if (m.error) body.append(element('p', { class: 'error' }, m.error));
      const meta = element('p', { class: 'chat-meta' });
      if (state === 'streaming') meta.append(element('span', { class: 'chat-badge' }, 'answering…'));
      if (m.stopped) meta.append(element('span', { class: 'chat-badge stopped' }, 'stopped'));
      if (m.figures) meta.append(figuresText(m.figures));
      view.replaceChildren(element('p', { class: 'chat-who' }, m.role === 'user' ? 'You' : m.model ?? 'Assistant'), body, meta);
      return view;
    }

    function setBusy(busy: boolean): void {
      const focused = document.activeElement;
      send.disabled = regenerate.disabled = busy;
      stop.disabled = !busy;
      log.setAttribute('aria-busy', String(busy));
      // A button that goes disabled drops focus to the body; the message box is where a keyboard user goes on.
      if (focused instanceof HTMLButtonElement && focused.disabled) input.focus();
    }

    function submit(): void {
      const text = input.value;
      if (!running && text.trim()) void ask(text);
    }

    /** Asks with a new user turn, or (text null) re-asks the last user turn in place of the answer after it. */
    async function ask(text: string | null): Promise<void> {
      if (running) return;
      const conv = current;
      const model = models.find(m => m.id === conv.model && !unusable(m));
      if (!model) { say('Pick a text model first.', true); return; }
      let extra: Record<string, unknown>;
      try { extra = options(conv.settings); } catch (e) { say((e as Error).message, true); return; }
      if (text === null) {
        while (conv.messages.at(-1)?.role === 'assistant') conv.messages.pop();
        if (!conv.messages.length) { say('Nothing to regenerate yet.', true); return; }
      } else {
        conv.messages.push({ role: 'user', content: text });
        input.value = '';
        if (conv.messages.length === 1) conv.title = titleOf(text);
      }
      const history = conv.messages.filter(m => !m.error).map(toWire);
      const answer: Message = { role: 'assistant', content: '', model: model.id };
      conv.messages.push(answer);
      conv.updated = Date.now();
      save();
      renderList();
      renderLog();
      say('');
      const view = log.lastElementChild as HTMLElement;
      fill(view, answer, 'streaming');

      const system = conv.settings.system.trim();
      const body = {
        model: model.id,
        messages: system ? [{ role: 'system', content: system }, ...history] : history,
        stream: true,
        stream_options: { include_usage: true },
        ...extra,
      };
      const controller = running = new AbortController();
      setBusy(true);
      const calls: ToolCall[] = [];
      const started = performance.now();
      let first = 0;
      let chunks = 0;
      let usage: { completion_tokens?: number; served_by?: string } | undefined;
      let state: State = 'done';
      const show = () => {
        if (frame || conv !== current) return;
        // At most one render a frame: a fast model sends hundreds of tokens a second.
        frame = requestAnimationFrame(() => {
          frame = 0;
          const follow = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
          if (running === controller) fill(view, answer, 'streaming');
          if (follow) log.scrollTop = log.scrollHeight;
        });
      };
      try {
        const response = await request('/v1/chat/completions', {
          method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' }, signal: controller.signal,
        });
        const servedBy = response.headers.get('X-MicroAI-Served-By') ?? undefined;
        answer.figures = { servedBy };
        await readEvents(response, data => {
          if (data.usage) usage = data.usage;
          const delta = data.choices?.[0]?.delta;
          if (!delta) return;
          if (delta.content) { answer.content += delta.content; chunks++; }
          // OpenAI streams a call's name and arguments in pieces, keyed by index; MicroAI sends each whole.
          for (const t of delta.tool_calls ?? []) {
            const call = calls[t.index ?? calls.length] ??= { name: '', arguments: '' };
            if (t.id) call.id = t.id;
            call.name += t.function?.name ?? '';
            call.arguments += t.function?.arguments ?? '';
            answer.toolCalls = calls.filter(Boolean);
          }
          if ((delta.content || delta.tool_calls) && !first) first = performance.now();
          show();
        });
      } catch (e) {
        if (controller.signal.aborted) { answer.stopped = true; state = 'stopped'; }
        else { answer.error = (e as Error).message; state = 'error'; }
      }
      const ended = performance.now();
      // Usage counts tokens; without it (stopped, or an upstream that sends none) each content chunk is about one token.
      const tokens = usage?.completion_tokens ?? chunks;
      answer.figures = {
        servedBy: usage?.served_by ?? answer.figures?.servedBy,
        tokens,
        counted: usage?.completion_tokens === undefined,
        ttftMs: first ? first - started : undefined,
        // The first token's time is the prompt's; the rest arrived between it and the end.
        tokensPerSecond: first && tokens > 1 && ended > first ? (tokens - 1) / ((ended - first) / 1000) : undefined,
      };
      if (running === controller) running = null;
      conv.updated = Date.now();
      save();
      if (conv === current && !lifetime.signal.aborted) {
        cancelAnimationFrame(frame);
        frame = 0;
        fill(view, answer, state);
        log.scrollTop = log.scrollHeight;
        setBusy(false);
        if (state === 'error') say(answer.error!, true);
      }
    }

    function pick(id: string): void {
      current.model = id;
      save();
      renderModels();
    }

    function select(c: Conversation, created = false): void {
      running?.abort();
      running = null;
      if (created) conversations.push(c);
      // An untouched conversation left behind is only clutter in the list.
      if (c !== current && !current.messages.length && conversations.includes(current)) conversations.splice(conversations.indexOf(current), 1);
      current = c;
      save();
      renderList();
      renderModels();
      renderSettings();
      renderLog();
      setBusy(false);
      input.focus();
    }

    function remove(c: Conversation): void {
      conversations.splice(conversations.indexOf(c), 1);
      if (c !== current) { save(); renderList(); return; }
      const next = [...conversations].sort((a, b) => b.updated - a.updated)[0];
      select(next ?? newConversation(c), !next);
    }

    function exportCurrent(): void {
      // A download through an <a download> with a blob: URL is a navigation, which the page's CSP (connect-src 'self') does not govern.
      const url = URL.createObjectURL(new Blob([exportJson([current])], { type: 'application/json' }));
      const a = element('a', { href: url, download: `${current.title.replace(/[^\w -]+/g, '').trim() || 'conversation'}.json`, class: 'visually-hidden' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      say('Exported as JSON.');
    }

    async function importFile(): Promise<void> {
      const file = importInput.files?.[0];
      importInput.value = '';
      if (!file) return;
      try {
        const imported = importJson(await file.text());
        conversations.push(...imported);
        select(imported[0]);
        say(`Imported ${imported.length} conversation${imported.length === 1 ? '' : 's'}.`);
      } catch (e) {
        say(`Could not import ${file.name}: ${(e as Error).message}`, true);
      }
    }

    renderList();
    renderSettings();
    renderLog();
    listModels(lifetime.signal).then(list => {
      models = list;
      renderModels();
    }, e => {
      if (lifetime.signal.aborted) return;
      modelGroup.replaceChildren(element('span', { class: 'error' }, `Could not list the models: ${(e as Error).message}`));
    });

    return () => {
      lifetime.abort();
      running?.abort();
      cancelAnimationFrame(frame);
    };
  },
};
