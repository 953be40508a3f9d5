import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Packet, parseAddress } from '../../../sim/network/address.js';
import { FLOW_FORWARD, FLOW_NONE, FLOW_REPLY, FlowTable } from '../../../sim/network/rules/flow-table.js';
import { arbAddressOf, arbProto, RefFlows, type RefPacket } from './gen.js';

const NAMES = { [FLOW_NONE]: undefined, [FLOW_FORWARD]: 'forward', [FLOW_REPLY]: 'reply' } as const;

function fill(packet: Packet, p: RefPacket): Packet {
  return packet.set(p.proto, parseAddress(p.src), p.srcPort, parseAddress(p.dst), p.dstPort, 'in');
}

describe('FlowTable', () => {
  it('agrees with a linear-search reference under random open/match/close/sweep sequences', () => {
    // A small pool of endpoints so that tuples repeat, reverse and collide; both families.
    const arbEndpoint = fc.tuple(fc.oneof(arbAddressOf(4), arbAddressOf(6)), fc.constantFrom(53, 80, 443, 50000));
    const arbCase = fc
      .uniqueArray(arbEndpoint, { minLength: 2, maxLength: 6, selector: (e) => e.join('#') })
      .chain((pool) => {
        const arbTuple = fc.record({
          proto: arbProto,
          a: fc.constantFrom(...pool),
          b: fc.constantFrom(...pool),
        });
        const op = fc.record({
          kind: fc.constantFrom('open', 'open', 'match', 'match', 'match', 'close', 'sweep'),
          t: arbTuple,
          reverse: fc.boolean(),
          idleUs: fc.constantFrom(1, 10, 1_000),
          gapUs: fc.constantFrom(0, 1, 5, 100, 2_000),
        });
        return fc.array(op, { minLength: 1, maxLength: 40 });
      });
    fc.assert(
      fc.property(arbCase, (ops) => {
        const table = new FlowTable(16);
        const ref = new RefFlows();
        const packet = new Packet();
        let nowUs = 0;
        for (const o of ops) {
          nowUs += o.gapUs;
          const [src, srcPort] = o.reverse ? o.t.b : o.t.a;
          const [dst, dstPort] = o.reverse ? o.t.a : o.t.b;
          const p: RefPacket = { proto: o.t.proto, src, srcPort, dst, dstPort };
          if (o.kind === 'open') {
            table.open(fill(packet, p), nowUs, o.idleUs);
            ref.open(p, nowUs, o.idleUs);
          } else if (o.kind === 'match') {
            expect(NAMES[table.match(fill(packet, p), nowUs)]).toBe(ref.match(p, nowUs));
          } else if (o.kind === 'close') {
            // Either side may still hold an expired, unswept entry, so only the outcome is compared.
            table.close(fill(packet, p));
            ref.close(p);
            expect(table.match(fill(packet, p), nowUs)).toBe(FLOW_NONE);
          } else {
            table.sweep(nowUs);
            expect(table.size).toBe(ref.liveCount(nowUs));
          }
        }
      }),
      { numRuns: 1000, seed: 701 },
    );
  });

  it('grows past its initial capacity and still finds every flow both ways', () => {
    const table = new FlowTable(16);
    const p = new Packet();
    const server = parseAddress('10.0.0.4');
    const clients = Array.from({ length: 5000 }, (_, i) => parseAddress(`10.${(i >> 8) & 255}.${i & 255}.9`));
    clients.forEach((c, i) => {
      table.open(p.set('tcp', c, 10000 + (i % 50000), server, 443, 'in'), i, 1e9);
    });
    expect(table.size).toBe(5000);
    clients.forEach((c, i) => {
      expect(table.match(p.set('tcp', c, 10000 + (i % 50000), server, 443, 'in'), 6000)).toBe(FLOW_FORWARD);
      expect(table.match(p.set('tcp', server, 443, c, 10000 + (i % 50000), 'out'), 6000)).toBe(FLOW_REPLY);
      expect(table.match(p.set('udp', server, 443, c, 10000 + (i % 50000), 'out'), 6000)).toBe(FLOW_NONE);
    });
  });

  it('sweeps expired flows before growing, so steady churn does not grow it without bound', () => {
    const table = new FlowTable(16);
    const p = new Packet();
    const a = parseAddress('10.0.0.1');
    const b = parseAddress('10.0.0.2');
    for (let i = 0; i < 100_000; i++) table.open(p.set('udp', a, i % 65536, b, 53, 'out'), i * 10, 5);
    expect(table.size).toBeLessThanOrEqual(8);
  });

  it('expires a flow exactly idleTimeout after its last packet', () => {
    const table = new FlowTable();
    const p = new Packet().set('udp', parseAddress('10.0.0.1'), 1, parseAddress('10.0.0.2'), 2, 'out');
    table.open(p, 100, 50);
    expect(table.match(p, 149)).toBe(FLOW_FORWARD);
    expect(table.match(p, 198)).toBe(FLOW_FORWARD);
    expect(table.match(p, 248)).toBe(FLOW_NONE);
  });

  it('never matches a packet whose addresses differ in family', () => {
    const table = new FlowTable();
    const p = new Packet().set('tcp', parseAddress('10.0.0.1'), 1, parseAddress('::1'), 2, 'out');
    table.open(p, 0, 100);
    expect(table.size).toBe(0);
    expect(table.match(p, 1)).toBe(FLOW_NONE);
  });

  it('refuses time travel and non-positive timeouts', () => {
    const table = new FlowTable();
    const p = new Packet().set('tcp', parseAddress('10.0.0.1'), 1, parseAddress('10.0.0.2'), 2, 'out');
    table.match(p, 10);
    expect(() => table.match(p, 9)).toThrow(/time went backwards/);
    expect(() => table.open(p, 10, 0)).toThrow(/idle timeout/);
  });
});
