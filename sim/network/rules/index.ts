export {
  type AclOptions,
  type AclRule,
  type ClusterNodeOptions,
  type CompiledAcl,
  clusterNodeRules,
  compileAcl,
  type ManagementBoundaryOptions,
  managementBoundaryRules,
} from './acl.js';
export { AddressSet, type AddressSpec, type BigRange, compileAddressSpec } from './address-set.js';
export { type Decision, makeDecision, RuleCompileError } from './decision.js';
export {
  type CompiledEndpointAcl,
  compileEndpointAcl,
  ENDPOINT_ACL_MAX_RULES,
  type EndpointAclRule,
} from './endpoint-acl.js';
export {
  DEFAULT_FLOW_TIMEOUTS,
  FLOW_FORWARD,
  FLOW_NONE,
  FLOW_REPLY,
  type FlowMatch,
  FlowTable,
  type FlowTimeouts,
  idleTimeoutFor,
} from './flow-table.js';
export {
  type EndpointPort,
  type FabricAgentRuleOptions,
  fabricAgentRules,
  HOST_ANTI_SPOOFING,
  HOST_DENY_ALL,
  HOST_FLOW_FORWARD,
  HOST_FLOW_REPLY,
  HOST_TCP_NO_FLOW,
  HostFilter,
  type HostFilterRule,
  MAX_INTERNAL_ENDPOINTS,
} from './host-filter.js';
export {
  type CompiledNsg,
  compileNsg,
  NSG_DEFAULT_RULES,
  NSG_FLOW_FORWARD,
  NSG_FLOW_REPLY,
  NSG_MAX_PRIORITY,
  NSG_MIN_PRIORITY,
  type NsgDirection,
  NsgFilter,
  type NsgOptions,
  type NsgProtocol,
  type NsgRule,
} from './nsg.js';
export { compilePortSpec, PortSet, type PortSpec } from './port-set.js';
export {
  AZURE_LOAD_BALANCER_CIDR,
  NON_INTERNET_RANGES,
  SERVICE_TAG_NAMES,
  type ServiceTagName,
  serviceTags,
} from './service-tags.js';
export {
  type CompiledSqlFirewall,
  compileSqlFirewall,
  SQL_FIREWALL_DENY,
  SQL_FIREWALL_MAX_RULES,
  type SqlFirewallConfig,
  type SqlFirewallRule,
} from './sql-firewall.js';
export {
  VLAN_DECISIONS,
  VLAN_FLOW_FORWARD,
  VLAN_FLOW_REPLY,
  VLANS,
  type Vlan,
  VlanFilter,
  vlanInitiation,
} from './vlan.js';
