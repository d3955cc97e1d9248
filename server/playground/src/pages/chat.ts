import { element } from '../lib/dom';
import type { Page } from './page';

export const chatPage: Page = {
  title: 'Chat',
  mount(root) {
    root.append(element('h1', {}, 'Chat'));
  },
};
