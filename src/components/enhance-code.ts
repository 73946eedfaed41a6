// Adds highlighting and a copy button to the code blocks of a settled answer block (DOM work, once per block).
import { loadHighlighter } from '../lib/markdown/highlight.ts';

/**
 * An attachment that puts a settled, sanitized block into its element and enhances its code.
 * It sets the HTML itself so the code is there when it looks for it.
 */
export function settledBlock(html: string): (node: HTMLElement) => void {
  return (node) => {
    node.innerHTML = html;
    enhanceCode(node);
  };
}

function enhanceCode(block: HTMLElement): void {
  const codes = [...block.querySelectorAll<HTMLElement>('pre > code')];
  if (!codes.length) return;
  for (const code of codes) addCopyButton(code);
  void loadHighlighter().then((hljs) => {
    for (const code of codes) {
      if (!code.isConnected) continue;
      const lang = /\blanguage-([\w+#-]+)/.exec(code.className)?.[1];
      if (lang && hljs.getLanguage(lang)) hljs.highlightElement(code);
    }
  });
}

function addCopyButton(code: HTMLElement): void {
  const pre = code.parentElement!;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'copy-code';
  button.textContent = 'Copy';
  button.setAttribute('aria-label', 'Copy this code');
  button.addEventListener('click', async () => {
    await navigator.clipboard.writeText(code.textContent ?? '');
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = 'Copy'), 1200);
  });
  pre.prepend(button);
}
