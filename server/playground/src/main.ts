// The shell: navigation between pages (hash routes), the API-key dialog, and each page's mount.
import { apiKey, setApiKey, whenKeyNeeded } from './lib/api';
import type { Page } from './pages/page';
import './pages/page.css';
import { chatPage } from './pages/chat';
import { modelsPage } from './pages/models';
import { embeddingsPage } from './pages/embeddings';
import { classifyPage } from './pages/classify';
import { serverPage } from './pages/server';

const pages: Record<string, Page> = { chat: chatPage, models: modelsPage, embeddings: embeddingsPage, classify: classifyPage, server: serverPage };

const root = document.getElementById('page') as HTMLElement;
let unmount: (() => void) | undefined;

function route(): void {
  const name = location.hash.replace(/^#\/?/, '').split('/')[0] || 'chat';
  const page = pages[name] ?? pages.chat;
  unmount?.();
  root.replaceChildren();
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    if (a.dataset.page === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${page.title} · MicroAI`;
  unmount = page.mount(root) ?? undefined;
}

const dialog = document.getElementById('key-dialog') as HTMLDialogElement;
const input = document.getElementById('key-input') as HTMLInputElement;
const reason = document.getElementById('key-reason') as HTMLElement;

function askForKey(message?: string): void {
  if (dialog.open) return;
  if (message) reason.textContent = `${message} The key is kept in this tab only (session storage) and sent as a Bearer key.`;
  input.value = apiKey() ?? '';
  dialog.showModal();
  input.focus();
}

dialog.addEventListener('close', () => {
  if (dialog.returnValue === 'save' && input.value.trim()) setApiKey(input.value.trim());
  else if (dialog.returnValue === 'clear') setApiKey(null);
  else return;
  route(); // the page reloads what it shows with (or without) the key
});
document.getElementById('key-button')!.addEventListener('click', () => askForKey());
whenKeyNeeded(message => askForKey(message));

window.addEventListener('hashchange', route);
route();
