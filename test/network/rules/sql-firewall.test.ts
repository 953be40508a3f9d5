import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../../sim/network/address.js';
import { RuleCompileError } from '../../../sim/network/rules/decision.js';
import { compileSqlFirewall, type SqlFirewallRule } from '../../../sim/network/rules/sql-firewall.js';
import { arbAddress, arbAddressOf } from './gen.js';

function v4Number(text: string): number {
  return ipaddr.IPv4.parse(text).octets.reduce((acc, o) => acc * 256 + o, 0);
}

/**
 * Reference from the documented behaviour: database rules first, then server rules, else reject; 0.0.0.0–0.0.0.0 is
 * "allow Azure services" and matches the inside-Azure flag only; rules are IPv4. Within a level, names in code-unit
 * order decide which rule is reported.
 */
function reference(
  server: readonly SqlFirewallRule[],
  databases: Record<string, readonly SqlFirewallRule[]>,
  client: string,
  database: string,
  fromAzure: boolean,
) {
  const isV4 = ipaddr.parse(client).kind() === 'ipv4';
  const level = (rules: readonly SqlFirewallRule[]) =>
    [...rules]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .find((r) => {
        if (r.startIp === '0.0.0.0' && r.endIp === '0.0.0.0') return fromAzure;
        return isV4 && v4Number(r.startIp) <= v4Number(client) && v4Number(client) <= v4Number(r.endIp);
      });
  const db = Object.hasOwn(databases, database) ? level(databases[database]!) : undefined;
  if (db !== undefined) return { allowed: true, rule: `sqlfw:db:${database}:${db.name}` };
  const srv = level(server);
  if (srv !== undefined) return { allowed: true, rule: `sqlfw:server:${srv.name}` };
  return { allowed: false, rule: 'default:sql-firewall-deny' };
}

const arbRule = fc
  .oneof(
    { weight: 8, arbitrary: fc.tuple(arbAddressOf(4), arbAddressOf(4)) },
    { weight: 1, arbitrary: fc.constant(['0.0.0.0', '0.0.0.0'] as [string, string]) },
  )
  .map(([a, b]) => (v4Number(a) <= v4Number(b) ? [a, b] : [b, a]));
const arbLevel = (max: number) =>
  fc
    .uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{1,3}$/), arbRule), { maxLength: max, selector: ([n]) => n })
    .map((rs) => rs.map(([name, [startIp, endIp]]) => ({ name, startIp: startIp!, endIp: endIp! })));

const rule = (name: string, startIp: string, endIp: string): SqlFirewallRule => ({ name, startIp, endIp });

describe('compileSqlFirewall', () => {
  it('agrees with the reference evaluator on random server and database rules', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        arbLevel(12),
        arbLevel(6),
        arbLevel(6),
        fc.array(
          fc.record({ client: arbAddress(), db: fc.constantFrom('orders', 'hr', 'other'), fromAzure: fc.boolean() }),
          { minLength: 8, maxLength: 8 },
        ),
        (server, orders, hr, probes) => {
          const databases = { orders, hr };
          const fw = compileSqlFirewall({ server, databases });
          for (const { client, db, fromAzure } of probes) {
            const d = fw.evaluate(parseAddress(client), db, fromAzure);
            const ref = reference(server, databases, client, db, fromAzure);
            expect({ allowed: d.allowed, rule: d.rule }).toEqual(ref);
            seen.add(ref.rule.split(':').slice(0, 2).join(':'));
          }
        },
      ),
      { numRuns: 1000, seed: 1001 },
    );
    expect([...seen].sort()).toEqual(['default:sql-firewall-deny', 'sqlfw:db', 'sqlfw:server']);
  });

  it('denies by default', () => {
    const fw = compileSqlFirewall({ server: [] });
    expect(fw.evaluate(parseAddress('203.0.113.9'), 'db', false)).toMatchObject({
      allowed: false,
      rule: 'default:sql-firewall-deny',
    });
  });

  it('tries database rules before server rules, and only for that database', () => {
    const fw = compileSqlFirewall({
      server: [rule('office', '203.0.113.0', '203.0.113.255')],
      databases: { orders: [rule('app', '203.0.113.10', '203.0.113.10')] },
    });
    const app = parseAddress('203.0.113.10');
    expect(fw.evaluate(app, 'orders', false).rule).toBe('sqlfw:db:orders:app');
    expect(fw.evaluate(app, 'hr', false).rule).toBe('sqlfw:server:office');
    expect(fw.evaluate(parseAddress('203.0.113.11'), 'orders', false).rule).toBe('sqlfw:server:office');
  });

  it('lets a database rule admit a client the server rules do not', () => {
    const fw = compileSqlFirewall({ server: [], databases: { orders: [rule('app', '198.51.100.1', '198.51.100.9')] } });
    expect(fw.evaluate(parseAddress('198.51.100.5'), 'orders', false).allowed).toBe(true);
    expect(fw.evaluate(parseAddress('198.51.100.5'), 'hr', false).allowed).toBe(false);
  });

  it('reads 0.0.0.0–0.0.0.0 as "allow Azure services", matched by the flag and never by address', () => {
    const fw = compileSqlFirewall({ server: [rule('AllowAllWindowsAzureIps', '0.0.0.0', '0.0.0.0')] });
    expect(fw.evaluate(parseAddress('52.1.2.3'), 'db', true).rule).toBe('sqlfw:server:AllowAllWindowsAzureIps');
    expect(fw.evaluate(parseAddress('52.1.2.3'), 'db', false).allowed).toBe(false);
    expect(fw.evaluate(parseAddress('0.0.0.0'), 'db', false).allowed).toBe(false);
    expect(fw.evaluate(parseAddress('2603:1000::1'), 'db', true).allowed).toBe(true);
  });

  it('never matches an IPv6 client by address', () => {
    const fw = compileSqlFirewall({ server: [rule('all', '0.0.0.0', '255.255.255.255')] });
    expect(fw.evaluate(parseAddress('::ffff:1.2.3.4'), 'db', false).allowed).toBe(false);
    expect(fw.evaluate(parseAddress('1.2.3.4'), 'db', false).allowed).toBe(true);
  });

  it('accepts 128 rules per level and refuses 129, naming the level', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => rule(`r${i}`, `10.0.${i}.0`, `10.0.${i}.255`));
    expect(compileSqlFirewall({ server: many(128), databases: { a: many(128) } }).decisions).toHaveLength(257);
    expect(() => compileSqlFirewall({ server: many(129) }, 'srv1')).toThrow(
      /SQL server srv1: 129 firewall rules, at most 128/,
    );
    expect(() => compileSqlFirewall({ server: [], databases: { orders: many(129) } }, 'srv1')).toThrow(
      /SQL server srv1 database orders: 129 firewall rules/,
    );
  });

  it.each([
    [rule('r', '10.0.0.9', '10.0.0.1'), /startIp 10\.0\.0\.9 is after endIp 10\.0\.0\.1/],
    [rule('r', '10.0.0', '10.0.0.1'), /rule "r": startIp "10\.0\.0" is not an IPv4 address/],
    [rule('r', '10.0.0.1', '::1'), /endIp ::1 is not IPv4/],
    [rule('', '10.0.0.1', '10.0.0.1'), /rule without a name/],
  ])('refuses %j', (bad, message) => {
    expect(() => compileSqlFirewall({ server: [bad] })).toThrow(RuleCompileError);
    expect(() => compileSqlFirewall({ server: [bad] })).toThrow(message);
  });

  it('refuses duplicate names within a level', () => {
    expect(() =>
      compileSqlFirewall({ server: [rule('a', '1.1.1.1', '1.1.1.1'), rule('a', '2.2.2.2', '2.2.2.2')] }),
    ).toThrow(/duplicate rule name "a"/);
  });

  it('returns the same preallocated Decision objects on every evaluation', () => {
    const fw = compileSqlFirewall({ server: [rule('office', '203.0.113.0', '203.0.113.255')] });
    const a = parseAddress('203.0.113.7');
    const b = parseAddress('198.51.100.7');
    expect(fw.evaluate(a, 'db', false)).toBe(fw.evaluate(a, 'db', false));
    expect(fw.evaluate(b, 'db', false)).toBe(fw.evaluate(b, 'db', true));
    expect(fw.decisions).toContain(fw.evaluate(a, 'db', false));
  });
});
