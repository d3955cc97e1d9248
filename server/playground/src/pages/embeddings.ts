import { element } from '../lib/dom';
import type { Page } from './page';

export const embeddingsPage: Page = {
  title: 'Embeddings',
  mount(root) {
    root.append(element('h1', {}, 'Embeddings'));
  },
};
