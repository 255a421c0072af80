import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics, one registry per process (web and worker alike): what chat
 * interactions did and how long they took, what deliveries came to, and the process itself.
 * Queue gauges are added where the queues are (see http/metrics-endpoint).
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const interactions = new Counter({
  name: 'sfa_chat_interactions_total',
  help: 'Chat interactions run by the pipeline, by platform, kind (command, action, form, suggestion, home) and outcome (ok, duplicate, refused, failed).',
  labelNames: ['platform', 'kind', 'outcome'] as const,
  registers: [registry],
});

export const interactionSeconds = new Histogram({
  name: 'sfa_chat_interaction_seconds',
  help: 'Time to run a chat interaction through the pipeline (an inline answer; for a queued command, the worker\'s run).',
  labelNames: ['platform', 'kind'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const ackSeconds = new Histogram({
  name: 'sfa_chat_ack_seconds',
  help: 'Time from receiving a chat platform\'s request to acknowledging it (the HTTP answer; Slack allows 3 s), by platform.',
  labelNames: ['platform'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
  registers: [registry],
});

export const answerSeconds = new Histogram({
  name: 'sfa_chat_answer_seconds',
  help: 'Time from receiving a queued command to its answer being sent by a worker, by platform.',
  labelNames: ['platform'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60],
  registers: [registry],
});

export const deliveries = new Counter({
  name: 'sfa_deliveries_total',
  help: 'Messages the jobs tried to deliver, by platform (slack, teams), kind (visit_reminder, report, …) and outcome (sent, already_sent, dead, rate_limited, paced, retried).',
  labelNames: ['platform', 'kind', 'outcome'] as const,
  registers: [registry],
});

export const buildSeconds = new Histogram({
  name: 'sfa_build_seconds',
  help: 'Time to build and render what a job posts, by kind (report, forecast): the SQL and the charts, not the delivery.',
  labelNames: ['kind'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const signalsReceived = new Counter({
  name: 'sfa_signals_received_total',
  help: 'POST /api/signals: events accepted (valid, taken in with their request), duplicate (id repeated within the request) and rejected (invalid, reported per index); refused counts whole requests refused (key, signature, rate limit, size) once each. Ids sent in an earlier request are counted by sfa_signals_expanded_total.',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const signalsExpanded = new Counter({
  name: 'sfa_signals_expanded_total',
  help: 'Signal requests expanded into events by the worker: stored (new pending events) and duplicate (an id the tenant had already, e.g. a redelivery).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
