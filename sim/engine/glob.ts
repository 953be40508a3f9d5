/**
 * Globs over ids: `*` matches any run of characters (dots included), `?` one character; everything else is literal.
 * "shop.web.*" matches every instance of the role; "c0-r1-*" every node of rack c0-r1.
 */
const cache = new Map<string, RegExp>();

export function compileGlob(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`);
    cache.set(pattern, re);
  }
  return re;
}

export function matchGlob(pattern: string, id: string): boolean {
  return compileGlob(pattern).test(id);
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** True when `glob` (from an expectation) names `text` literally or as a glob. */
export function globMatches(glob: string, text: string): boolean {
  return isGlob(glob) ? compileGlob(glob).test(text) : glob === text;
}
