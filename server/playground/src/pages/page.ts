/** One section of the page: mount() builds it into root and returns what stops its timers and requests. */
export interface Page {
  title: string;
  mount(root: HTMLElement): (() => void) | void;
}
