/**
 * Returns the page's element with id `id`.
 *
 * @throws Error when the page has no such element, which means index.html
 * and the scripts disagree.
 */
export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no element #${id}`);
  return found as T;
}

/** Sets the text of the element with id `id`. */
export function show(id: string, text: string): void {
  element(id).textContent = text;
}
