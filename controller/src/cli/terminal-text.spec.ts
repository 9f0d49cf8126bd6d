import { terminalSafe, terminalSafeJson } from './terminal-text';

describe(terminalSafe.name, () => {
  it('shows escape sequences, C0, DEL and C1 characters escaped, and keeps newlines and tabs', () => {
    const raw = 'LOG:\tred \u001b[31mALERT\u001b[0m\r\n\u0007bell \u007f del \u009b31m csi \u0000\n';
    expect(terminalSafe(raw)).toBe('LOG:\tred \\x1b[31mALERT\\x1b[0m\\x0d\n\\x07bell \\x7f del \\x9b31m csi \\x00\n');
  });

  it('leaves ordinary text, including non-ASCII letters, as it is', () => {
    const text = 'ERROR:  relation "café" does not exist 😀\n';
    expect(terminalSafe(text)).toBe(text);
  });
});

describe(terminalSafeJson.name, () => {
  it('escapes DEL and C1 characters in JSON text without changing its value', () => {
    const json = JSON.stringify({ logs: 'a\u001b[2J\u009b2J\u007f' });
    const safe = terminalSafeJson(json);
    // eslint-disable-next-line no-control-regex -- asserting no control character got through
    expect(safe).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(JSON.parse(safe)).toEqual(JSON.parse(json));
  });
});
