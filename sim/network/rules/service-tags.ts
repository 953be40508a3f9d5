/**
 * Service tags usable in NSG source and destination fields, and this simulator's definition of each.
 *
 * - `VirtualNetwork`: the address ranges the caller declares for the virtual network — its own address space plus
 *   any peered or connected ranges. The simulator has no implicit extras.
 * - `AzureLoadBalancer`: the platform's health-probe source, 168.63.129.16/32.
 * - `Internet`: every address, IPv4 or IPv6, that is not in `VirtualNetwork`, not `AzureLoadBalancer`, and not in
 *   `NON_INTERNET_RANGES` below (private, shared, loopback, link-local, multicast, reserved and the IPv6 equivalents).
 *   So another tenant's private 10.x address is not "Internet" even when it is outside this VNet: it is simply not
 *   reachable through the public internet.
 */
import { AddressSet, compileAddressSpec } from './address-set.js';

export const AZURE_LOAD_BALANCER_CIDR = '168.63.129.16/32';

/** Ranges that are never public internet addresses (RFC 1918, RFC 6598, RFC 5735 specials, RFC 4193, RFC 4291). */
export const NON_INTERNET_RANGES: readonly string[] = Object.freeze([
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  '::ffff:0:0/96',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
]);

const LOAD_BALANCER_SET = compileAddressSpec(AZURE_LOAD_BALANCER_CIDR, 'AzureLoadBalancer');
/** Everything that is never `Internet`, whatever the VNet. */
const NEVER_INTERNET_SET = compileAddressSpec(NON_INTERNET_RANGES, 'non-internet ranges').union(LOAD_BALANCER_SET);

export const SERVICE_TAG_NAMES = ['VirtualNetwork', 'AzureLoadBalancer', 'Internet'] as const;
export type ServiceTagName = (typeof SERVICE_TAG_NAMES)[number];

/** The three service tags for a virtual network whose ranges are `virtualNetwork` (CIDRs, IPv4 or IPv6). */
export function serviceTags(
  virtualNetwork: readonly string[],
  where = 'virtual network',
): Record<ServiceTagName, AddressSet> {
  const vnet = virtualNetwork.length === 0 ? AddressSet.NONE : compileAddressSpec(virtualNetwork, where);
  return {
    VirtualNetwork: vnet,
    AzureLoadBalancer: LOAD_BALANCER_SET,
    Internet: vnet.union(NEVER_INTERNET_SET).complement(),
  };
}
