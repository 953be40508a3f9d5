/**
 * The load worker: downloads or reads a timeline file, parses and checks it (either version), and hands the page
 * the document with its events in columns — typed arrays, transferred rather than copied — so that the page stays
 * responsive while the bytes arrive and the JSON is parsed, and only rebuilds the event objects itself.
 */
import { columnBuffers, TimelineError } from '../../../sim/trace/index.js';
import { pack } from './pack.js';
import type { LoadRequest, LoadResponse } from './protocol.js';

const post = (msg: LoadResponse, transfer: Transferable[] = []): void =>
  (self as unknown as Worker).postMessage(msg, transfer);

class ReadError extends Error {}

/** The file's bytes as text, reporting download progress where the size is known. */
async function readText(req: LoadRequest): Promise<{ text: string; bytes: number }> {
  if (req.source === 'file') {
    const buf = await req.file.arrayBuffer();
    return { text: new TextDecoder().decode(buf), bytes: buf.byteLength };
  }
  let res: Response;
  try {
    res = await fetch(req.url);
  } catch (e) {
    throw new ReadError(e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) throw new ReadError(`the server answered ${res.status} ${res.statusText} for ${req.url}`);
  const total = Number(res.headers.get('content-length'));
  if (!res.body || !(Number.isFinite(total) && total > 0)) {
    const buf = await res.arrayBuffer();
    return { text: new TextDecoder().decode(buf), bytes: buf.byteLength };
  }
  // Known size: read into one buffer, reporting progress now and then.
  const all = new Uint8Array(total);
  let at = 0;
  let reported = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > all.length)
      throw new ReadError(`the server sent more than the ${total} bytes it announced`);
    all.set(value, at);
    at += value.length;
    if (at - reported > total / 50) {
      reported = at;
      post({ id: req.id, type: 'progress', phase: 'download', fraction: at / total });
    }
  }
  return { text: new TextDecoder().decode(at === total ? all : all.subarray(0, at)), bytes: at };
}

self.onmessage = async (ev: MessageEvent<LoadRequest>) => {
  const req = ev.data;
  try {
    const r0 = performance.now();
    const startedAt = performance.timeOrigin + r0;
    let read: { text: string; bytes: number };
    try {
      read = await readText(req);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      post({ id: req.id, type: 'error', kind: 'read', message });
      return;
    }
    const p0 = performance.now();
    post({ id: req.id, type: 'progress', phase: 'parse', fraction: 0 });
    const packed = pack(read.text);
    const p1 = performance.now();
    post(
      {
        id: req.id,
        type: 'done',
        packed,
        bytes: read.bytes,
        readMs: p0 - r0,
        parseMs: p1 - p0,
        startedAt,
        postedAt: performance.timeOrigin + performance.now(),
      },
      columnBuffers(packed.columns),
    );
  } catch (e) {
    const message = e instanceof TimelineError || e instanceof Error ? e.message : String(e);
    post({ id: req.id, type: 'error', kind: 'timeline', message });
  }
};
