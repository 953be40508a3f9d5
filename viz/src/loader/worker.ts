/**
 * The load worker: downloads or reads a timeline file, parses and checks it (either version), and hands the page
 * the document with its events in columns — typed arrays, transferred rather than copied — so that the page stays
 * responsive while the bytes arrive and the JSON is parsed, and only rebuilds the event objects itself. A version-2 or
 * -3 file is parsed as it arrives (stream.ts): the page gets its head and its first events while the rest downloads.
 */
import { columnBuffers, TimelineError } from '../../../sim/trace/index.js';
import { pack } from './pack.js';
import type { LoadRequest, LoadResponse } from './protocol.js';
import { BlockStreamParser, type StreamEnd } from './stream.js';

const post = (msg: LoadResponse, transfer: Transferable[] = []): void =>
  (self as unknown as Worker).postMessage(msg, transfer);

class ReadError extends Error {}

/** Reads the file's bytes into `parser` as they arrive, reporting download progress where the size is known. */
async function read(req: LoadRequest): Promise<{ parser: BlockStreamParser; end: StreamEnd; readMs: number }> {
  const r0 = performance.now();
  let body: ReadableStream<Uint8Array> | null;
  let total: number;
  if (req.source === 'file') {
    body = req.file.stream();
    total = req.file.size;
  } else {
    let res: Response;
    try {
      res = await fetch(req.url);
    } catch (e) {
      throw new ReadError(e instanceof Error ? e.message : String(e));
    }
    if (!res.ok) throw new ReadError(`the server answered ${res.status} ${res.statusText} for ${req.url}`);
    body = res.body;
    total = Number(res.headers.get('content-length'));
    if (!(Number.isFinite(total) && total > 0)) total = 0;
    if (!body) {
      const parser = new BlockStreamParser(sink(req.id));
      parser.push(new Uint8Array(await res.arrayBuffer()));
      const readMs = performance.now() - r0;
      return { parser, end: parser.end(), readMs };
    }
  }
  const parser = new BlockStreamParser(sink(req.id), total || undefined);
  let reported = 0;
  const reader = body.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (e) {
      throw new ReadError(e instanceof Error ? e.message : String(e));
    }
    if (chunk.done) break;
    if (total > 0 && parser.received + chunk.value.length > total)
      throw new ReadError(`the server sent more than the ${total} bytes it announced`);
    parser.push(chunk.value);
    if (total > 0 && parser.received - reported > total / 50) {
      reported = parser.received;
      post({ id: req.id, type: 'progress', phase: 'download', fraction: reported / total });
    }
  }
  const readMs = performance.now() - r0;
  return { parser, end: parser.end(), readMs };
}

/** Where the parser's pieces go: to the page, the typed arrays transferred. */
function sink(id: number) {
  return {
    head: (text: string) => post({ id, type: 'head', text }),
    columns: (columns: Parameters<typeof columnBuffers>[0]) =>
      post({ id, type: 'columns', columns }, columnBuffers(columns)),
    eventsEnd: () => post({ id, type: 'events-end' }),
    faults: (text: string) => post({ id, type: 'faults', text }),
  };
}

self.onmessage = async (ev: MessageEvent<LoadRequest>) => {
  const req = ev.data;
  try {
    const startedAt = performance.timeOrigin + performance.now();
    let got: Awaited<ReturnType<typeof read>>;
    try {
      got = await read(req);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      post({ id: req.id, type: 'error', kind: 'read', message });
      return;
    }
    const { parser, end, readMs } = got;
    const finished = () => ({
      bytes: parser.received,
      readMs,
      parseMs: parser.parseMs,
      startedAt,
      postedAt: performance.timeOrigin + performance.now(),
    });
    if (end.kind === 'streamed') {
      post({ id: req.id, type: 'end', version: end.version, tail: end.tail, faultsAt: end.faultsAt, ...finished() });
      return;
    }
    post({ id: req.id, type: 'progress', phase: 'parse', fraction: 0 });
    const p0 = performance.now();
    const packed = pack(end.text);
    parser.parseMs += performance.now() - p0;
    post({ id: req.id, type: 'done', packed, ...finished() }, columnBuffers(packed.columns));
  } catch (e) {
    const message = e instanceof TimelineError || e instanceof Error ? e.message : String(e);
    post({ id: req.id, type: 'error', kind: 'timeline', message });
  }
};
