// autocannon ships no type declarations; the benchmark uses a small part of its API.
declare module 'autocannon' {
  interface Histogram {
    p50: number;
    p99: number;
  }
  interface Result {
    requests: { total: number };
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
  }
  function autocannon(options: Record<string, unknown>): Promise<Result>;
  export default autocannon;
}
