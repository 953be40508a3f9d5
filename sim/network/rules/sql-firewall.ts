/**
 * The SQL Database firewall: IPv4 allow ranges at server level (kept in master) and per database.
 *
 * - Default deny. Evaluation tries the database's rules first, then the server's, else rejects
 *   ('default:sql-firewall-deny').
 * - At most 128 rules at server level and 128 per database.
 * - A rule from 0.0.0.0 to 0.0.0.0 means "allow Azure services": it matches a client flagged as connecting from inside
 *   Azure, whatever its address, and never matches by address. It is honoured at both levels.
 * - Rules are IPv4 only: an IPv6 client can match only an allow-Azure rule.
 * - All rules allow, so only the reported rule depends on order; within a level rules are tried in name order
 *   (code-unit order) so that the report does not depend on how the configuration was listed.
 *
 * Passing the firewall is not authentication: the login still needs valid credentials.
 */
import { type Address, parseAddress } from '../address.js';
import { type Decision, makeDecision, RuleCompileError } from './decision.js';

export const SQL_FIREWALL_MAX_RULES = 128;

export interface SqlFirewallRule {
  /** Unique within its level (the server, or one database). */
  readonly name: string;
  /** First IPv4 address of the range, inclusive. */
  readonly startIp: string;
  /** Last IPv4 address of the range, inclusive. */
  readonly endIp: string;
}

export interface SqlFirewallConfig {
  readonly server: readonly SqlFirewallRule[];
  /** Database name → that database's rules. */
  readonly databases?: Readonly<Record<string, readonly SqlFirewallRule[]>>;
}

export const SQL_FIREWALL_DENY: Decision = makeDecision(
  false,
  'default:sql-firewall-deny',
  'client address not allowed by any database or server firewall rule',
);

/** One level's rules as parallel arrays, in name order. */
interface Level {
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
  /** 1 = the allow-Azure-services rule (0.0.0.0–0.0.0.0). */
  readonly azure: Uint8Array;
  readonly decisions: readonly Decision[];
}

function matchLevel(level: Level, client: Address, fromAzure: boolean): Decision | undefined {
  const v4 = client.family === 4;
  const x = client.w3;
  const n = level.decisions.length;
  for (let i = 0; i < n; i++) {
    if (level.azure[i] === 1) {
      if (fromAzure) return level.decisions[i];
    } else if (v4 && level.lo[i]! <= x && x <= level.hi[i]!) {
      return level.decisions[i];
    }
  }
  return undefined;
}

function compileLevel(rules: readonly SqlFirewallRule[], where: string, idPrefix: string): Level {
  if (rules.length > SQL_FIREWALL_MAX_RULES) {
    throw new RuleCompileError(`${where}: ${rules.length} firewall rules, at most ${SQL_FIREWALL_MAX_RULES}`);
  }
  const names = new Set<string>();
  const parsed = rules.map((r) => {
    if (typeof r.name !== 'string' || r.name === '') throw new RuleCompileError(`${where}: rule without a name`);
    if (names.has(r.name)) throw new RuleCompileError(`${where}: duplicate rule name ${JSON.stringify(r.name)}`);
    names.add(r.name);
    const ip = (text: string, field: string): number => {
      let a: Address;
      try {
        a = parseAddress(text);
      } catch {
        throw new RuleCompileError(
          `${where} rule ${JSON.stringify(r.name)}: ${field} ${JSON.stringify(text)} is not an IPv4 address`,
        );
      }
      if (a.family !== 4) {
        throw new RuleCompileError(`${where} rule ${JSON.stringify(r.name)}: ${field} ${a.text} is not IPv4`);
      }
      return a.w3;
    };
    const lo = ip(r.startIp, 'startIp');
    const hi = ip(r.endIp, 'endIp');
    if (lo > hi) {
      throw new RuleCompileError(
        `${where} rule ${JSON.stringify(r.name)}: startIp ${r.startIp} is after endIp ${r.endIp}`,
      );
    }
    return { rule: r, lo, hi, azure: lo === 0 && hi === 0 };
  });
  parsed.sort((a, b) => (a.rule.name < b.rule.name ? -1 : a.rule.name > b.rule.name ? 1 : 0));
  return {
    lo: Uint32Array.from(parsed, (p) => p.lo),
    hi: Uint32Array.from(parsed, (p) => p.hi),
    azure: Uint8Array.from(parsed, (p) => (p.azure ? 1 : 0)),
    decisions: parsed.map((p) =>
      makeDecision(
        true,
        `${idPrefix}:${p.rule.name}`,
        p.azure
          ? `allowed by ${p.rule.name}: connections from Azure services`
          : `allowed by ${p.rule.name} (${p.rule.startIp}-${p.rule.endIp})`,
      ),
    ),
  };
}

export interface CompiledSqlFirewall {
  /** Every decision: server rules, then each database's, then the default deny. */
  readonly decisions: readonly Decision[];
  /**
   * Decides for a client at `client` connecting to `database` (which may have no rules of its own); `fromAzure` is
   * true for connections that originate inside Azure. Allocation-free.
   */
  evaluate(client: Address, database: string, fromAzure: boolean): Decision;
}

class SqlFirewall implements CompiledSqlFirewall {
  constructor(
    private readonly server: Level,
    private readonly databases: ReadonlyMap<string, Level>,
    readonly decisions: readonly Decision[],
  ) {}

  evaluate(client: Address, database: string, fromAzure: boolean): Decision {
    const db = this.databases.get(database);
    if (db !== undefined) {
      const d = matchLevel(db, client, fromAzure);
      if (d !== undefined) return d;
    }
    return matchLevel(this.server, client, fromAzure) ?? SQL_FIREWALL_DENY;
  }
}

/**
 * Compiles a server's firewall. Throws `RuleCompileError` naming the server, database and rule for more than 128
 * rules at a level, a duplicate name, a bad or non-IPv4 address, or a start after the end.
 */
export function compileSqlFirewall(config: SqlFirewallConfig, serverName = 'server'): CompiledSqlFirewall {
  const server = compileLevel(config.server, `SQL server ${serverName}`, 'sqlfw:server');
  const databases = new Map<string, Level>();
  const decisions = [...server.decisions];
  for (const [db, rules] of Object.entries(config.databases ?? {})) {
    const level = compileLevel(rules, `SQL server ${serverName} database ${db}`, `sqlfw:db:${db}`);
    databases.set(db, level);
    decisions.push(...level.decisions);
  }
  decisions.push(SQL_FIREWALL_DENY);
  return new SqlFirewall(server, databases, decisions);
}
