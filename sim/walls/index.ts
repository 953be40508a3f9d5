/**
 * The rule table behind a security decision of a recorded run, for the viewer and for programs: given the run's
 * resolved scenario, the time of the decision and the message it judged, the compiled rule chain of the wall that
 * decided it (boundary, host ACL, SQL node ACL, NSG, host packet filter, endpoint ACL, VLAN matrix, load balancer),
 * with the deciding row.
 *
 * Nothing is read from the timeline but the scenario: the rules are compiled here the way the run compiled them,
 * with the scripted misconfigurations in force at that time laid over the configured rules (latest in front), so an
 * older timeline needs nothing new. Compiled rule books are kept per scenario and per set of misconfigurations.
 */
import { Random } from '../engine/index.js';
import {
  AddressPlan,
  Endpoints,
  type WallExplainer as Explainer,
  isWallRule,
  overlay,
  type PluginModules,
  RuleBook,
  Simulation,
  WallExplainer,
  type WallQuery,
  type WallTable,
} from '../model/index.js';
import type { FullRuleSet, ResolvedScenario } from '../spec/index.js';

export type { WallKind, WallQuery, WallRule, WallTable } from '../model/index.js';

const books = new WeakMap<ResolvedScenario, Map<string, Explainer | null>>();

/**
 * The table of the wall that made the decision `q.rule` at `atUs` (µs) for the message `q.from` → `q.to`, or null
 * when the rule is not a wall's (a login check, an established flow) or the scenario has no `security:` section.
 */
export function explainWall(
  resolved: ResolvedScenario,
  atUs: number,
  q: WallQuery,
  opts: { plugins?: PluginModules } = {},
): WallTable | null {
  const sec = resolved.security;
  if (!sec || !isWallRule(q.rule)) return null;
  // The misconfigurations in force at `atUs`, in the order they were made.
  const active = sec.traffic
    .filter((t) => t.kind === 'misconfigure' && t.change !== null)
    .filter((t) => t.atUs <= atUs && (t.durationUs === null || atUs < t.atUs + t.durationUs))
    .sort((a, b) => a.atUs - b.atUs || a.index - b.index);
  const key = active.map((t) => t.index).join(',');
  let perScenario = books.get(resolved);
  if (!perScenario) {
    perScenario = new Map();
    books.set(resolved, perScenario);
  }
  let explainer = perScenario.get(key);
  if (explainer === undefined) {
    let cfg: FullRuleSet = sec.rules;
    for (const t of active) cfg = overlay(cfg, t.change!);
    explainer = build(resolved, cfg, opts.plugins);
    perScenario.set(key, explainer);
  }
  return explainer?.explain(q) ?? null;
}

function build(sc: ResolvedScenario, cfg: FullRuleSet, plugins: PluginModules | undefined): Explainer | null {
  const sec = sc.security!;
  const sim = new Simulation(sc, {
    seed: sc.seed,
    record: false,
    rng: Random.root(sc.seed),
    ...(plugins === undefined ? {} : { plugins }),
  });
  const ix = sim.ix;
  const plan = new AddressPlan(sc, sec, ix.nodeOffset, ix.instOffset);
  const eps = new Endpoints(plan, sc, ix, sim.world);
  const book = new RuleBook(sc, sec, ix, eps, () => -1);
  book.compile(cfg);
  return new WallExplainer(book, sc, sec, ix);
}
