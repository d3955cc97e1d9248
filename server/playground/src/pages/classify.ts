import { element } from '../lib/dom';
import type { Page } from './page';

export const classifyPage: Page = {
  title: 'Classify',
  mount(root) {
    root.append(element('h1', {}, 'Classify'));
  },
};
