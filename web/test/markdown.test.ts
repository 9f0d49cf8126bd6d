import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/notebook/markdown';

describe('markdown cells', () => {
  it('renders headings, emphasis, lists and code', () => {
    const html = renderMarkdown('# Title\n\nSome *stress* and `code`.\n\n- one\n- two');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<em>stress</em>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<li>two</li>');
  });

  it('escapes raw HTML: no script, no event handlers', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\ninline <b onclick="x()">b</b>');
    expect(html).not.toMatch(/<script|<img|<b /i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
  });

  it('does not make javascript:, vbscript: or data: links', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'vbscript:msgbox(1)', 'data:text/html,<script>alert(1)</script>']) {
      expect(renderMarkdown(`[x](${url})`)).not.toContain('href');
    }
  });

  it('opens http links in a new tab without an opener', () => {
    expect(renderMarkdown('[pg](https://www.postgresql.org/)')).toContain(
      '<a href="https://www.postgresql.org/" target="_blank" rel="noopener noreferrer">pg</a>',
    );
  });
});
