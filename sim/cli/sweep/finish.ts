/** The end of a whole sweep (or a merge): the summary on stdout, the report if asked for, and the exit code. */
import { resolve } from 'node:path';
import type { RunRecord } from '../../sweep/index.js';
import { EXIT_BUG, EXIT_OK, gather, summarizeSweep, toJson } from '../../sweep/index.js';
import { writable } from './command-io.js';
import type { SweepHeader } from './header.js';
import type { ProgressSink } from './progress.js';
import { writeReport } from './report.js';
import { renderSummary } from './table.js';

export function finishSummary(
  header: SweepHeader,
  records: readonly RunRecord[],
  o: { json: boolean; reportPath: string | undefined; cwd: string; stdout: ProgressSink; stderr: ProgressSink },
): number {
  const summary = summarizeSweep(header, records);
  if (o.reportPath !== undefined) {
    const reportPath = o.reportPath;
    writable(reportPath, () => writeReport(resolve(o.cwd, reportPath), summary, gather(header, records)));
    o.stderr.write(`sweep: report written to ${o.reportPath}\n`);
  }
  o.stdout.write(o.json ? toJson(summary) + '\n' : renderSummary(summary));
  if (summary.failedRuns.length > 0) {
    o.stderr.write(`sweep: ${summary.failedRuns.length} runs threw an error (listed in the summary)\n`);
    return EXIT_BUG;
  }
  return EXIT_OK;
}
