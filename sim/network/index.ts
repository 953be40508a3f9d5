// The network layer: addresses, message delivery between actors, and the rule engines that decide each message.
export * from './address.js';
export { type Actor, type Delivery, type DeliveryPolicy, Network } from './net.js';
export * from './rules/index.js';
