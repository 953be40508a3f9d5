import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../sim/index.js';
import { shop } from './helpers.js';

function error(security: string, extra = ''): string {
  try {
    shop(security, extra);
  } catch (e) {
    if (e instanceof ScenarioError) return `${e.path}: ${e.detail}`;
    throw e;
  }
  throw new Error('no error');
}

describe('the security section is checked at load, with the path of each mistake', () => {
  it('names an unknown role, endpoint, address name and target', () => {
    expect(error('  rules: { openPorts: [{ role: shop.wrker, port: 80 }] }')).toMatch(
      /^security\.rules\.openPorts\[0\]\.role: unknown role "shop\.wrker"/,
    );
    expect(error('  rules: { endpointAcls: { shop.web: { https: [] } } }')).toMatch(
      /^security\.rules\.endpointAcls\["?shop\.web"?\]\.https: role shop\.web has no input endpoint "https" \(its input endpoints: http\)/,
    );
    expect(error('  rules: { hostAcl: [{ name: x, action: deny, source: corpnett }] }')).toMatch(
      /^security\.rules\.hostAcl\[0\]\.source: unknown address or name "corpnett"/,
    );
    expect(error('  traffic: [{ at: 1m, kind: connect, from: internet, to: shop.db, port: 1 }]')).toMatch(
      /^security\.traffic\[0\]\.to: unknown target "shop\.db"/,
    );
  });

  it('knows instance names from the roles: an index below the role size, without leading zeros', () => {
    const rule = (name: string) => `  rules: { hostAcl: [{ name: x, action: deny, source: ${name} }] }`;
    expect(() => shop(rule('shop.web.1'))).not.toThrow();
    expect(() => shop(rule('shop.worker.0'))).not.toThrow();
    for (const bad of ['shop.web.2', 'shop.web.01', 'shop.web.', 'shop.web.-1', 'shop.web.1.0', 'shop.db.0', 'web.0']) {
      expect(error(rule(bad))).toMatch(/^security\.rules\.hostAcl\[0\]\.source: unknown address or name/);
    }
    expect(error('  traffic: [{ at: 1m, kind: connect, from: internet, to: shop.web.2, port: 80 }]')).toMatch(
      /^security\.traffic\[0\]\.to: unknown target "shop\.web\.2"/,
    );
  });

  it('refuses bad CIDRs, weak declared passwords and missing fields', () => {
    expect(error('  zones: { corpnet: [10.0.0.1/8] }')).toMatch(
      /^security\.zones\.corpnet\[0\]: .*did you mean 10\.0\.0\.0\/8/,
    );
    expect(error('  sql: { logins: [{ name: app, password: app12345 }] }')).toMatch(
      /^security\.sql\.logins\[0\]\.password: the password of login "app" breaks the password policy/,
    );
    expect(error('  traffic: [{ at: 1m, kind: sql-brute-force, login: app }]')).toBe(
      'security.traffic[0]: a sql-brute-force needs "passwords"',
    );
    expect(error('  traffic: [{ at: 2h, kind: connect, to: shop.web }]')).toMatch(
      /^security\.traffic\[0\]\.at: at 2h is after the end/,
    );
    expect(error('  traffic: [{ at: 1m, kind: release, build: b9 }]')).toMatch(
      /^security\.traffic\[0\]\.build: no build item/,
    );
    expect(error('  traffic: [{ at: 1m, kind: connect, to: shop.web, authentication: windows }]')).toBe(
      'security.traffic[0].authentication: "authentication" applies to sql-login, sql-brute-force, sql-spray, not to a connect',
    );
    expect(error('  traffic: [{ at: 1m, kind: sql-login, login: a, password: b, authentication: kerberos }]')).toMatch(
      /^security\.traffic\[0\]\.authentication: /,
    );
  });

  it('refuses unknown keys with a suggestion, and misconfiguration ids that clash with fault ids', () => {
    expect(error('  trafic: []')).toMatch(/unknown key "trafic".*traffic/);
    expect(
      error(
        '  traffic: [{ at: 1m, kind: misconfigure, id: f1, change: { requireMfa: false } }]',
        'faults:\n  - { id: f1, at: 1m, kind: role.crash, target: shop.web.0 }',
      ),
    ).toBe('security.traffic[0].id: "f1" is also a fault id');
  });

  it('refuses an address plan that does not fit its range', () => {
    expect(error('  addressing: { clusters: 10.0.0.0/24 }')).toMatch(
      /^security\.addressing\.clusters: 10\.0\.0\.0\/24 cannot hold 1 cluster block\(s\) of 2\^10 addresses/,
    );
  });
});
