// docs/measures.md and the dashboard's "About these figures" page say the same: the page's
// sections (dashboard/src/lib/about.ts) with their English texts are compared with the document,
// heading for heading and text for text, whitespace aside. The document may add, under a measure,
// paragraphs starting "API:" (the fields that carry it) and nothing else.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ABOUT_INTRO, ABOUT_SECTIONS } from '../dashboard/src/lib/about.js';
import { t, type MessageKey } from '../dashboard/src/lib/i18n.js';

const DOC = new URL('../docs/measures.md', import.meta.url);
const en = (key: MessageKey): string => t('en', key);
const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();

interface Block {
  heading: string;
  paragraphs: string[];
  items: string[];
  subsections: Block[];
}

/** The document as headings (## and ###), each with its paragraphs and list items, whitespace normalised. */
function parse(markdown: string): { intro: string[]; sections: Block[] } {
  const top: Block = { heading: '', paragraphs: [], items: [], subsections: [] };
  const sections: Block[] = [];
  let current = top;
  let section: Block | undefined;
  let open: { into: string[]; lines: string[] } | undefined;
  const flush = () => {
    if (open) open.into.push(norm(open.lines.join(' ')));
    open = undefined;
  };
  for (const line of markdown.replace(/<!--[\s\S]*?-->/g, '').split('\n')) {
    const heading = /^(#{1,6}) (.*)$/.exec(line);
    if (heading) {
      flush();
      const level = heading[1]!.length;
      const block: Block = { heading: norm(heading[2]!), paragraphs: [], items: [], subsections: [] };
      if (level === 1) continue;
      if (level === 2) sections.push((section = block));
      else if (level === 3 && section) section.subsections.push(block);
      else throw new Error(`unexpected heading: ${line}`);
      current = block;
    } else if (line.trim() === '') {
      flush();
    } else if (line.startsWith('- ')) {
      flush();
      open = { into: current.items, lines: [line.slice(2)] };
    } else if (open) {
      open.lines.push(line);
    } else {
      open = { into: current.paragraphs, lines: [line] };
    }
  }
  flush();
  return { intro: top.paragraphs, sections };
}

/** Where the document and the About page's English texts differ (empty when they say the same). */
function differences(markdown: string): string[] {
  const doc = parse(markdown);
  const out: string[] = [];
  const same = (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      out.push(`${what}:\n  measures.md: ${JSON.stringify(actual)}\n  About page:  ${JSON.stringify(expected)}`);
  };
  same('intro', doc.intro, [norm(en(ABOUT_INTRO))]);
  same(
    'section headings',
    doc.sections.map((s) => s.heading),
    ABOUT_SECTIONS.map((s) => norm(en(s.heading))),
  );
  for (const about of ABOUT_SECTIONS) {
    const heading = norm(en(about.heading));
    const block = doc.sections.find((s) => s.heading === heading);
    if (!block) continue;
    if (about.kind === 'terms') {
      same(`${heading}: paragraphs before the first term`, block.paragraphs.concat(block.items), []);
      same(
        `${heading}: terms`,
        block.subsections.map((s) => s.heading),
        about.terms.map((m) => norm(en(m.term))),
      );
      for (const m of about.terms) {
        const term = norm(en(m.term));
        const sub = block.subsections.find((s) => s.heading === term);
        if (!sub) continue;
        same(`${heading} / ${term}: definition`, sub.paragraphs[0], norm(en(m.text)));
        const extra = sub.paragraphs.slice(1).concat(sub.items);
        same(
          `${heading} / ${term}: text beyond the definition that is not an "API:" line`,
          extra.filter((p) => !p.startsWith('API:')),
          [],
        );
      }
    } else {
      same(`${heading}: subsections`, block.subsections, []);
      if (about.kind === 'list') {
        same(`${heading}: paragraphs`, block.paragraphs, []);
        same(
          `${heading}: items`,
          block.items,
          about.items.map((k) => norm(en(k))),
        );
      } else {
        same(`${heading}: items`, block.items, []);
        same(`${heading}: paragraphs`, block.paragraphs, [norm(en(about.text))]);
      }
    }
  }
  return out;
}

describe('docs/measures.md and "About these figures"', () => {
  const markdown = readFileSync(DOC, 'utf8');

  it('say the same: every About heading and English text is in measures.md, in order, and nothing else', () => {
    expect(differences(markdown)).toEqual([]);
  });

  it('every measure heading in measures.md is a measure of the About page, and the other way round', () => {
    const terms = ABOUT_SECTIONS.flatMap((s) => (s.kind === 'terms' ? s.terms.map((m) => norm(en(m.term))) : []));
    const headings = parse(markdown).sections.flatMap((s) => s.subsections.map((sub) => sub.heading));
    expect(headings).toEqual(terms);
  });

  // The check must be able to fail: each edit below makes the document differ from the page.
  const definition = 'Resolution rate = resolved / closed, where resolved means closed as settled directly or with an';
  it.each([
    ['a word of a definition changed', (md: string) => md.replace(definition, definition.replace('closed,', 'filed,'))],
    ['a measure removed', (md: string) => md.replace(/### Overdue\n[\s\S]*?(?=### )/, '')],
    [
      'a measure the About page lacks',
      (md: string) => md.replace('## Legal deadlines', '### Open share\n\nOpen / complaints.\n\n## Legal deadlines'),
    ],
    [
      'two measures swapped',
      (md: string) =>
        md
          .replace('### Resolution rate\n', '@@')
          .replace('### Trader response rate\n', '### Resolution rate\n')
          .replace('@@', '### Trader response rate\n'),
    ],
    [
      'a paragraph of its own under a measure',
      (md: string) => md.replace('API: `resolutionRate`.', 'Resolved counts withdrawn cases too.'),
    ],
    ['a deadline changed', (md: string) => md.replace('within 21 days (3 weeks)', 'within 30 days')],
    ['a legal source removed', (md: string) => md.replace(/- Commission Recommendation[\s\S]*$/, '')],
    ['a section renamed', (md: string) => md.replace('## Retention of personal data', '## Retention')],
  ])('would fail with %s', (_, edit) => {
    const edited = edit(markdown);
    expect(edited).not.toBe(markdown);
    expect(differences(edited)).not.toEqual([]);
  });
});
