/**
 * The viewer's "Export…": the download holds exactly what `fabricsim export` writes, under the usual file name, and
 * the object URL is released afterwards.
 */
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, type ExportFormat } from '../../sim/export/index.js';
import { type DownloadHost, downloadExport, exportBlob, MENU } from '../../viz/src/export-menu.js';
import { exportBytes, scenarioTimeline } from '../export/helpers.js';

describe('the Export… menu', () => {
  it('offers exactly the formats sim/export writes, with their labels', () => {
    expect(MENU).toEqual(Object.values(EXPORT_FORMATS).map((f) => ({ format: f.format, label: f.label })));
  });
});

describe.each(Object.keys(EXPORT_FORMATS) as ExportFormat[])('Export… %s', (format) => {
  const timeline = scenarioTimeline('quickstart');

  it('makes a Blob of the same bytes as the command line, with the format type', async () => {
    const blob = await exportBlob(timeline, format);
    expect(blob.type).toBe(EXPORT_FORMATS[format].mimeType);
    expect(Buffer.from(await blob.arrayBuffer()).equals(exportBytes(timeline, format).bytes)).toBe(true);
  });

  it('downloads it as <scenario><extension> and releases the URL', async () => {
    const calls: string[] = [];
    let blob: Blob | undefined;
    const host: DownloadHost = {
      createObjectURL: (b) => {
        blob = b;
        calls.push('create');
        return 'blob:x';
      },
      click: (url, name) => calls.push(`click ${url} ${name}`),
      revokeObjectURL: (url) => calls.push(`revoke ${url}`),
    };
    const name = await downloadExport(timeline, format, host);
    expect(name).toBe(`quickstart${EXPORT_FORMATS[format].extension}`);
    await new Promise((r) => setTimeout(r, 5));
    expect(calls).toEqual(['create', `click blob:x ${name}`, 'revoke blob:x']);
    expect(blob!.size).toBe(exportBytes(timeline, format).bytes.length);
  });
});
