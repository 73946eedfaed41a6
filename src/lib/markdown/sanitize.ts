// DOMPurify with a narrow allowlist; the only module of the markdown room that needs a DOM.
import DOMPurify, { type WindowLike } from 'dompurify';

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'em', 'strong', 'del', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'input', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'button', 'span',
];
const ALLOWED_ATTR = ['href', 'title', 'target', 'rel', 'class', 'type', 'checked', 'disabled', 'align', 'start', 'data-src', 'data-alt'];

const SAFE_LINK = /^(?:https?:|mailto:)/i;

export type Sanitize = (html: string) => string;

export function createSanitizer(window: WindowLike): Sanitize {
  const purify = DOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A') {
      // DOMPurify's URI check would also apply to plain values such as type="checkbox", so links are checked here
      if (!SAFE_LINK.test(node.getAttribute('href') ?? '')) node.removeAttribute('href');
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
    // only task-list checkboxes survive, and they cannot be ticked; a screen reader hears whether the task is done
    if (node.nodeName === 'INPUT') {
      if (node.getAttribute('type') !== 'checkbox') node.remove();
      else {
        node.setAttribute('disabled', '');
        node.setAttribute('aria-label', node.hasAttribute('checked') ? 'Done' : 'Not done');
      }
    }
  });
  purify.addHook('uponSanitizeAttribute', (_node, data) => {
    if (data.attrName === 'data-src' && !/^https?:/i.test(data.attrValue)) data.keepAttr = false;
  });
  // set once: passing the config on every call re-parses it each time (a measurable share of the streaming tail's cost)
  purify.setConfig({ ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false, ADD_ATTR: ['data-src', 'data-alt'] });
  return (html) => purify.sanitize(html) as string;
}
