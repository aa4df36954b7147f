/** A tiny element builder: attributes as strings, children as nodes or text. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  el.append(...children);
  return el;
}

/** The element with `id`, which the page's HTML must have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

/** The page's two live regions: `status` (polite) and `alert` (a message with a next step). */
export function notices(): {
  announce: (text: string) => void;
  alert: (text: string | undefined, retry?: { label: string; run: () => void }) => void;
} {
  const status = byId("status");
  const alertBox = byId("alert");
  return {
    announce: (text) => {
      // Cleared first, so the same sentence twice is announced twice.
      status.textContent = "";
      setTimeout(() => (status.textContent = text), 50);
    },
    alert: (text, retry) => {
      // The region stays in the page (empty = invisible by CSS), so a new message is announced.
      if (text === undefined) {
        alertBox.replaceChildren();
        return;
      }
      const children: Node[] = [h("p", {}, text)];
      if (retry) {
        const button = h("button", { type: "button", class: "secondary" }, retry.label);
        button.addEventListener("click", () => {
          alertBox.replaceChildren();
          retry.run();
        });
        children.push(button);
      }
      alertBox.replaceChildren(...children);
    },
  };
}
