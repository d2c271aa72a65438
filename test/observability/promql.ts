import { parser } from '@prometheus-io/lezer-promql';

/** What an expression in an alert rule or a dashboard panel says, as far as the checks below need to know. */
export interface PromqlReading {
  /** Where the grammar could not parse it (character offsets); empty when it parses. */
  readonly errorsAt: readonly number[];
  /** Every metric the expression selects, as written (a histogram's series keep their _bucket/_sum/_count). */
  readonly metrics: readonly string[];
}

/**
 * Reads a PromQL expression with Prometheus' own grammar (the one its UI uses), so a typo fails here rather than in
 * a Prometheus that silently never fires. Metric names are the selectors' identifiers; label names, function names
 * and keywords are other node types.
 */
export function readPromql(expr: string): PromqlReading {
  const errorsAt: number[] = [];
  const metrics = new Set<string>();
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errorsAt.push(node.from);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        metrics.add(expr.slice(node.from, node.to));
      }
    },
  });
  return { errorsAt, metrics: [...metrics] };
}

/** The metric a series name belongs to: a histogram's _bucket, _sum and _count series are the histogram's. */
export function metricOfSeries(series: string): string {
  return series.replace(/_(bucket|sum|count)$/, '');
}

/** Metrics that come from Prometheus itself or from prom-client's process collector, not from Crosscare's code. */
const FOREIGN = /^(up|process_[a-z0-9_]+|nodejs_[a-z0-9_]+)$/;

/** Problems with one expression: parse errors, and metrics that neither Crosscare nor Prometheus exports. */
export function expressionProblems(expr: string, known: ReadonlySet<string>): string[] {
  const reading = readPromql(expr);
  return [
    ...reading.errorsAt.map((at) => `does not parse at character ${at}`),
    ...reading.metrics
      .filter((series) => !FOREIGN.test(series) && !known.has(metricOfSeries(series)) && !known.has(series))
      .map((series) => `names ${series}, which no service exports`),
  ];
}
