import MarkdownIt from 'markdown-it';

/**
 * markdown-it with raw HTML off (`html: false`, so `<script>` and `<img onerror>` come out as
 * text) and its link check on (javascript:, vbscript:, file: and non-image data: URLs are not
 * made links). The result is safe to set as innerHTML: that is the only reason this file exists.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  // links leave the notebook in a new tab, and the page they open gets no handle on this one
  tokens[idx].attrSet('target', '_blank');
  tokens[idx].attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderMarkdown(source: string): string {
  return md.render(source);
}
