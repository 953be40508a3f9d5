/**
 * The security configuration the model runs, resolved: address zones and plan, ports, the effective rule sets (and
 * misconfiguration deltas), SQL logins and users, build pipeline settings, and the scripted traffic. Produced by
 * `sim/scenario/security-resolve.ts`; read by the security actor and the rule engines. Types only.
 */
import type { Permission, SqlPurpose } from '../auth/index.js';
import type { Intent, SqlAuthenticationKind, TrafficKind } from './kinds.js';

/** A port, a range ("5000-5010"), a list of those, or "*"; checked by the rule compiler. */
export type PortSpecValue = number | string | (number | string)[];

// ---------------------------------------------------------------------------------------------------------------
// Resolved types

export interface ResolvedEndpointAclRule {
  readonly order: number;
  readonly action: 'permit' | 'deny';
  readonly remoteSubnet: string;
  readonly description?: string;
}
export interface ResolvedNsgRule {
  readonly name: string;
  readonly priority: number;
  readonly direction: 'inbound' | 'outbound';
  readonly access: 'allow' | 'deny';
  readonly protocol: 'tcp' | 'udp' | 'icmp' | '*';
  readonly source: string[];
  readonly sourcePorts: PortSpecValue;
  readonly destination: string[];
  readonly destinationPorts: PortSpecValue;
}
export interface ResolvedHostRule {
  readonly id: string;
  readonly direction: 'in' | 'out';
  readonly proto: 'tcp' | 'udp' | 'icmp' | '*';
  /** null = the VM itself. */
  readonly src: string[] | null;
  readonly srcPort: PortSpecValue;
  readonly dst: string[] | null;
  readonly dstPort: PortSpecValue;
  readonly stateful: boolean;
}
export interface ResolvedAclRule {
  readonly name: string;
  readonly action: 'allow' | 'deny';
  readonly source: string[];
  readonly destination: string[];
  readonly protocol: 'tcp' | 'udp' | 'icmp' | '*';
  readonly ports: PortSpecValue;
}
export interface ResolvedFirewallRule {
  readonly name: string;
  readonly startIp: string;
  readonly endIp: string;
}
export interface ResolvedOpenPort {
  readonly role: string;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
}

/** A misconfiguration of one database user's rights: each field given replaces the declared one while it lasts. */
export interface ResolvedSqlUserChange {
  readonly login: string;
  readonly database: string;
  readonly roles?: string[];
  readonly grants?: Permission[];
  readonly denies?: Permission[];
}

/** A rule set: the whole configuration (all fields set) or, for a misconfiguration, a delta (fields it changes). */
export interface ResolvedRuleSet {
  readonly endpointAcls?: Record<string, Record<string, ResolvedEndpointAclRule[]>>;
  readonly nsg?: ResolvedNsgRule[];
  readonly hostFilter?: Record<string, ResolvedHostRule[]>;
  readonly hostAcl?: ResolvedAclRule[];
  readonly boundary?: ResolvedAclRule[];
  readonly managementSources?: string[];
  readonly sqlNodeAcl?: ResolvedAclRule[];
  readonly sqlFirewall?: { server: ResolvedFirewallRule[]; databases: Record<string, ResolvedFirewallRule[]> };
  readonly openPorts?: ResolvedOpenPort[];
  readonly vlanAllow?: string[];
  readonly passwordPolicy?: boolean;
  readonly dosGuard?: boolean;
  readonly requireMfa?: boolean;
  readonly requireSaw?: boolean;
  readonly requireJit?: boolean;
  readonly defaultAdminEnabled?: boolean;
  readonly localAccounts?: boolean;
  readonly enforceManifest?: boolean;
  readonly approvedSoftware?: string[];
  readonly requireCleanScan?: boolean;
  readonly requireApproval?: boolean;
  /** Rights of database users that differ from their declaration (only a misconfiguration sets these). */
  readonly sqlUsers?: ResolvedSqlUserChange[];
}
export type FullRuleSet = Required<ResolvedRuleSet>;

export interface ResolvedSqlLogin {
  readonly name: string;
  readonly password: string;
  readonly roles: ('dbmanager' | 'loginmanager')[];
  readonly serverAdmin: boolean;
}
export interface ResolvedSqlUser {
  readonly name: string;
  readonly login: string;
  readonly database: string;
  readonly roles: string[];
  readonly grants: Permission[];
  readonly denies: Permission[];
  /** The declared purpose, if any. */
  readonly purpose: SqlPurpose | null;
  /**
   * What the user's purpose needs (the purpose's rights plus any listed under `needs`); null when neither is
   * declared, and then its rights are not judged.
   */
  readonly needs: Permission[] | null;
}

export interface ResolvedTraffic {
  /** Index in `security.traffic`. */
  readonly index: number;
  readonly kind: TrafficKind;
  /** Why it is made (given, or derived from the kind and the target): what the summary counts it as. */
  readonly intent: Intent;
  readonly id: string;
  readonly atUs: number;
  /** 0 when the item does not repeat. */
  readonly everyUs: number;
  readonly count: number;
  readonly from: string;
  readonly sources: number;
  readonly to: string;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  readonly holdUs: number;
  readonly login: string;
  readonly logins: string[];
  readonly password: string;
  readonly passwords: string[] | { readonly generate: number } | null;
  readonly as: string;
  readonly database: string;
  readonly permission: Permission | null;
  /** SQL logins: how the client authenticates (default 'sql'). */
  readonly authentication: SqlAuthenticationKind;
  readonly target: string;
  readonly software: string;
  readonly account: string;
  readonly accountKind: 'live-support-admin' | 'engineer' | 'customer' | 'local' | 'default-admin' | null;
  readonly mfa: boolean;
  readonly breakGlass: boolean;
  readonly approve: boolean;
  /** jit-request: grant length; misconfigure: time until reverted (null: never). */
  readonly durationUs: number | null;
  readonly build: string;
  readonly component: string;
  readonly infected: boolean;
  readonly failing: boolean;
  readonly release: boolean;
  readonly change: ResolvedRuleSet | null;
  readonly label: string;
}

export interface ResolvedSecurity {
  readonly zones: { readonly corpnet: string[]; readonly saw: string[]; readonly internet: string[] };
  readonly addressing: { readonly clusters: string; readonly sql: string; readonly vips: string };
  readonly ports: {
    readonly hostAgent: number;
    readonly fabric: number;
    readonly management: number[];
    readonly sqlGateway: number;
    readonly sqlNodes: PortSpecValue;
    readonly sqlRedirect: PortSpecValue;
  };
  readonly rules: FullRuleSet;
  readonly sql: {
    readonly logins: ResolvedSqlLogin[];
    readonly users: ResolvedSqlUser[];
    readonly nodes: number;
    readonly dosGuard: { readonly failures: number; readonly windowUs: number; readonly blockUs: number };
  };
  readonly builds: {
    readonly scans: number;
    readonly detection: number;
    readonly scanTimeUs: number;
    readonly approvalTimeUs: number;
    readonly stages: { readonly name: string; readonly soakUs: number }[];
  };
  /** The approved image manifest as declared (the oracle's reference). */
  readonly software: { readonly approved: string[] };
  readonly access: {
    readonly admins: { readonly account: string; readonly kind: 'live-support-admin' | 'engineer' }[];
    readonly jitDurationUs: number;
  };
  readonly traffic: ResolvedTraffic[];
  /** The users of the web roles, as CIDRs: served availability counts the share of them that can reach a role. */
  readonly users: string[];
  /** The alert rule on users' refused requests (what detects a misconfiguration that shuts users out). */
  readonly monitoring: { readonly windowUs: number; readonly refused: number; readonly share: number };
}

export type SecurityExpectation =
  | {
      readonly type: 'denied' | 'allowed';
      readonly from: string;
      readonly to: string;
      /** 0 for any port. */
      readonly port: number;
      readonly kind: TrafficKind | null;
      /** The rule each matching attempt must have been decided by, or null. */
      readonly rule: string | null;
      /** A glob that every admitted matching attempt's destination (instance, or role behind a VIP) must match. */
      readonly reached: string | null;
      readonly index: number;
    }
  | { readonly type: 'never'; readonly deployed: 'infected' | 'frozen' | 'unapproved'; readonly index: number }
  | {
      readonly type: 'violations';
      readonly atLeast: number | null;
      readonly atMost: number | null;
      readonly kind: TrafficKind | null;
      readonly index: number;
    }
  | { readonly type: 'exposure'; readonly withinUs: number; readonly atLeastUs: number | null; readonly index: number };
