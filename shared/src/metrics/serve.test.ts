import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { metricsPort } from './serve.ts';

describe('a service’s metrics port', () => {
  it('is its own when METRICS_PORT is unset, the one set otherwise (0: a free one)', () => {
    expect(metricsPort(testConfig(), 'command-api')).toBe(9101);
    expect(metricsPort(testConfig(), 'query-api')).toBe(9102);
    expect(metricsPort(testConfig(), 'projections')).toBe(9103);
    expect(metricsPort(testConfig({ METRICS_PORT: '9300' }), 'projections')).toBe(9300);
    expect(metricsPort(testConfig({ METRICS_PORT: '0' }), 'command-api')).toBe(0);
  });
});
