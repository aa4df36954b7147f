import type { DomainContext } from "../domain/ports.ts";
import type { Config } from "../env.ts";

/** What the composition root builds once per isolate and every request handler may use. */
export interface Services {
  config: Config;
  ctx: DomainContext;
}

/** Turns the worker's bindings into Services (cached per isolate); throws EnvironmentError. */
export type ResolveServices = (bindings: unknown) => Services;

/** Hono's environment type for this app. */
export interface AppEnv {
  Bindings: Record<string, unknown>;
  Variables: {
    requestId: string;
    services: Services;
    ctx: DomainContext;
  };
}
