/**
 * The `security:` section of a scenario (format version 1): zones and addressing, the rule sets that decide every
 * connection, login, installation and release, the SQL Database accounts, the build pipeline, the operators, and the
 * scripted traffic — including misconfigurations — that tests them. Every default encodes the correct configuration
 * the seed document describes, so `security: {}` is a well-configured platform.
 *
 * Kept apart from `schema.ts` (which imports it) and importing nothing from it, so the two never form a cycle.
 */
import { z } from 'zod';
import { SQL_PURPOSE_NAMES } from '../auth/index.js';
import { INTENTS, SQL_AUTHENTICATION_KINDS, TRAFFIC_KINDS, type TrafficKind } from '../spec/index.js';

// Same pattern as `Duration` in schema.ts (kept separate to avoid an import cycle); resolve re-checks precisely.
const SecDuration = z
  .string()
  .regex(/^(0|(\d+(\.\d+)?(us|µs|ms|s|m|h|d))+)$/, {
    message: 'a duration such as "250ms", "15s", "10m", "1h30m" or "2d"',
  })
  .describe('A duration: a number with a unit (us, ms, s, m, h, d), e.g. "30s", "10m", "8h".');

const Port = z.number().int().min(0).max(65535);
const PortSpec = z
  .union([Port, z.string().min(1), z.array(z.union([Port, z.string().min(1)])).min(1)])
  .describe('A port (80), a range ("11000-11999"), a list ("80,443" or [80, 443]) or "*".');

/**
 * An address field: a CIDR or address (IPv4 or IPv6), "*", or a name — a zone (`corpnet`, `saw`, `internet`),
 * a service tag (`Internet`, `VirtualNetwork`, `AzureLoadBalancer`), a role ("shop.web", its instances' addresses),
 * an instance or node id, `<cluster>:main|fc|device|nodes|vms`, `management`, `vips`, `sql:nodes`, `sql:gateway`.
 */
const AddressField = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .describe(
    'A CIDR, an address, "*", or a name: corpnet, saw, internet, Internet, VirtualNetwork, AzureLoadBalancer, a role, an instance or node id, "<cluster>:main|fc|device|nodes|vms", management, vips, sql:nodes, sql:gateway.',
  );

const Protocol = z.enum(['tcp', 'udp', 'icmp', '*']);

export const EndpointAclRuleSpec = z.strictObject({
  order: z.number().int().min(0).describe('Rule number; lowest first, first match wins.'),
  action: z.enum(['permit', 'deny']),
  remoteSubnet: z.string().min(1).describe('CIDR of the remote clients the rule applies to.'),
  description: z.string().optional(),
});

export const NsgRuleSpec = z.strictObject({
  name: z.string().min(1),
  priority: z.number().int().min(100).max(4096).describe('100–4096, lower first; first match wins.'),
  direction: z.enum(['inbound', 'outbound']),
  access: z.enum(['allow', 'deny']),
  protocol: Protocol.optional().describe('Default "*".'),
  source: AddressField.optional().describe('Default "*".'),
  sourcePorts: PortSpec.optional().describe('Default "*".'),
  destination: AddressField.optional().describe('Default "*".'),
  destinationPorts: PortSpec.optional().describe('Default "*".'),
  description: z.string().optional(),
});

export const HostRuleSpec = z.strictObject({
  id: z.string().min(1),
  direction: z.enum(['in', 'out']),
  proto: Protocol.optional().describe('Default "*".'),
  src: AddressField.optional().describe('Default "*" inbound, the VM itself outbound.'),
  srcPort: PortSpec.optional(),
  dst: AddressField.optional().describe('Default the VM itself inbound, "*" outbound.'),
  dstPort: PortSpec.optional(),
  stateful: z.boolean().optional().describe('Default true.'),
});

export const AclRuleSpec = z.strictObject({
  name: z.string().min(1),
  action: z.enum(['allow', 'deny']),
  source: AddressField.optional().describe('Default "*".'),
  destination: AddressField.optional().describe('Default "*".'),
  protocol: Protocol.optional().describe('Default "*".'),
  ports: PortSpec.optional().describe('Destination ports; default "*".'),
});

export const SqlFirewallRuleSpec = z.strictObject({
  name: z.string().min(1),
  startIp: z.string().min(1),
  endIp: z.string().min(1),
});

const SqlUserChangeSpec = z.strictObject({
  login: z.string().min(1),
  database: z.string().min(1).optional().describe('Default "db0".'),
  roles: z.array(z.string().min(1)).optional().describe('Replaces the user’s fixed database roles.'),
  grants: z.array(z.string().min(1)).optional().describe('Replaces the user’s own grants.'),
  denies: z.array(z.string().min(1)).optional().describe('Replaces the user’s own denies.'),
});

const OpenPortSpec = z.strictObject({
  role: z.string().min(1).describe('"<service>.<role>".'),
  port: Port,
  protocol: z.enum(['tcp', 'udp']).optional().describe('Default tcp.'),
});

/**
 * The configuration that decides: network rule sets and policy switches. Under `security.rules` it is the platform's
 * configuration; under a misconfiguration's `change` it is a delta: its rules go in front of the configured ones (so
 * they match first), its maps replace entries, and its switches replace values — until the change is reverted.
 */
export const RuleSetSpec = z
  .strictObject({
    endpointAcls: z
      .record(z.string(), z.record(z.string(), z.array(EndpointAclRuleSpec).max(50)))
      .optional()
      .describe('Per role ("shop.web"), per input endpoint name ("in0"): the endpoint ACL. No ACL permits all.'),
    nsg: z
      .array(NsgRuleSpec)
      .optional()
      .describe('Network security group rules on every cluster’s VM subnet, before the default rules.'),
    hostFilter: z
      .record(z.string(), z.array(HostRuleSpec))
      .optional()
      .describe('Per role: host packet filter rules added to the fabric agent’s defaults.'),
    hostAcl: z
      .array(AclRuleSpec)
      .optional()
      .describe('Rules in front of the node hosts’ ACL (whose defaults admit only the FC to the host agent port).'),
    boundary: z
      .array(AclRuleSpec)
      .optional()
      .describe('Extra rules of the corpnet ↔ cluster boundary ACL, after its management-endpoint rules.'),
    managementSources: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Who may reach the platform management endpoint; default ["corpnet"].'),
    sqlNodeAcl: z
      .array(AclRuleSpec)
      .optional()
      .describe('Rules in front of the ACL between SQL Database cluster nodes.'),
    sqlFirewall: z
      .strictObject({
        server: z.array(SqlFirewallRuleSpec).max(128).optional(),
        databases: z.record(z.string(), z.array(SqlFirewallRuleSpec).max(128)).optional(),
      })
      .optional()
      .describe('SQL server and database firewall rules (IPv4 ranges; 0.0.0.0–0.0.0.0 allows Azure services).'),
    openPorts: z
      .array(OpenPortSpec)
      .optional()
      .describe('Input endpoints added to roles beyond their service definition (load balancer, NSG, host filter).'),
    vlanAllow: z
      .array(z.enum(['main->fc', 'main->device', 'device->main', 'device->fc']))
      .optional()
      .describe('Exceptions to VLAN isolation.'),
    passwordPolicy: z.boolean().optional().describe('SQL logins must meet the password policy (default true).'),
    dosGuard: z.boolean().optional().describe('The SQL gateway’s DoSGuard blocks addresses (default true).'),
    requireMfa: z.boolean().optional().describe('Admin logins need MFA (default true).'),
    requireSaw: z.boolean().optional().describe('Admin logins need a secure admin workstation (default true).'),
    requireJit: z.boolean().optional().describe('Admin logins need a current JIT grant (default true).'),
    defaultAdminEnabled: z
      .boolean()
      .optional()
      .describe('The OS images’ built-in administrator accounts are enabled (default false).'),
    localAccounts: z.boolean().optional().describe('User accounts may be created on nodes and VMs (default false).'),
    enforceManifest: z
      .boolean()
      .optional()
      .describe('The host OS refuses software outside the approved image manifest (default true).'),
    approvedSoftware: z.array(z.string().min(1)).optional().describe('Software added to the approved manifest.'),
    requireCleanScan: z
      .boolean()
      .optional()
      .describe('Only builds with a clean virus scan are released (default true).'),
    requireApproval: z.boolean().optional().describe('Releases need change-management approval (default true).'),
    sqlUsers: z
      .array(SqlUserChangeSpec)
      .optional()
      .describe(
        'misconfigure only: database users whose roles, grants or denies change while it lasts (declared users; their purpose stays).',
      ),
  })
  .describe('Rule sets and policy switches.');

const SqlLoginSpec = z.strictObject({
  name: z.string().min(1),
  password: z.string().describe('The real password; attackers succeed only by guessing exactly this.'),
  roles: z
    .array(z.enum(['dbmanager', 'loginmanager']))
    .optional()
    .describe('master roles.'),
  serverAdmin: z.boolean().optional().describe('The server admin login (at most one).'),
});

const SqlUserSpec = z.strictObject({
  login: z.string().min(1),
  database: z.string().min(1).describe('"db0", "db1" …'),
  name: z.string().optional().describe('User name in the database; default the login name.'),
  roles: z.array(z.string().min(1)).optional().describe('Fixed database roles, e.g. db_datareader, db_denydatawriter.'),
  grants: z.array(z.string().min(1)).optional(),
  denies: z.array(z.string().min(1)).optional(),
  purpose: z
    .enum(SQL_PURPOSE_NAMES as [string, ...string[]])
    .optional()
    .describe(
      'What the user is for; least privilege: rights beyond what it needs are a violation. read, read-write, application, reporting, schema-change, backup, user-admin, owner.',
    ),
  needs: z
    .array(z.string().min(1))
    .optional()
    .describe('Database permissions the user needs besides (or instead of) its purpose’s.'),
});

const StageSpec = z.strictObject({
  name: z.string().min(1),
  soak: SecDuration.optional().describe('Time deployed before the stage’s health check (default 24h).'),
});

export { TRAFFIC_KINDS, type TrafficKind };

const Candidates = z.union([
  z.array(z.string()).min(1),
  z.strictObject({
    generate: z.number().int().min(1).max(100_000).describe('Draw this many guesses from the built-in dictionary.'),
  }),
]);

export const TrafficSpec = z
  .strictObject({
    at: SecDuration.describe('When the first attempt happens.'),
    kind: z.enum(TRAFFIC_KINDS),
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional()
      .describe('A name for this item (misconfigurations: the fault id).'),
    every: SecDuration.optional().describe('Repeat this often.'),
    count: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('How many attempts (default 1; with `every` alone: until the end).'),
    from: z
      .string()
      .optional()
      .describe(
        'Source: internet, corpnet, saw, an address or CIDR (drawn from), or an instance, node or "fc:<cluster>".',
      ),
    sources: z.number().int().min(1).optional().describe('Distinct source addresses to rotate through (default 1).'),
    to: z
      .string()
      .optional()
      .describe(
        'Target: a role (through its VIP), an instance, a node, management[:<cluster>|:sql], sql, sql:node<k>, fc:<cluster>, an address.',
      ),
    port: Port.optional(),
    protocol: z.enum(['tcp', 'udp']).optional(),
    hold: SecDuration.optional().describe('How long an admitted connection or session stays open (default 1m).'),
    login: z.string().optional(),
    logins: z.union([z.array(z.string()).min(1), z.literal('*')]).optional(),
    password: z.string().optional(),
    passwords: Candidates.optional().describe('Guesses: a list, or {generate: N} from the seeded dictionary.'),
    as: z.string().optional().describe('sql-create-login: the login that creates the new one.'),
    database: z.string().optional(),
    permission: z.string().optional().describe('A permission to exercise after logging in, e.g. SELECT.'),
    authentication: z
      .enum(SQL_AUTHENTICATION_KINDS)
      .optional()
      .describe(
        'sql-login, sql-brute-force, sql-spray: how the client authenticates — sql (default), windows (integrated) or entra (Azure AD). SQL Database accepts only SQL authentication.',
      ),
    target: z.string().optional().describe('install, admin-login, create-account: a node or instance (glob).'),
    software: z.string().optional(),
    account: z.string().optional(),
    accountKind: z.enum(['live-support-admin', 'engineer', 'customer', 'local', 'default-admin']).optional(),
    mfa: z.boolean().optional(),
    breakGlass: z.boolean().optional(),
    approve: z.boolean().optional().describe('jit-request, build: whether the approver approves (default true).'),
    duration: SecDuration.optional().describe('jit-request: grant length; misconfigure: time until it is reverted.'),
    build: z.string().optional().describe('release: the build id.'),
    component: z.string().optional().describe('build: what is built (default "host-os").'),
    infected: z.boolean().optional().describe('build: rogue code entered the build.'),
    failing: z.boolean().optional().describe('build: the build fails its health checks once deployed.'),
    release: z.boolean().optional().describe('build: release it once clean (default true).'),
    change: RuleSetSpec.optional().describe('misconfigure: the wrong rules, in front of the configured ones.'),
    intent: z
      .enum(INTENTS)
      .optional()
      .describe(
        'Why the attempts are made, for counting (default from the kind: a connect to a role’s declared input endpoint is a user’s, other connects from outside are attacks).',
      ),
    label: z.string().optional(),
  })
  .describe('One scripted attempt (or a repeated series): traffic, an attack, a build, or a misconfiguration.');

export const SecuritySpec = z
  .strictObject({
    zones: z
      .strictObject({
        corpnet: z.array(z.string()).min(1).optional().describe('Corporate network ranges.'),
        saw: z.array(z.string()).min(1).optional().describe('Secure admin workstations (inside corpnet).'),
        internet: z.array(z.string()).min(1).optional().describe('Ranges that `from: internet` draws from.'),
      })
      .optional(),
    addressing: z
      .strictObject({
        clusters: z.string().optional().describe('Range the clusters’ address blocks are cut from.'),
        sql: z.string().optional().describe('The SQL Database cluster’s block.'),
        vips: z.string().optional().describe('Public VIPs: the SQL gateway first, then one per service.'),
      })
      .optional(),
    ports: z
      .strictObject({
        hostAgent: Port.optional(),
        fabric: Port.optional(),
        management: z.array(Port).min(1).optional(),
        sqlGateway: Port.optional(),
        sqlNodes: PortSpec.optional(),
        sqlRedirect: PortSpec.optional(),
      })
      .optional(),
    rules: RuleSetSpec.optional(),
    sql: z
      .strictObject({
        logins: z.array(SqlLoginSpec).optional(),
        users: z.array(SqlUserSpec).optional(),
        nodes: z.number().int().min(1).max(64).optional().describe('Nodes of the SQL Database cluster (default 3).'),
        dosGuard: z
          .strictObject({
            failures: z.number().int().min(1).optional(),
            window: SecDuration.optional(),
            block: SecDuration.optional(),
          })
          .optional(),
      })
      .optional(),
    builds: z
      .strictObject({
        scans: z.number().int().min(1).max(10).optional().describe('Virus scans per build (default 1).'),
        detection: z.number().min(0).max(1).optional().describe('Chance that one scan finds an infection (default 1).'),
        scanTime: SecDuration.optional(),
        approvalTime: SecDuration.optional().describe('Change-management (CAB) approval time (default 1h).'),
        stages: z.array(StageSpec).min(1).optional().describe('Safe-deployment stages (default canary, pilot, broad).'),
      })
      .optional(),
    software: z
      .strictObject({ approved: z.array(z.string().min(1)).optional().describe('The approved image manifest.') })
      .optional(),
    access: z
      .strictObject({
        admins: z
          .array(z.strictObject({ account: z.string().min(1), kind: z.enum(['live-support-admin', 'engineer']) }))
          .optional(),
        jitDuration: SecDuration.optional().describe('Length of a JIT grant (default 8h).'),
      })
      .optional(),
    traffic: z.array(TrafficSpec).optional(),
    users: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        'Who uses the web roles: zones (internet, corpnet: their first range) or CIDRs, each counting equally (default [internet]).',
      ),
    monitoring: z
      .strictObject({
        window: SecDuration.optional().describe('The alert rule looks back this far (default 5m).'),
        refused: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe('Users’ requests to one role refused within the window before it alerts (default 3).'),
        share: z.number().gt(0).max(1).optional().describe('…and at least this share of them refused (default 0.1).'),
      })
      .optional()
      .describe('The alert rule on users’ refused requests, which detects a misconfiguration that shuts users out.'),
  })
  .describe('Security: zones, rule sets, accounts, builds, operators, and scripted traffic and attacks.');

// ---------------------------------------------------------------------------------------------------------------
// Expectations about security outcomes (members of the scenario's `expect` union).

const CountBound = z.union([
  z.number().int().min(0),
  z.strictObject({
    atLeast: z.number().int().min(0).optional(),
    atMost: z.number().int().min(0).optional(),
    kind: z.enum(TRAFFIC_KINDS).optional().describe('Count only this kind of attempt.'),
  }),
]);

const Reached = z
  .string()
  .describe(
    'A glob that what every admitted attempt reached must match: the instance ("shop.web.1"), or the role a VIP port belongs to.',
  );

export const SECURITY_EXPECTATIONS = [
  z.strictObject({
    denied: z
      .strictObject({
        from: z.string().describe('A zone, an address or CIDR, or the `from` of traffic items.'),
        to: z.string().describe('A glob over targets ("shop.worker*", "management*").'),
        port: Port.optional().describe('Only attempts on this port.'),
        kind: z.enum(TRAFFIC_KINDS).optional(),
        rule: z
          .string()
          .min(1)
          .optional()
          .describe('Each matching attempt was decided by this rule, e.g. auth:sql-authentication-only.'),
        reached: Reached.optional(),
      })
      .describe('Every matching attempt was denied (and at least one was made).'),
  }),
  z.strictObject({
    allowed: z
      .strictObject({
        from: z.string(),
        to: z.string(),
        port: Port.optional(),
        kind: z.enum(TRAFFIC_KINDS).optional(),
        rule: z.string().min(1).optional().describe('Each matching attempt was decided by this rule.'),
        reached: Reached.optional(),
      })
      .describe('Every matching attempt was allowed (and at least one was made).'),
  }),
  z.strictObject({
    never: z
      .strictObject({ deployed: z.enum(['infected', 'frozen', 'unapproved']) })
      .describe('No build of this sort reached any deployment stage.'),
  }),
  z.strictObject({
    violations: CountBound.describe('Policy violations found by the oracle: an exact count or bounds.'),
  }),
  z.strictObject({
    exposure: z
      .strictObject({ within: SecDuration, atLeast: SecDuration.optional() })
      .describe('The exposure window is at most `within` (and at least `atLeast`).'),
  }),
] as const;

export type SecurityFile = z.infer<typeof SecuritySpec>;
export type RuleSetFile = z.infer<typeof RuleSetSpec>;
export type TrafficFile = z.infer<typeof TrafficSpec>;
export type SecurityExpectationFile = z.infer<(typeof SECURITY_EXPECTATIONS)[number]>;
