// Every request the page makes goes through here: to the server's own origin, with the API key
// when one is kept (session storage, Bearer), and errors read from whichever protocol's shape came back.

const KEY = 'microai.apiKey';

export function apiKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

/** An HTTP error with the server's message (OpenAI's {error:{message}}, Ollama's {error}, or the text). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly code?: string) {
    super(message);
  }
}

type KeyListener = (reason: string) => void;
let onKeyNeeded: KeyListener = () => {};
/** Called when the server answers 401 (the shell asks for a key). */
export function whenKeyNeeded(listener: KeyListener): void {
  onKeyNeeded = listener;
}

function headers(extra?: HeadersInit): Headers {
  const h = new Headers(extra);
  const key = apiKey();
  if (key && !h.has('Authorization')) h.set('Authorization', `Bearer ${key}`);
  return h;
}

async function failure(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let message = text || `${response.status} ${response.statusText}`;
  let code: string | undefined;
  try {
    const body = JSON.parse(text);
    const e = body?.error;
    if (typeof e === 'string') message = e;
    else if (e && typeof e.message === 'string') { message = e.message; code = e.code ?? e.type; }
  } catch { /* not JSON: the text says it */ }
  if (response.status === 401) onKeyNeeded(message);
  return new ApiError(response.status, message, code);
}

/** fetch on the same origin with the key; throws ApiError unless 2xx. */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  if (!path.startsWith('/')) throw new Error(`Only same-origin paths: ${path}`);
  const response = await fetch(path, { ...init, headers: headers(init.headers), credentials: 'omit' });
  if (!response.ok) throw await failure(response);
  return response;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await request(path, { signal })).json() as Promise<T>;
}

export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const response = await request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' }, signal });
  return response.json() as Promise<T>;
}

/**
 * POSTs and reads the answer as server-sent events (OpenAI's `data: {…}` lines, ending with
 * `data: [DONE]`), calling `onEvent` with each parsed JSON object as it arrives.
 */
export async function postStream(path: string, body: unknown, onEvent: (data: any) => void, signal?: AbortSignal): Promise<void> {
  const response = await request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' }, signal });
  await readEvents(response, onEvent);
}

/** Reads SSE `data:` payloads (JSON) or NDJSON lines from a streamed body. */
export async function readEvents(response: Response, onEvent: (data: any) => void): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).trim();
      buffer = buffer.slice(end + 1);
      const payload = line.startsWith('data:') ? line.slice(5).trim() : line.startsWith('{') ? line : '';
      if (!payload || payload === '[DONE]') continue;
      const data = JSON.parse(payload);
      if (data?.error) throw new ApiError(200, typeof data.error === 'string' ? data.error : data.error.message ?? 'The server reported an error.');
      onEvent(data);
    }
  }
}

/** The server's models as /v1/models lists them (with MicroAI's metadata). */
export interface ModelInfo {
  id: string;
  owned_by: string;
  metadata?: {
    format?: string; size?: number; capabilities?: string[]; loaded?: boolean; quantization?: string;
    parameters?: number; context_length?: number; served_by?: string; [key: string]: unknown;
  };
}

export async function listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
  return (await getJson<{ data: ModelInfo[] }>('/v1/models', signal)).data;
}
