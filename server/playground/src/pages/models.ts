import { element } from '../lib/dom';
import type { Page } from './page';

export const modelsPage: Page = {
  title: 'Models',
  mount(root) {
    root.append(element('h1', {}, 'Models'));
  },
};
