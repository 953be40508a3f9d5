/**
 * Output in pieces: writers hand their text or bytes to a `ChunkSink` a few hundred kilobytes at a time, so a
 * million-event export never builds one giant string (Node writes the pieces to a file, the browser to a Blob).
 */

/** Receives the output in order. */
export type ChunkSink = (chunk: string | Uint8Array) => void;

/** Collects small strings and passes them on joined, about `size` characters at a time. */
export class TextChunker {
  private parts: string[] = [];
  private length = 0;
  constructor(
    private readonly sink: ChunkSink,
    private readonly size = 1 << 18,
  ) {}
  push(text: string): void {
    this.parts.push(text);
    this.length += text.length;
    if (this.length >= this.size) this.flush();
  }
  flush(): void {
    if (this.parts.length === 0) return;
    this.sink(this.parts.join(''));
    this.parts = [];
    this.length = 0;
  }
}
