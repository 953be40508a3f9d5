/**
 * Text panels need not redraw sixty times a second: while the replay plays, a panel redraws at most every `ms`
 * milliseconds (the last request always lands); when paused, at once.
 */
import type { App } from '../app.js';

export function throttledWhilePlaying(app: App, render: () => void, ms = 250): () => void {
  let last = 0;
  let timer = 0;
  return () => {
    const now = performance.now();
    if (!app.playing || now - last >= ms) {
      if (timer) {
        clearTimeout(timer);
        timer = 0;
      }
      last = now;
      render();
      return;
    }
    if (!timer) {
      timer = window.setTimeout(
        () => {
          timer = 0;
          last = performance.now();
          render();
        },
        ms - (now - last),
      );
    }
  };
}
