import { element } from '../lib/dom';
import type { Page } from './page';

export const serverPage: Page = {
  title: 'Server',
  mount(root) {
    root.append(element('h1', {}, 'Server'));
  },
};
