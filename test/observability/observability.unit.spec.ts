import * as fs from 'node:fs';
import * as path from 'node:path';
import { METRIC_CATALOGUE } from '@crosscare/metrics';
import { parse } from 'yaml';
import { expressionProblems, metricOfSeries, readPromql } from './promql';

/**
 * The alert rules, the Grafana dashboard and compose's Prometheus are files no service loads, so nothing else would
 * notice when one names a metric the code no longer exports, an expression Prometheus cannot parse, a runbook
 * section that does not exist, or a service Prometheus does not scrape.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const OBSERVABILITY = path.join(ROOT, 'deploy', 'observability');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function alertRules(): AlertRule[] {
  const file = parse(read('deploy/observability/prometheus/alerts.yml')) as {
    groups: { rules: AlertRule[] }[];
  };
  return file.groups.flatMap((g) => g.rules);
}

function dashboardTargets(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(read('deploy/observability/grafana/dashboards/crosscare.json')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  return new Set(
    [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

const KNOWN = new Set(METRIC_CATALOGUE.map((m) => m.name));

describe('expression checks', () => {
  it('catch an expression Prometheus could not parse and a metric nobody exports', () => {
    expect(expressionProblems('sum(rate(crosscare_consumer_lag[5m])', KNOWN)).toEqual([
      expect.stringMatching(/does not parse/),
    ]);
    expect(expressionProblems('sum(crosscare_consumer_lagg)', KNOWN)).toEqual([
      'names crosscare_consumer_lagg, which no service exports',
    ]);
    expect(expressionProblems('sum(crosscare_consumer_lag) > 0 and up == 0', KNOWN)).toEqual([]);
  });
});

describe('alert rules (deploy/observability/prometheus/alerts.yml)', () => {
  const rules = alertRules();
  const runbook = anchors(read('docs/operations.md'));

  it('cover what the issue names: lag, dead letters, 503s, audit failures, certificates and grants', () => {
    const metricsAlertedOn = new Set(rules.flatMap((r) => readPromql(r.expr).metrics));
    for (const metric of [
      'crosscare_consumer_lag',
      'crosscare_dead_letters_total',
      'crosscare_http_requests_total',
      'crosscare_record_api_audit_failures_total',
      'crosscare_tls_certificate_expiry_timestamp_seconds',
      'crosscare_subscriber_grant_expiry_timestamp_seconds',
    ]) {
      expect(metricsAlertedOn).toContain(metric);
    }
  });

  it.each(alertRules().map((r) => [r.alert, r] as const))(
    '%s parses and names only exported metrics',
    (_, rule) => {
      expect(expressionProblems(rule.expr, KNOWN)).toEqual([]);
    },
  );

  it.each(alertRules().map((r) => [r.alert, r] as const))(
    '%s has a severity, a summary and a runbook',
    (_, rule) => {
      expect(rule.alert).toMatch(/^Crosscare[A-Z][A-Za-z0-9]+$/);
      expect(['page', 'ticket']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toBeTruthy();
      const [file, anchor] = rule.annotations.runbook_url.split('#');
      expect(file).toBe('docs/operations.md');
      expect(runbook).toContain(anchor);
    },
  );

  it('has one name per alert', () => {
    const names = rules.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('Grafana dashboard (deploy/observability/grafana/dashboards/crosscare.json)', () => {
  const dashboard = JSON.parse(read('deploy/observability/grafana/dashboards/crosscare.json')) as {
    uid: string;
    panels: {
      id: number;
      type: string;
      gridPos: { x: number; y: number; w: number; h: number };
      datasource?: { uid: string };
    }[];
  };

  it.each(dashboardTargets().map((t) => [t.panel, t.expr]))('%s: %s', (_, expr) => {
    expect(expressionProblems(expr, KNOWN)).toEqual([]);
  });

  it('queries the provisioned data source, with unique panel ids and no overlapping panels', () => {
    const datasources = parse(
      read('deploy/observability/grafana/provisioning/datasources/prometheus.yml'),
    ) as {
      datasources: { uid: string }[];
    };
    const uids = new Set(datasources.datasources.map((d) => d.uid));
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      if (panel.type !== 'row') expect(uids).toContain(panel.datasource?.uid);
      const { x, y, w, h } = panel.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let col = x; col < x + w; col++) {
        for (let row = y; row < y + h; row++) {
          expect(cells.has(`${col},${row}`)).toBe(false);
          cells.add(`${col},${row}`);
        }
      }
    }
  });

  it('shows every metric the alert rules fire on', () => {
    const shown = new Set(dashboardTargets().flatMap((t) => readPromql(t.expr).metrics.map(metricOfSeries)));
    for (const rule of alertRules()) {
      for (const metric of readPromql(rule.expr).metrics) {
        if (metric === 'up') continue;
        expect(`${rule.alert}: ${shown.has(metricOfSeries(metric)) ? 'shown' : `${metric} not shown`}`).toBe(
          `${rule.alert}: shown`,
        );
      }
    }
  });
});

describe("docker compose's Prometheus and Grafana", () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<
      string,
      { build?: { args?: { APP?: string } }; environment?: Record<string, string>; volumes?: string[] }
    >;
  };
  const prometheus = parse(read('deploy/observability/prometheus/prometheus.yml')) as {
    rule_files: string[];
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };

  it("scrapes every Crosscare service on the port it listens on, in a job named for CrosscareServiceDown's selector", () => {
    const targets = new Map(
      prometheus.scrape_configs.flatMap((job) =>
        job.static_configs.flatMap((c) => c.targets.map((t) => [t, job.job_name] as const)),
      ),
    );
    const services = Object.entries(compose.services).filter(([, s]) => s.build?.args?.APP);
    expect(services.length).toBeGreaterThanOrEqual(7);
    for (const [name, service] of services) {
      const port = Object.entries(service.environment ?? {}).find(
        ([k]) => k.endsWith('_PORT') && !k.includes('MLLP'),
      )?.[1];
      expect(`${name}:${port} → ${targets.get(`${name}:${port}`) ?? 'not scraped'}`).toMatch(
        new RegExp(`^${name}:\\d+ → crosscare-`),
      );
    }
  });

  it('mounts the files that exist here, and loads the alert rules Prometheus is told of', () => {
    const mounts = ['prometheus', 'grafana'].flatMap((s) => compose.services[s].volumes ?? []);
    for (const mount of mounts.filter((m) => m.startsWith('./'))) {
      expect(fs.existsSync(path.join(ROOT, mount.split(':')[0]))).toBe(true);
    }
    const ruleMount = mounts.find((m) => m.endsWith(':/etc/prometheus/alerts.yml:ro'));
    expect(ruleMount).toBe('./deploy/observability/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro');
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    expect(fs.existsSync(path.join(OBSERVABILITY, 'grafana', 'dashboards', 'crosscare.json'))).toBe(true);
  });
});
