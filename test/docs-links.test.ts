/**
 * The documentation's links hold: every relative link in README.md and docs/**.md names a file or
 * folder of the repository, and every `#anchor` a heading of the page it points to, slugged as
 * GitHub does (lowercase, punctuation removed, spaces → '-', repeated headings numbered). External
 * http(s) and mailto links are not fetched. Links inside code (fenced blocks, `spans`) are text.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** README.md and every Markdown file under docs/, as paths relative to the repository. */
function documentationFiles(): string[] {
  const out = ['README.md'];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) out.push(rel);
    }
  };
  if (existsSync(path.join(ROOT, 'docs'))) walk('docs');
  return out;
}

/** The text outside fenced code blocks, line by line (code lines become empty: line numbers hold). */
function proseLines(markdown: string): string[] {
  let fence: string | null = null;
  return markdown.split('\n').map((line) => {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === null && opener) {
      fence = opener[1]!;
      return '';
    }
    if (fence !== null) {
      if (line.trimStart().startsWith(fence)) fence = null;
      return '';
    }
    return line;
  });
}

/** A line without its inline code spans. */
const withoutCode = (line: string) => line.replace(/(`+)[\s\S]*?\1/g, '');

/** GitHub's heading slug (github-slugger): lowercase, keep letters, marks, digits, '_', '-' and spaces; spaces → '-'. */
function slug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // a link shows its text
    .replace(/`([^`]*)`/g, '$1') // a code span its content
    .replace(/<[^>]+>/g, '') // HTML tags nothing
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors a page offers: its headings' slugs, a repeated one numbered -1, -2… as GitHub does. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(markdown)) {
    const m = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

interface Link {
  line: number;
  target: string;
}

/** Inline links and images `[text](target "title")`, and reference definitions `[id]: target`. */
function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  proseLines(markdown).forEach((raw, i) => {
    const line = withoutCode(raw);
    for (const m of line.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^\s)>]*)>?(?:\s+["'(][^)]*)?\)/g)) {
      links.push({ line: i + 1, target: m[1]! });
    }
    const def = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+["'(].*)?$/.exec(line);
    if (def) links.push({ line: i + 1, target: def[1]! });
  });
  return links;
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/**
 * What is wrong with the links of `file` (relative to `root`), one message per broken link.
 * `markdown`: the file's text (read from disk unless given).
 */
function brokenLinks(root: string, file: string, markdown = readFileSync(path.join(root, file), 'utf8')): string[] {
  const problems: string[] = [];
  for (const { line, target } of linksOf(markdown)) {
    if (EXTERNAL.test(target)) continue; // http(s), mailto: not fetched
    const hash = target.indexOf('#');
    const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
    const where = `${file}:${line} → ${target}`;
    if (pathPart.startsWith('/')) {
      problems.push(`${where}: a root-relative link (write it relative to ${file})`);
      continue;
    }
    const resolved = pathPart === '' ? path.join(root, file) : path.resolve(root, path.dirname(file), pathPart);
    if (!resolved.startsWith(root + path.sep) && resolved !== root) {
      problems.push(`${where}: points outside the repository`);
      continue;
    }
    if (!existsSync(resolved)) {
      problems.push(`${where}: no such file`);
      continue;
    }
    if (anchor === null || anchor === '') continue;
    if (!resolved.endsWith('.md') || statSync(resolved).isDirectory()) {
      problems.push(`${where}: an anchor into a file that is not Markdown`);
      continue;
    }
    if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) {
      problems.push(`${where}: no heading with the anchor #${anchor} in ${path.relative(root, resolved)}`);
    }
  }
  return problems;
}

describe('documentation links', () => {
  const files = documentationFiles();

  it('covers the README and the docs/ pages', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/architecture.md');
  });

  it.each(files)('%s: every relative link names a file, every #anchor a heading', (file) => {
    expect(brokenLinks(ROOT, file)).toEqual([]);
  });
});

describe('the link checker itself', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('Quick start')).toBe('quick-start');
    expect(slug("The analytics store's layout, and why")).toBe('the-analytics-stores-layout-and-why');
    expect(slug('HTTP API and CLI')).toBe('http-api-and-cli');
    expect(slug('`odr etl` — one run')).toBe('odr-etl--one-run');
    expect(slug('Ingest (issue 2), 1 M rows')).toBe('ingest-issue-2-1-m-rows');
    expect(slug('snake_case stays')).toBe('snake_case-stays');
  });

  it('numbers repeated headings and ignores headings in code', () => {
    const anchors = anchorsOf('# A\n## Notes\n```sh\n# not a heading\n```\n## Notes\n');
    expect([...anchors]).toEqual(['a', 'notes', 'notes-1']);
  });

  it('finds links and images, not those in code', () => {
    const md = 'See [a](x.md#b) and ![i](img/p.png "t").\n`[no](y.md)`\n```\n[no](z.md)\n```\n[ref]: docs/r.md\n[ext](https://e.org)';
    expect(linksOf(md).map((l) => l.target)).toEqual(['x.md#b', 'img/p.png', 'docs/r.md', 'https://e.org']);
  });

  it('reports a missing file and a missing anchor, and passes a good one', () => {
    const broken = brokenLinks(
      ROOT,
      'README.md',
      '[x](docs/no-such-page.md) [y](docs/architecture.md#no-such-heading) [z](#configuration)',
    );
    expect(broken).toHaveLength(2);
    expect(broken[0]).toMatch(/no such file/);
    expect(broken[1]).toMatch(/no heading with the anchor #no-such-heading/);
    expect(brokenLinks(ROOT, 'docs/api.md', '[up](../README.md#quick-start) [here](#cli) [ext](https://example.org/x#y)')).toEqual([]);
  });
});
