// Adds highlighting, a copy button and a wrap toggle to the code blocks of a settled answer block (DOM work, once per block).
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
  for (const code of codes) addTools(code);
  void loadHighlighter().then((hljs) => {
    for (const code of codes) {
      if (!code.isConnected) continue;
      const lang = /\blanguage-([\w+#-]+)/.exec(code.className)?.[1];
      if (lang && hljs.getLanguage(lang)) hljs.highlightElement(code);
    }
  });
}

/**
 * Code wraps its long lines by default: every line stays in view in a narrow panel, and a code block that
 * scrolls sideways costs each frame while the answer streams (hundreds of them in a long answer). The
 * Wrap toggle turns one block back into the exact layout, scrolling sideways.
 */
function addTools(code: HTMLElement): void {
  const pre = code.parentElement!;
  const tools = document.createElement('div');
  tools.className = 'code-tools';
  tools.append(wrapToggle(pre), copyButton(code));
  pre.prepend(tools);
}

function wrapToggle(pre: HTMLElement): HTMLButtonElement {
  const button = toolButton('Wrap', 'Wrap long lines of this code');
  button.title = 'Wrap long lines (off: the code scrolls sideways)';
  button.setAttribute('aria-pressed', 'true');
  button.addEventListener('click', () => {
    const scrolls = pre.classList.toggle('nowrap');
    button.setAttribute('aria-pressed', String(!scrolls));
  });
  return button;
}

function copyButton(code: HTMLElement): HTMLButtonElement {
  const button = toolButton('Copy', 'Copy this code');
  button.addEventListener('click', async () => {
    await navigator.clipboard.writeText(code.textContent ?? '');
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = 'Copy'), 1200);
  });
  return button;
}

function toolButton(text: string, label: string): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = text;
  button.setAttribute('aria-label', label);
  return button;
}
