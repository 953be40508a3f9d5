/**
 * Rule tags such as `fault:role.crash` or `detector:load-balancer`, made once per key and then reused, so that an
 * event on a hot path does not build a new string for its tag.
 */
export class RuleTags {
  private readonly made = new Map<string, string>();

  constructor(private readonly prefix: string) {}

  /** The tag `<prefix><key>`, the same string every time for a key. */
  of(key: string): string {
    let tag = this.made.get(key);
    if (tag === undefined) {
      tag = this.prefix + key;
      this.made.set(key, tag);
    }
    return tag;
  }
}
