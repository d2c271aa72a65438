/**
 * The Prometheus KEDA asks for consumer lag: the prometheus-operator's service in the `monitoring` namespace, the
 * namespace the NetworkPolicies admit scrapes from. A cluster whose Prometheus lives elsewhere patches the
 * ScaledObjects' serverAddress in its overlay.
 */
export const PROMETHEUS_URL = 'http://prometheus-operated.monitoring.svc:9090';
