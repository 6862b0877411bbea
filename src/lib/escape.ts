/**
 * Text from runs (branch names, commit messages, metric and suite names) comes from strangers' pull
 * requests. Each output format gets it only through these functions.
 */

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replaceAll(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}

/**
 * Inline Markdown text, safe in a GitHub table cell: every ASCII punctuation character that
 * Markdown could read as syntax is backslash-escaped, `<` `>` `&` become entities (no raw HTML),
 * line breaks become spaces, and `@` / `#` get a zero-width joiner so that a name can neither
 * mention people nor link issues.
 */
const WORD_JOINER = '&#8288;';
const MARKDOWN_REPLACEMENTS: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  $: '&#36;',
  '@': `@${WORD_JOINER}`,
  '#': `#${WORD_JOINER}`,
};

export function escapeMarkdown(text: string): string {
  // One pass, so that no replacement is itself rewritten by a later one.
  return text.replaceAll(/[\r\n\t]+|[\\`*_{}[\]()+\-.!|~:=^"'&<>$@#]/g, (match) => {
    if (/^[\r\n\t]/.test(match)) return ' ';
    return MARKDOWN_REPLACEMENTS[match] ?? `\\${match}`;
  });
}
