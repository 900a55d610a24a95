/** Small DOM helpers: the page builds its few elements by hand rather than with a framework. */

type Child = Node | string | number | null | undefined | false;

export interface ElementProps {
  class?: string;
  text?: string;
  title?: string;
  /** Other attributes, set as they are. */
  attrs?: Record<string, string>;
}

/** An element with its class, text, attributes and children; text is always set as text, never as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.title) node.title = props.title;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'number' ? String(child) : child);
  }
  return node;
}

/** The element with this id, which the page's HTML is known to have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

/** The page's SVG element with this id; a page without it is a build error, reported as one. */
export function svgById(id: string): SVGSVGElement {
  const node = document.getElementById(id);
  if (!(node instanceof SVGSVGElement)) throw new Error(`the page has no <svg id="${id}">`);
  return node;
}

/** Set an element's text only when it changed (keeps selections and screen readers calm). */
export function setText(node: Element, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
