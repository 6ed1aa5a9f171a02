// A Playwright reporter that ends the run with one short paragraph per failed test: where it
// failed and the first lines of its error. CI keeps only the tail of the log, and the list
// reporter's screenshots and call logs push the error itself out of it.
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

const strip = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

export default class FailureSummary implements Reporter {
  private failures: string[] = [];

  onTestEnd(test: TestCase, result: TestResult) {
    if (result.status === 'passed' || result.status === 'skipped' || test.outcome() === 'flaky') return;
    const error = result.errors[0];
    const where = error?.location ? `${error.location.file.replace(/^.*\/e2e\//, '')}:${error.location.line}` : test.location.file;
    const message = strip(error?.message ?? result.status).split('\n').filter((l) => l.trim()).slice(0, 6).join('\n    ');
    this.failures.push(`  ${test.titlePath().slice(1).join(' › ')}\n    at ${where}\n    ${message}`);
  }

  onEnd(_: FullResult) {
    if (this.failures.length === 0) return;
    console.log(`\nFailed (${this.failures.length}):\n${this.failures.join('\n\n')}`);
  }
}
