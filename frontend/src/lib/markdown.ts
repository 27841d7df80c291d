/**
 * The Markdown preview: marked renders CommonMark + GFM, and DOMPurify
 * removes anything that could run or restyle the page (raw <script>,
 * on* handlers, javascript: links). It is a preview, not a renderer of
 * record: Flotiq does not validate or render markdown either (spec §1.5).
 */
import { Marked } from 'marked';
import { sanitizeHtml } from './sanitize';

const marked = new Marked({ gfm: true, breaks: false, async: false });

export function markdownToHtml(src: string): string {
  return sanitizeHtml(marked.parse(src, { async: false }) as string);
}
