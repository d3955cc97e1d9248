// Conversations kept in this browser (localStorage), and their JSON export/import. Nothing here is
// sent anywhere: a conversation goes to the server only as the messages of the next request.

export interface ToolCall { id?: string; name: string; arguments: string }

/** What one answer took: time to first token, speed, tokens (usage, or chunks counted when stopped), and which side answered. */
export interface Figures { ttftMs?: number; tokensPerSecond?: number; tokens?: number; counted?: boolean; servedBy?: string }

export interface Message {
  role: 'user' | 'assistant';
  content: string;
  toolCalls?: ToolCall[];
  model?: string;
  figures?: Figures;
  stopped?: boolean;
  error?: string;
}

/** Sampling fields as typed (empty: the server's default), the system prompt, and tool definitions as JSON text. */
export interface Settings { system: string; temperature: string; top_p: string; max_tokens: string; seed: string; tools: string; tool_choice: string }

export interface Conversation { id: string; title: string; model: string; settings: Settings; messages: Message[]; updated: number }

const LIST = 'microai.chat.conversations';
const CURRENT = 'microai.chat.current';

// Not crypto.randomUUID: that exists only in secure contexts, and the page may be opened as http://<LAN address>.
const newId = (): string => Date.now().toString(36) + Math.random().toString(36).slice(2, 10);

export const defaultSettings = (): Settings => ({ system: '', temperature: '', top_p: '', max_tokens: '', seed: '', tools: '', tool_choice: 'auto' });

export function newConversation(from?: Conversation): Conversation {
  return { id: newId(), title: 'New conversation', model: from?.model ?? '', settings: { ...(from?.settings ?? defaultSettings()) }, messages: [], updated: Date.now() };
}

export function loadConversations(): Conversation[] {
  try {
    const stored = JSON.parse(localStorage.getItem(LIST) ?? '[]');
    return Array.isArray(stored) ? stored.map(checked).filter((c): c is Conversation => c !== null) : [];
  } catch {
    return [];
  }
}

export function saveConversations(list: Conversation[]): void {
  try {
    localStorage.setItem(LIST, JSON.stringify(list));
  } catch {
    // Storage full or disabled (private windows): the page still works, it just forgets on reload.
  }
}

export const currentId = (): string | null => localStorage.getItem(CURRENT);
export const setCurrentId = (id: string): void => localStorage.setItem(CURRENT, id);

export const titleOf = (text: string): string => text.replace(/\s+/g, ' ').trim().slice(0, 48) || 'New conversation';

/** The export file: a marker, a version, and the conversations. */
export function exportJson(list: Conversation[]): string {
  return JSON.stringify({ format: 'microai-chat', version: 1, conversations: list }, null, 2);
}

/** Conversations from an export (or one bare conversation), each given a new id; throws when nothing valid is found. */
export function importJson(text: string): Conversation[] {
  const data = JSON.parse(text);
  const items = Array.isArray(data?.conversations) ? data.conversations : [data];
  const list = items.map(checked).filter((c: Conversation | null): c is Conversation => c !== null);
  if (!list.length) throw new Error('No conversation found in this file (expected {"conversations":[{"messages":[…]}]}).');
  return list.map((c: Conversation) => ({ ...c, id: newId() }));
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Keeps only the fields and types this page writes: stored or imported data is never trusted as shaped. */
function checked(c: any): Conversation | null {
  if (!c || typeof c !== 'object' || !Array.isArray(c.messages)) return null;
  const messages: Message[] = c.messages
    .filter((m: any) => m && (m.role === 'user' || m.role === 'assistant'))
    .map((m: any): Message => ({
      role: m.role,
      content: str(m.content),
      toolCalls: Array.isArray(m.toolCalls) ? m.toolCalls.map((t: any) => ({ id: str(t?.id) || undefined, name: str(t?.name), arguments: str(t?.arguments) })) : undefined,
      model: str(m.model) || undefined,
      figures: m.figures && typeof m.figures === 'object'
        ? { ttftMs: num(m.figures.ttftMs), tokensPerSecond: num(m.figures.tokensPerSecond), tokens: num(m.figures.tokens), counted: m.figures.counted === true, servedBy: str(m.figures.servedBy) || undefined }
        : undefined,
      stopped: m.stopped === true || undefined,
      error: str(m.error) || undefined,
    }));
  const settings = defaultSettings();
  for (const k of Object.keys(settings) as (keyof Settings)[]) settings[k] = str(c.settings?.[k], settings[k]);
  return { id: str(c.id) || newId(), title: str(c.title) || titleOf(messages.find(m => m.role === 'user')?.content ?? ''), model: str(c.model), settings, messages, updated: num(c.updated) ?? Date.now() };
}
