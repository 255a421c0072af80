import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config';

/**
 * The deployment files are code too: deploy/kubernetes (kubectl apply -k), docker-compose.yml and
 * the Grafana dashboard are checked against the Kubernetes schemas and against what the app really
 * reads, serves and exports, so neither side can drift silently.
 */
const root = path.resolve(__dirname, '..', '..');
const k8sDir = path.join(root, 'deploy', 'kubernetes');
const read = (...p: string[]) => fs.readFileSync(path.join(root, ...p), 'utf8');
const validator = path.join(root, 'test', 'support', 'validate-k8s.mjs');

type Obj = Record<string, any>;
type Report = Array<{ file: string; index: number; kind?: string; name?: string; errors: string[]; valid: boolean; skipped?: string }>;

const yamlFiles = fs.readdirSync(k8sDir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
const manifestFiles = yamlFiles.filter((f) => f !== 'kustomization.yaml');
const docs: Obj[] = manifestFiles.flatMap((f) =>
  parseAllDocuments(fs.readFileSync(path.join(k8sDir, f), 'utf8'))
    .map((d) => d.toJS() as Obj | null)
    .filter((d): d is Obj => d !== null),
);
const kustomization = parse(read('deploy', 'kubernetes', 'kustomization.yaml')) as Obj;

const find = (kind: string, name: string): Obj => {
  const doc = docs.find((d) => d.kind === kind && d.metadata?.name === name);
  if (!doc) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return doc;
};
const web = find('Deployment', 'sfa-web');
const worker = find('Deployment', 'sfa-worker');
const migrateJob = find('Job', 'sfa-migrate');
const configMap = find('ConfigMap', 'sfa-config');
const secret = find('Secret', 'sfa-secrets');
const podSpecs: Array<[string, Obj]> = [['sfa-web', web.spec.template.spec], ['sfa-worker', worker.spec.template.spec], ['sfa-migrate', migrateJob.spec.template.spec]];
const container = (d: Obj): Obj => d.spec.template.spec.containers[0];

const runValidator = (files: string[]): { status: number | null; report: Report; stderr: string } => {
  const run = spawnSync(process.execPath, [validator, '--json', ...files], { cwd: root, encoding: 'utf8' });
  let report: Report = [];
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch {
    throw new Error(`validator printed no report (status ${run.status}): ${run.stderr}`);
  }
  return { status: run.status, report, stderr: run.stderr };
};

/** The variables src/config.ts reads: the keys of its zod schema. */
const configKeys = new Set([...read('src', 'config.ts').matchAll(/^ {4}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!));

/** The GET routes the app serves for operations: health and readiness (create-http-app), metrics (metrics-endpoint). */
const servedPaths = new Set(
  [read('src', 'http', 'create-http-app.ts'), read('src', 'http', 'metrics-endpoint.ts')].flatMap((text) => [...text.matchAll(/app\.get\('(\/[^']*)'/g)].map((m) => m[1]!)),
);

const hasBinary = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

describe('deploy/kubernetes', () => {
  it('every document is valid against the Kubernetes schemas of kubernetes-models, with no unknown fields', () => {
    const { status, report } = runValidator(yamlFiles.map((f) => path.join(k8sDir, f)));
    const problems = report.filter((r) => !r.valid).map((r) => `${r.file}#${r.index} ${r.kind} ${r.name}: ${r.errors.join('; ')}`);
    expect(problems).toEqual([]);
    expect(status).toBe(0);
    // Everything but the kustomization was really checked, not skipped.
    expect(report.filter((r) => !r.skipped)).toHaveLength(docs.length);
    expect(report.filter((r) => r.skipped).map((r) => r.file)).toEqual(['deploy/kubernetes/kustomization.yaml']);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual(
      [
        'ConfigMap/sfa-config', 'Deployment/sfa-web', 'Deployment/sfa-worker', 'HorizontalPodAutoscaler/sfa-web', 'HorizontalPodAutoscaler/sfa-worker',
        'Job/sfa-migrate', 'PodDisruptionBudget/sfa-web', 'PodDisruptionBudget/sfa-worker', 'Secret/sfa-secrets', 'Service/sfa-web',
      ].sort(),
    );
  });

  it('the validator rejects broken manifests: a string port, no selector, an unknown field, an unknown kind', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfa-k8s-'));
    try {
      const broken = structuredClone(web);
      delete broken.spec.selector;
      broken.spec.template.spec.containers[0].ports[0].containerPort = '3000';
      broken.spec.template.spec.containers[0].readinesProbe = broken.spec.template.spec.containers[0].readinessProbe;
      broken.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
      const hpa = structuredClone(find('HorizontalPodAutoscaler', 'sfa-worker'));
      hpa.spec.metrics[0].external.metric.selector.matchLabel = { state: 'waiting' };
      const file = path.join(dir, 'broken.yaml');
      const typo = { apiVersion: 'apps/v1', kind: 'Deploymnt', metadata: { name: 'typo' } };
      fs.writeFileSync(file, [broken, hpa, typo].map((d) => JSON.stringify(d)).join('\n---\n'));

      const { status, report } = runValidator([file]);
      expect(status).toBe(1);
      expect(report.map((r) => r.valid)).toEqual([false, false, false]);
      const [deployment, autoscaler, unknown] = report.map((r) => r.errors.join('\n'));
      expect(deployment).toMatch(/must have required property selector/);
      expect(deployment).toMatch(/containerPort must be integer/);
      expect(deployment).toMatch(/containers\[0\]\.readinesProbe is not a field/);
      expect(deployment).toMatch(/securityContext\.readOnlyRootFileSystem is not a field/);
      expect(autoscaler).toMatch(/selector\.matchLabel is not a field/);
      expect(unknown).toMatch(/no Kubernetes model for apps\/v1 Deploymnt/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the kustomization lists every manifest file and sets no namespace', () => {
    expect(kustomization).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' });
    expect([...(kustomization.resources as string[])].sort()).toEqual(manifestFiles);
    expect(kustomization.namespace).toBeUndefined();
    expect(docs.filter((d) => d.metadata.namespace !== undefined)).toEqual([]);
    // One image name, which an overlay's `images:` entry replaces.
    expect(new Set(podSpecs.map(([, spec]) => spec.containers[0].image))).toEqual(new Set(['sfa']));
  });

  (hasBinary('kubectl') ? describe : describe.skip)('with kubectl on PATH', () => {
    const build = (dir: string): Obj[] => {
      const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
      if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr}`);
      return parseAllDocuments(run.stdout).map((d) => d.toJS() as Obj);
    };

    it('kubectl kustomize builds the directory unchanged', () => {
      const built = build(k8sDir);
      expect(built.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort());
    });

    it('the production overlay in docs/operations/kubernetes.md builds: namespace, image, no placeholder Secret', () => {
      const doc = read('docs', 'operations', 'kubernetes.md');
      // The fenced block, possibly indented under a list item.
      const block = /^( *)```yaml\n(\1# deploy\/overlays\/production\/kustomization\.yaml\n[\s\S]*?)^\1```/m.exec(doc);
      expect(block).not.toBeNull();
      const overlay = block![2]!.split('\n').map((line) => line.slice(block![1]!.length)).join('\n');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfa-overlay-'));
      try {
        // The docs' overlay sits in deploy/overlays/production; here it points at the base from a temp directory.
        fs.writeFileSync(path.join(dir, 'kustomization.yaml'), overlay.replace('../../kubernetes', path.relative(dir, k8sDir)));
        const built = build(dir);
        expect(built.filter((d) => d.kind === 'Secret')).toEqual([]);
        expect(new Set(built.map((d) => d.metadata.namespace))).toEqual(new Set(['sfa']));
        const images = built.filter((d) => d.spec?.template?.spec).map((d) => d.spec.template.spec.containers[0].image as string);
        expect(images).toHaveLength(3);
        for (const image of images) expect(image).toMatch(/^registry\.example\.com\/sfa:\d+\.\d+\.\d+$/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('sets only environment variables that src/config.ts reads, each from one place', () => {
    expect(configKeys.size).toBeGreaterThan(20);
    const configMapKeys = Object.keys(configMap.data);
    const secretKeys = Object.keys(secret.stringData);
    const containerEnv = podSpecs.flatMap(([, spec]) => (spec.containers as Obj[]).flatMap((c) => ((c.env ?? []) as Obj[]).map((e) => e.name as string)));
    const unknown = [...configMapKeys, ...secretKeys, ...containerEnv].filter((k) => !configKeys.has(k));
    expect(unknown).toEqual([]);
    expect(configMapKeys.filter((k) => secretKeys.includes(k))).toEqual([]);
    // The secrets are in the Secret, not the ConfigMap.
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'ENCRYPTION_KEY', 'SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'MICROSOFT_APP_PASSWORD', 'METRICS_TOKEN', 'ADMIN_PASSWORD']) {
      expect(secretKeys).toContain(key);
    }
    // Every pod gets both, in that order (a key in both would let the Secret win silently).
    for (const [name, spec] of podSpecs) {
      expect({ name, envFrom: spec.containers[0].envFrom }).toEqual({ name, envFrom: [{ configMapRef: { name: 'sfa-config' } }, { secretRef: { name: 'sfa-secrets' } }] });
    }
  });

  it('the config is accepted by the app once the secrets are filled in, and refused with the placeholders', () => {
    const filled: Record<string, string> = {
      DATABASE_URL: 'postgres://sfa:pw@db.internal:5432/sfa',
      REDIS_URL: 'redis://:pw@redis.internal:6379',
      ENCRYPTION_KEY: 'a'.repeat(64),
      SLACK_SIGNING_SECRET: 'b'.repeat(32),
      SLACK_BOT_TOKEN: 'xoxb-1-2-3',
      METRICS_TOKEN: 'c'.repeat(32),
    };
    const placeholders = Object.entries(secret.stringData as Record<string, string>).filter(([, v]) => v !== '').map(([k]) => k);
    expect(placeholders.sort()).toEqual(Object.keys(filled).sort());
    for (const [role, deployment] of [['web', web], ['worker', worker]] as const) {
      const env = { ...configMap.data, ...secret.stringData, ...filled, ...Object.fromEntries((container(deployment).env as Obj[]).map((e) => [e.name, e.value])) };
      const config = loadConfig(env);
      expect({ role: config.role, nodeEnv: config.nodeEnv, playground: config.playground }).toEqual({ role, nodeEnv: 'production', playground: false });
      expect(config.port).toBe(container(deployment).ports[0].containerPort);
      expect(config.host).toBeUndefined(); // all interfaces: the kubelet probes the pod IP
    }
    let refused: unknown;
    try {
      loadConfig({ ...configMap.data, ...secret.stringData, SFA_ROLE: 'web' });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ConfigError);
    const named = (refused as ConfigError).problems.join('\n');
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'ENCRYPTION_KEY', 'SLACK_BOT_TOKEN', 'METRICS_TOKEN']) expect(named).toContain(key);
  });

  it('web and worker: one image, their role, 2 replicas, port `http` = PORT, probes on paths the app serves', () => {
    expect([...servedPaths]).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics']));
    expect(container(web).image).toBe(container(worker).image);
    expect(container(migrateJob).image).toBe(container(web).image);
    for (const [role, deployment] of [['web', web], ['worker', worker]] as const) {
      const c = container(deployment);
      expect({ role, replicas: deployment.spec.replicas }).toEqual({ role, replicas: 2 });
      expect(c.env).toEqual([{ name: 'SFA_ROLE', value: role }]);
      expect(c.ports).toEqual([{ name: 'http', containerPort: Number(configMap.data.PORT), protocol: 'TCP' }]);
      expect(c.command).toBeUndefined(); // the image's CMD: node dist/src/main.js
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        if (c[probe]) expect(servedPaths).toContain(c[probe].httpGet.path);
      }
      // readiness checks PostgreSQL and Redis with a 1 s timeout each (src/http/readiness.ts).
      expect(c.readinessProbe.timeoutSeconds).toBeGreaterThan(1);
      const annotations = deployment.spec.template.metadata.annotations;
      expect(annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(c.ports[0].containerPort), 'prometheus.io/path': '/metrics' });
      expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    }
    const service = find('Service', 'sfa-web');
    expect(service.spec.selector).toEqual(web.spec.selector.matchLabels);
    expect(service.spec.selector).not.toEqual(worker.spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([{ name: 'http', port: Number(configMap.data.PORT), targetPort: 'http', protocol: 'TCP' }]);
  });

  it('grace periods outlast the app\'s own shutdown waits; web sleeps before SIGTERM so endpoints drain', () => {
    const workerWaitMs = Number(/const shutdownGraceMs = ([\d_]+);/.exec(read('src', 'jobs', 'worker.ts'))?.[1]?.replace(/_/g, ''));
    const webWaitMs = Number(/inFlight\.idle\(\), delay\(([\d_]+)\)/.exec(read('src', 'service.ts'))?.[1]?.replace(/_/g, ''));
    expect(workerWaitMs).toBe(60_000);
    expect(webWaitMs).toBe(10_000);
    const preStop = container(web).lifecycle.preStop.exec.command as string[];
    expect(preStop[0]).toBe('sleep');
    const sleep = Number(preStop[1]);
    expect(sleep).toBeGreaterThanOrEqual(3);
    expect(web.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(sleep + webWaitMs / 1000 + 5);
    expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(workerWaitMs / 1000 + 10);
  });

  it('pods run as the image\'s non-root user on a read-only root file system, with an emptyDir at /tmp and resources set', () => {
    expect(read('Dockerfile')).toMatch(/^USER node$/m); // uid 1000 in the node images
    for (const [name, spec] of podSpecs) {
      expect({ name, ...spec.securityContext }).toMatchObject({ name, runAsNonRoot: true, runAsUser: 1000 });
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const c of spec.containers as Obj[]) {
        expect({ name, ...c.securityContext }).toMatchObject({ name, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        const tmp = (c.volumeMounts as Obj[]).find((m) => m.mountPath === '/tmp');
        expect(spec.volumes.find((v: Obj) => v.name === tmp?.name)?.emptyDir).toBeDefined();
        for (const kind of ['requests', 'limits']) expect(Object.keys(c.resources[kind]).sort()).toEqual(['cpu', 'memory']);
      }
    }
    const mebibytes = (q: string) => Number(/^(\d+)(Mi|Gi)$/.exec(q)![1]) * (q.endsWith('Gi') ? 1024 : 1);
    expect(mebibytes(container(worker).resources.requests.memory)).toBeGreaterThanOrEqual(512);
  });

  it('the migration Job runs the CLI\'s migrate command, which the image can run', () => {
    const c = container(migrateJob);
    expect(c.command).toBeUndefined(); // tini stays the entrypoint
    expect(c.args).toEqual(['node', 'bin/sfa.js', 'migrate']);
    expect(migrateJob.spec.template.spec.restartPolicy).toBe('Never');
    expect(read('bin', 'sfa.js')).toContain("require('../src/cli/main.ts')");
    expect(read('src', 'cli', 'main.ts')).toMatch(/words: \['migrate'\],[\s\S]{0,200}run: \(ctx\) => migrateCommand\(ctx\)/);
    // bin/sfa.js compiles src/ with tsx on load: the runtime image needs both, and `npm prune --omit=dev` keeps only dependencies.
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/COPY --from=build \/app\/src \.\/src/);
    expect(dockerfile).toMatch(/COPY bin \.\/bin/);
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.tsx).toBeDefined();
    // A configuration error (exit 78) is not retried.
    expect(migrateJob.spec.podFailurePolicy.rules[0]).toMatchObject({ action: 'FailJob', onExitCodes: { operator: 'In', values: [78] } });
    // The Job can be applied with its config alone, before the Deployments.
    const phase = docs.filter((d) => d.metadata.labels?.['sfa-phase'] === 'migrate').map((d) => d.kind).sort();
    expect(phase).toEqual(['ConfigMap', 'Job', 'Secret']);
  });

  it('disruption budgets and autoscalers point at the Deployments: web on CPU, workers on waiting jobs', () => {
    for (const deployment of [web, worker]) {
      const pdb = find('PodDisruptionBudget', deployment.metadata.name);
      expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: deployment.spec.selector.matchLabels } });
      const hpa = find('HorizontalPodAutoscaler', deployment.metadata.name);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
      expect(hpa.spec.minReplicas).toBe(deployment.spec.replicas);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    }
    expect(find('HorizontalPodAutoscaler', 'sfa-web').spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    const external = (find('HorizontalPodAutoscaler', 'sfa-worker').spec.metrics as Obj[]).find((m) => m.type === 'External');
    expect(external?.external.metric).toEqual({ name: 'sfa_queue_jobs', selector: { matchLabels: { state: 'waiting' } } });
    // The metric and its label are the ones the app exports.
    expect(read('src', 'http', 'metrics-endpoint.ts')).toMatch(/name: 'sfa_queue_jobs'[\s\S]{0,200}labelNames: \['queue', 'state'\]/);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as Obj;
  const env = (service: string): Obj => compose.services[service].environment;

  it('parses and runs both roles from one build, after a one-off migration', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['migrate', 'postgres', 'redis', 'web', 'worker']);
    for (const role of ['web', 'worker']) {
      expect(compose.services[role].build).toBe('.');
      expect(env(role).SFA_ROLE).toBe(role);
      expect(compose.services[role].depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
    expect(compose.services.migrate.build).toBe('.');
    expect(compose.services.migrate.command).toEqual(container(migrateJob).args);
    expect(compose.services.web.healthcheck.test.join(' ')).toContain('/readyz');
    expect(compose.services.worker.stop_grace_period).toBe('75s');
  });

  it('sets only variables src/config.ts reads, and Redis as BullMQ needs it', () => {
    for (const service of ['migrate', 'web', 'worker']) {
      expect(Object.keys(env(service)).filter((k) => !configKeys.has(k))).toEqual([]);
    }
    const redis = (compose.services.redis.command as string[]).join(' ');
    expect(redis).toContain('--maxmemory-policy noeviction');
    expect(redis).toContain('--appendonly yes');
  });

  (hasBinary('docker-compose') ? it : it.skip)('docker-compose config accepts it (docker-compose on PATH)', () => {
    const run = spawnSync('docker-compose', ['-f', path.join(root, 'docker-compose.yml'), 'config', '-q'], {
      encoding: 'utf8',
      env: { ...process.env, ENCRYPTION_KEY: 'x'.repeat(64) },
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('deploy/grafana/sfa-dashboard.json', () => {
  /** The metrics the app exports (the dashboard's contract) with their type and labels. */
  const contract: Record<string, { type: 'counter' | 'histogram' | 'gauge'; labels: string[] }> = {
    sfa_chat_interactions_total: { type: 'counter', labels: ['platform', 'kind', 'outcome'] },
    sfa_chat_interaction_seconds: { type: 'histogram', labels: ['platform', 'kind'] },
    sfa_chat_ack_seconds: { type: 'histogram', labels: ['platform'] },
    sfa_chat_answer_seconds: { type: 'histogram', labels: ['platform'] },
    sfa_deliveries_total: { type: 'counter', labels: ['platform', 'kind', 'outcome'] },
    sfa_build_seconds: { type: 'histogram', labels: ['kind'] },
    sfa_queue_jobs: { type: 'gauge', labels: ['queue', 'state'] },
    sfa_queue_oldest_waiting_seconds: { type: 'gauge', labels: ['queue'] },
    sfa_outbox_unsettled: { type: 'gauge', labels: [] },
    sfa_outbox_lag_seconds: { type: 'gauge', labels: [] },
    sfa_db_pool_connections: { type: 'gauge', labels: ['state'] },
    sfa_signals_received_total: { type: 'counter', labels: ['outcome'] },
    sfa_signals_expanded_total: { type: 'counter', labels: ['outcome'] },
  };
  /** Labels Prometheus adds when it scrapes a pod. */
  const targetLabels = ['job', 'instance', 'namespace', 'pod', 'container'];

  const dashboard = JSON.parse(read('deploy', 'grafana', 'sfa-dashboard.json')) as Obj;
  const panels = (dashboard.panels as Obj[]).flatMap((p) => [p, ...((p.panels as Obj[] | undefined) ?? [])]);
  const expressions: Array<{ where: string; expr: string }> = [
    ...panels.flatMap((p) => ((p.targets as Obj[] | undefined) ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr as string }))),
    ...(dashboard.templating.list as Obj[]).map((v) => ({ where: `variable $${v.name}`, expr: (v.query?.query ?? v.query) as string })),
  ];

  /** Series names a metric exposes: a histogram has _bucket, _sum and _count. */
  const seriesOf = (name: string, type: string): Array<[string, string]> =>
    type === 'histogram' ? [[`${name}_bucket`, name], [`${name}_sum`, name], [`${name}_count`, name]] : [[name, name]];

  const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan']);

  /** The metric names and label names a PromQL expression uses (enough PromQL for dashboards). */
  function analyse(expr: string): { metrics: string[]; selectorLabels: Array<[string, string]>; groupingLabels: string[] } {
    let text = expr;
    const selectorLabels: Array<[string, string]> = [];
    const groupingLabels: string[] = [];
    // label_values(selector, label): the second argument is a label, not a metric.
    text = text.replace(/label_values\(\s*([^,]+?)\s*,\s*([a-zA-Z_]\w*)\s*\)/g, (_m, inner: string, label: string) => {
      groupingLabels.push(label);
      return inner;
    });
    text = text.replace(/([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}/g, (_m, metric: string | undefined, matchers: string) => {
      for (const [, label] of matchers.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)\s*"/g)) selectorLabels.push([metric ?? '', label!]);
      return metric ?? '';
    });
    text = text.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_m, _kw: string, labels: string) => {
      groupingLabels.push(...labels.split(',').map((l) => l.trim()).filter(Boolean));
      return ' ';
    });
    text = text.replace(/"[^"]*"/g, ' ').replace(/\[[^\]]*\]/g, ' ');
    const metrics = [...text.matchAll(/([a-zA-Z_:][\w:]*)(\s*\()?/g)]
      .filter((m) => !m[2] && !PROMQL_WORDS.has(m[1]!.toLowerCase()) && !/^\d/.test(m[1]!))
      .map((m) => m[1]!);
    return { metrics, selectorLabels, groupingLabels };
  }

  it('is importable JSON with a ${DS_PROMETHEUS} input used by every panel and query', () => {
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    const queried = panels.filter((p) => p.type !== 'row');
    expect(queried.length).toBeGreaterThan(10);
    for (const p of queried) {
      expect({ panel: p.title, ds: p.datasource }).toEqual({ panel: p.title, ds: { type: 'prometheus', uid: '${DS_PROMETHEUS}' } });
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) expect(t.datasource).toEqual(p.datasource);
    }
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    expect(panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual(['Chat', 'Deliveries', 'Queues', 'Builds', 'Database pool', 'Processes', 'Signals']);
  });

  it('the analyser finds metric and label names (so the next check can fail)', () => {
    expect(analyse('histogram_quantile(0.99, sum by (le, kind) (rate(sfa_build_seconds_bucket{namespace=~"$ns", x="a{b}"}[5m]))) * 60')).toEqual({
      metrics: ['sfa_build_seconds_bucket'],
      selectorLabels: [['sfa_build_seconds_bucket', 'namespace'], ['sfa_build_seconds_bucket', 'x']],
      groupingLabels: ['le', 'kind'],
    });
    expect(analyse('label_values(sfa_db_pool_connections{namespace=~"$namespace"}, pod)').metrics).toEqual(['sfa_db_pool_connections']);
    expect(analyse('sum(rate(sfa_typo_total[1m])) / on (pod) group_left process_open_fds').metrics).toEqual(['sfa_typo_total', 'process_open_fds']);
  });

  it('every expression names only metrics the app exports, with their labels', async () => {
    const defaults = new Registry();
    collectDefaultMetrics({ register: defaults });
    const defaultMetrics = (await defaults.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type) }));
    expect(defaultMetrics.map((m) => m.name)).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds']));
    const series = new Map<string, string>([
      ...Object.entries(contract).flatMap(([name, { type }]) => seriesOf(name, type)),
      ...defaultMetrics.flatMap(({ name, type }) => seriesOf(name, type)),
    ]);

    const problems: string[] = [];
    const used = new Set<string>();
    for (const { where, expr } of expressions) {
      expect(typeof expr).toBe('string');
      const { metrics, selectorLabels, groupingLabels } = analyse(expr);
      if (metrics.length === 0) problems.push(`${where}: no metric in ${expr}`);
      for (const m of metrics) {
        if (!series.has(m)) problems.push(`${where}: unknown metric ${m}`);
        else used.add(series.get(m)!);
      }
      const labelsOf = (m: string): string[] => {
        const base = series.get(m);
        const own = base && contract[base] ? contract[base].labels : [];
        return [...own, ...targetLabels, ...(m.endsWith('_bucket') ? ['le'] : [])];
      };
      for (const [m, label] of selectorLabels) {
        if (contract[series.get(m) ?? ''] && !labelsOf(m).includes(label)) problems.push(`${where}: ${m} has no label ${label}`);
      }
      const known = new Set(metrics.flatMap(labelsOf));
      const allSfa = metrics.every((m) => contract[series.get(m) ?? '']);
      for (const label of groupingLabels) if (allSfa && !known.has(label)) problems.push(`${where}: no metric in it has the label ${label}`);
    }
    expect(problems).toEqual([]);
    // The dashboard shows every exported sfa_ metric at least once.
    expect(Object.keys(contract).filter((m) => !used.has(m))).toEqual([]);
  });

  it('the contract is what src/ registers (type and labels), so the app cannot drift from the dashboard either', () => {
    const sources = ['src/metrics.ts', 'src/http/metrics-endpoint.ts'].map((f) => read(...f.split('/')));
    const registered = new Map<string, { type: string; labels: string[] }>();
    for (const text of sources) {
      for (const [, type, body] of text.matchAll(/new (Counter|Gauge|Histogram)\(\{([\s\S]*?)\n\}\);/g)) {
        const name = /name: '([^']+)'/.exec(body!)?.[1];
        const labels = /labelNames: \[([^\]]*)\]/.exec(body!)?.[1];
        if (name) registered.set(name, { type: type!.toLowerCase(), labels: labels ? [...labels.matchAll(/'([^']+)'/g)].map((m) => m[1]!) : [] });
      }
    }
    expect(Object.fromEntries([...registered].filter(([name]) => name.startsWith('sfa_')).sort())).toEqual(
      Object.fromEntries(Object.entries(contract).sort()),
    );
  });
});
