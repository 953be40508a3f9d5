/**
 * The world state: one plain, serialisable object. Every change goes through immer (`produceWithPatches`) so each
 * recorded event carries the patches it made, and a viewer can rebuild the state at any instant.
 *
 * Layout: entities live in dense arrays per cluster (index = position), and refer to each other by index within
 * their cluster. Arrays rather than id-keyed records keep immer's copy-on-write cheap at region scale (a change copies
 * one cluster's array of ~1,000 nodes, not a 10,000-key object). Ids are kept on each entity for display and lookup.
 */

export type NodeStatus =
  | 'Booting'
  | 'Ready'
  | 'Unhealthy'
  | 'Recovering'
  | 'OutForRepair'
  | 'HumanInvestigate'
  | 'Dead';

/** Role-instance states, after the platform's documented instance states. */
export type InstanceStatus = 'Starting' | 'Busy' | 'Ready' | 'Recycling' | 'Unresponsive' | 'Stopped';

/** What is true of the guest VM that hosts one role instance (one VM per instance, as in cloud services). */
export type VmStatus = 'Running' | 'Hung' | 'Down' | 'Rebooting';

export interface NodeState {
  readonly id: string;
  /** Index of the node's rack (= fault domain) in its cluster. */
  readonly rack: number;
  status: NodeStatus;
  /** The host agent answers the FC's polls. */
  hostAgentUp: boolean;
  /** Whether the host OS and hardware are running (false after a crash, power loss or hardware fault). */
  powered: boolean;
  /** Instances placed on this node (indices into the cluster's instances). */
  instances: number[];
  /** Failures counted for the HumanInvestigate rule. */
  failures: number;
  /** The host OS image the node runs (only when the scenario has `images:`). */
  image?: string;
}

export interface RackState {
  readonly id: string;
  /** Fault-domain number within the cluster (= rack index). */
  readonly fd: number;
  readonly nodes: number[];
  powered: boolean;
}

export interface InstanceState {
  /** "<service>.<role>.<n>" */
  readonly id: string;
  /** Index into `World.services`. */
  readonly service: number;
  /** "<service>.<role>" */
  readonly role: string;
  readonly ud: number;
  /** Node index in the cluster; -1 while unplaced. */
  node: number;
  status: InstanceStatus;
  vm: VmStatus;
  /** The role process is stuck (an infinite loop): it still looks alive to the FC but serves nothing. */
  hung: boolean;
  /** In the load balancer's rotation (web roles only; worker roles are never in rotation). */
  inRotation: boolean;
  /** Crash-looping: marked unhealthy and alerted, no longer restarted. */
  crashLoop: boolean;
  /** Version of the role package or OS image running (for rolling upgrades). */
  version: number;
  /** The OS image the instance's VM runs (only when the scenario has `images:`). */
  image?: string;
}

export interface FcReplicaState {
  readonly id: string;
  up: boolean;
  /** The replica believes it is the leader and holds a valid lease. */
  leader: boolean;
  term: number;
}

export interface ClusterState {
  readonly id: string;
  readonly racks: RackState[];
  readonly nodes: NodeState[];
  readonly instances: InstanceState[];
  readonly fc: {
    replicas: FcReplicaState[];
    /** Index of the acting leader, -1 when none holds a lease. */
    leader: number;
    term: number;
  };
}

export interface RoleState {
  /** "<service>.<role>" */
  readonly id: string;
  readonly kind: 'web' | 'worker';
  /** Instance indices in the service's cluster. */
  readonly instances: number[];
}

export interface ServiceState {
  readonly id: string;
  readonly cluster: number;
  readonly updateDomains: number;
  readonly roles: RoleState[];
  /** Running upgrade, if any. */
  upgrade: UpgradeState | null;
}

export interface UpgradeState {
  readonly id: string;
  readonly toVersion: number;
  /** Update domain being walked, or -1 before the first. */
  ud: number;
  status: 'walking' | 'stuck' | 'rolling-back' | 'done' | 'rolled-back';
}

export interface SqlReplicaState {
  readonly id: string;
  role: 'primary' | 'secondary';
  up: boolean;
}

export interface SqlDatabaseState {
  readonly id: string;
  readonly replicas: SqlReplicaState[];
  /** Accepting connections (has a primary). */
  available: boolean;
}

export interface WatchdogState {
  readonly id: string;
  up: boolean;
}

export interface World {
  readonly clusters: ClusterState[];
  readonly services: ServiceState[];
  readonly sql: { databases: SqlDatabaseState[] };
  readonly watchdogs: WatchdogState[];
}
