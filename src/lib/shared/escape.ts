/**
 * Text from runs (branch names, commit messages, metric and suite names) comes from strangers' pull
 * requests. Each output format gets it only through these functions.
 */

/**
 * What no output may carry from a stranger's text: C0 and C1 control characters but tab and newline (an
 * ESC can clear a CI log or retitle a terminal, a NUL breaks a feed), a carriage return not ending a line
 * (it overwrites what a terminal already showed), and the bidirectional embeddings, overrides and
 * isolates (a name that reads backwards). Each becomes U+FFFD, visibly something that was not shown.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE_TEXT = /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function neutralise(text: string): string {
  return text.replaceAll(UNSAFE_TEXT, '\uFFFD');
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Anything escapeHtml changes: most text (a formatted number, a metric's name) has none, and is returned as it is. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const HTML_UNSAFE = /[&<>"'\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export function escapeHtml(text: string): string {
  // 100,000 run pages escape some 10 million values: the two replacements below cost 4 s of a 95 s build.
  if (!HTML_UNSAFE.test(text)) return text;
  return neutralise(text).replaceAll(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}

/** Characters XML 1.0 forbids even as references: one of them and a strict parser rejects the whole feed. */
const NOT_XML = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g;

/** Text for an XML document (the Atom feed): neutralised, anything XML 1.0 forbids replaced, markup escaped. */
export function escapeXml(text: string): string {
  return escapeHtml(text).replaceAll(NOT_XML, '\uFFFD');
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
  return neutralise(text).replaceAll(/[\r\n\t]+|[\\`*_{}[\]()+\-.!|~:=^"'&<>$@#]/g, (match) => {
    if (/^[\r\n\t]/.test(match)) return ' ';
    return MARKDOWN_REPLACEMENTS[match] ?? `\\${match}`;
  });
}
