import { createApp } from "./app.ts";
import { resolveServices } from "./compose.ts";
import { runScheduled } from "./cron/scheduled.ts";

/** The app wired to the real adapters; tests drive it with `app.request(path, init, env)`. */
export const app = createApp(resolveServices);

export default {
  fetch: app.fetch,
  async scheduled(controller: ScheduledController, env: unknown, ctx: ExecutionContext) {
    ctx.waitUntil(runScheduled(resolveServices(env), controller.cron));
  },
} satisfies ExportedHandler<Record<string, unknown>>;
