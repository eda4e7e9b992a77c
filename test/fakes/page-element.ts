/**
 * The part of a DOM element that the callbacks tests hand to Playwright's evaluate read. Those
 * callbacks run in the browser, but the root tsconfig has no DOM lib (tests run in Node), so
 * `Element` would be `any` there.
 */
export interface PageElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  readonly textContent: string | null;
}
