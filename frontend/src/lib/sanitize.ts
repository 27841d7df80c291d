/**
 * Every piece of HTML Hookline renders (rich text, markdown previews) goes
 * through DOMPurify first: content comes from scripts, imports and other
 * people, and must never run code in the app's page. Links that open a new
 * tab get rel="noopener noreferrer".
 */
import DOMPurify from 'dompurify';

let hooked = false;

export function sanitizeHtml(html: string): string {
  if (!hooked) {
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node instanceof Element && node.tagName === 'A' && node.getAttribute('target') === '_blank') {
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    hooked = true;
  }
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button'], FORBID_ATTR: ['style'] });
}
