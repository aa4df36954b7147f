// Types for the workerd test project (@cloudflare/vitest-pool-workers).
/// <reference types="@cloudflare/vitest-pool-workers/types" />

declare namespace Cloudflare {
  interface Env extends Record<string, unknown> {}
  interface Exports {
    default: Fetcher;
  }
}
