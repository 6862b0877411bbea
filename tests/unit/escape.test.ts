import { styleText } from 'node:util';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../src/lib/cli.ts';
import { escapeHtml, escapeMarkdown } from '../../src/lib/shared/escape.ts';
import { HOSTILE_TEXT } from '../helpers.ts';

function renderCell(text: string): string {
  const html = micromark(`| a |\n|---|\n| ${escapeMarkdown(text)} |\n`, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
  const cell = html.match(/<td>([\s\S]*?)<\/td>/)?.[1];
  if (cell === undefined) throw new Error(`no table cell in ${html}`);
  return cell;
}

/** What a reader sees: the cell's HTML with entities decoded and the invisible word joiner removed. */
function visibleText(cellHtml: string): string {
  return cellHtml
    .replaceAll('\u2060', '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&');
}

describe('escapeMarkdown', () => {
  it.each([
    HOSTILE_TEXT,
    '@octocat please look at #12',
    'https://evil.example/x?a=1&b=2',
    '[click](javascript:alert(1)) ![x](http://t/x.png)',
    '<details><summary>x</summary>',
    'a | b | c',
    '&lt;not an entity&gt; &amp;',
    'back\\slash `code` *em* _em_ ~~del~~ # heading',
    '1. list\n- item\n> quote',
  ])('keeps %j as plain text in one table cell', (text) => {
    const cell = renderCell(text);
    expect(cell).not.toMatch(/<[a-z]/i);
    expect(visibleText(cell)).toBe(text.replaceAll(/[\r\n\t]+/g, ' '));
  });

  it('breaks mentions and issue references with an invisible joiner', () => {
    expect(escapeMarkdown('@team #7')).toBe('@&#8288;team #&#8288;7');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('terminalSafe', () => {
  it("keeps perfsite's own colours on a colour terminal, and nothing of a stranger's text that could hide, move or retitle", () => {
    const note = `${styleText('red', 'regression', { validateStream: false })} note: \u001b[8mhidden\u001b[28m \u001b[7mswapped \u001b]52;c;cm0gLXJm\u0007 \u001b[2J\u202eevil \u001b[1;31mred`;
    const shown = terminalSafe(note, true);
    expect(shown).toContain(styleText('red', 'regression', { validateStream: false }));
    for (const sequence of ['\u001b[8m', '\u001b[28m', '\u001b[7m', '\u001b]52', '\u0007', '\u001b[2J', '\u202e', '\u001b[1;31m'])
      expect(shown, JSON.stringify(sequence)).not.toContain(sequence);
    expect(shown).toContain('hidden');
    // Without colours, nothing of an escape sequence is kept at all.
    expect(terminalSafe(note, false)).not.toContain('\u001b');
  });
});
